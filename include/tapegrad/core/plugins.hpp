#pragma once
// Loading ops from a shared library at run time. A plugin is any shared
// library whose static initialisers register ops (Registry<T>::global().add
// or tapegrad::OpRegistration); after load_ops() they are usable by name
// like built-ins. A loaded library stays loaded for the life of the process:
// recorded nodes point into its code.

#include <string>
#include <string_view>
#include <vector>

#include "tapegrad/core/error.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad {

/// A plugin that cannot be loaded or that registers no op.
class TAPEGRAD_EXPORT PluginError : public Error {
 public:
  using Error::Error;
  ~PluginError() override;
};

/// Loads the shared library at `path` and returns the names of the ops it
/// registered (for float, double or both), sorted. Throws PluginError when
/// the file is missing or not a loadable library (with the loader's reason),
/// or when it registers nothing. Loading the same path twice returns the
/// same names without reloading.
TAPEGRAD_EXPORT std::vector<std::string> load_ops(std::string_view path);

}  // namespace tapegrad
