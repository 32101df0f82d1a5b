#pragma once
// The op registry: every op by name, so that `tape.apply("sigmoid", {x})`,
// inspection tools and plugins all speak the same vocabulary. One registry
// per value type; safe to use from several threads.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "tapegrad/core/attributes.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad {

template <class T>
struct OpInfo {
  using Factory = std::function<std::unique_ptr<const Operation<T>>(const Attributes&)>;

  std::string name;
  /// Number of inputs, or Operation<T>::kVariadic.
  int arity = Operation<T>::kVariadic;
  /// Attribute names the factory understands (others are refused).
  std::vector<std::string> attributes;
  /// One line for listings: what the op computes.
  std::string summary;
  /// Who registered it ("tapegrad" for built-ins), named in duplicate errors.
  std::string origin;
  Factory factory;
};

template <class T>
class TAPEGRAD_EXPORT Registry {
 public:
  /// The process-wide registry every tape uses.
  static Registry& global();

  /// Throws RegistryError when the name is taken or the entry is incomplete.
  void add(OpInfo<T> info);
  bool contains(std::string_view name) const;
  /// Throws UnknownOpError listing the closest registered names.
  OpInfo<T> find(std::string_view name) const;
  /// Builds the op `name` from `attributes` (refusing unknown attributes).
  std::unique_ptr<const Operation<T>> make(std::string_view name,
                                           const Attributes& attributes) const;
  /// Every entry, sorted by name.
  std::vector<OpInfo<T>> entries() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, OpInfo<T>, std::less<>> ops_;
};

}  // namespace tapegrad
