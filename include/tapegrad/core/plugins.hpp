#pragma once
// Loading ops from a shared library at run time: after load_ops(path) a
// plugin's ops are usable by name like built-ins. A loaded library stays
// loaded for the life of the process: recorded nodes point into its code.
//
// Writing a plugin. Register from the entry point, where code may throw:
//
//   TAPEGRAD_PLUGIN(registrar) {
//     registrar.add<Swish>();  // float and double, from Swish's traits
//   }
//
// load_ops calls it after loading the library; anything it throws becomes
// load_ops' PluginError, and none of the plugin's ops is registered then.
// Registering from static initialisers (a namespace-scope
// tapegrad::OpRegistration, or Registry<T>::global().add) works too, and is
// what a library that is also linked into programs needs; while load_ops
// loads a library, those registrations never throw either.
//
// What a plugin's static initialisers may do: construct OpRegistration
// objects, call Registry<T>::global().add, build constants. What they must
// not do: throw, or end the process. No caller of dlopen can catch an
// exception that leaves a static initialiser (it ends the process with
// std::terminate, or leaves the dynamic loader locked). load_ops therefore
// loads the library first in a forked child process (PluginOptions::probe),
// and throws PluginError, loading nothing, when the child ends instead: an
// exception, abort(), a crash or exit() in an initialiser is reported, never
// fatal. Because of that probe the initialisers run twice, once in the child:
// keep them free of effects outside the process (files, sockets, threads), or
// move those to the entry point. Nor may they call load_ops().
//
// All or nothing: every registration made while load_ops loads a library
// (from its initialisers, its dependencies' initialisers and its entry
// point) waits in a pending set; load_ops adds all of them, float and double,
// or, when one is refused (a name already taken), none.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tapegrad/core/error.hpp"
#include "tapegrad/core/registry.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad {

/// A plugin that cannot be loaded, whose loading would end the process,
/// whose entry point throws, that registers a name already taken, or that
/// registers no op.
class TAPEGRAD_EXPORT PluginError : public Error {
 public:
  using Error::Error;
  ~PluginError() override;
};

/// What a plugin's entry point (TAPEGRAD_PLUGIN) registers its ops with.
/// Registrations wait until load_ops() commits them, all or none; add()
/// throws nothing of its own (an incomplete or duplicate entry is reported by
/// load_ops), and an exception the entry point throws discards them all.
/// (Outside load_ops, add() is Registry<T>::global().add.)
class TAPEGRAD_EXPORT PluginRegistrar {
 public:
  /// `origin` names the plugin in listings and errors (load_ops passes the
  /// library's file name).
  explicit PluginRegistrar(std::string origin) : origin_(std::move(origin)) {}

  /// Registers the op class template Op for float and double, everything but
  /// the origin from its traits (op_info()); the origin defaults to origin().
  template <template <class> class Op>
  void add(std::string_view origin = {}) {
    const std::string_view from = origin.empty() ? std::string_view(origin_) : origin;
    add(op_info<Op<float>, float>(from));
    add(op_info<Op<double>, double>(from));
  }
  /// Registers one hand-made entry.
  void add(OpInfo<float> info);
  void add(OpInfo<double> info);

  const std::string& origin() const noexcept { return origin_; }

 private:
  std::string origin_;
};

/// The entry point's name and type, as TAPEGRAD_PLUGIN declares it.
inline constexpr const char* kPluginEntryPoint = "tapegrad_register_ops";
extern "C" {
using PluginEntryPoint = void(PluginRegistrar&);
}

struct PluginOptions {
  /// Load the library in a forked child process first, so that a static
  /// initialiser that throws or aborts ends the child, not this process
  /// (Note [Probing a plugin in a child process] in src/core). false loads it
  /// directly: its initialisers then run once, and one that throws ends the
  /// process (std::terminate).
  bool probe = true;
};

/// Loads the shared library at `path` and returns the names of the ops it
/// registered (for float, double or both), sorted. Throws PluginError, and
/// registers none of its ops, when the file is missing or not a loadable
/// library (with the loader's reason), when loading it ends the probe's
/// child process (saying how), when its entry point throws (naming the
/// exception), when a name it registers is taken (naming both origins), or
/// when it registers nothing. A library is loaded once per process: loading
/// the same path again returns the same names, or throws PluginError
/// repeating why the first load failed.
TAPEGRAD_EXPORT std::vector<std::string> load_ops(std::string_view path,
                                                  const PluginOptions& options = {});

}  // namespace tapegrad

/// Defines a plugin's entry point, which load_ops() calls after loading the
/// library: `TAPEGRAD_PLUGIN(registrar) { registrar.add<MyOp>(); }`.
#define TAPEGRAD_PLUGIN(registrar)                                              \
  extern "C" __attribute__((visibility("default"))) void tapegrad_register_ops( \
      ::tapegrad::PluginRegistrar& registrar)
