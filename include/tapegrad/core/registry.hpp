#pragma once
// The op registry: every op by name, so that `tape.apply("sigmoid", {x})`,
// inspection tools and plugins all speak the same vocabulary. One registry
// per value type; safe to use from several threads.

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tapegrad/core/attributes.hpp"
#include "tapegrad/core/op_arena.hpp"
#include "tapegrad/core/op_traits.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad {

template <class T>
struct OpInfo {
  /// Builds the op from its attributes into `arena`, which owns it from then on.
  using Factory = std::function<const Operation<T>&(OpArena<T>& arena, const Attributes&)>;

  std::string name;
  /// Number of inputs, or Operation<T>::kVariadic.
  int arity = Operation<T>::kVariadic;
  /// Attribute names the factory understands (others are refused).
  std::vector<std::string> attributes;
  /// One line for listings: what the op computes (the op's formula()).
  std::string formula;
  /// Who registered it ("tapegrad" for built-ins), named in duplicate errors.
  std::string origin;
  /// Whether the op's backprop can itself be recorded and differentiated
  /// (it overrides differentiable_backprop(): gradients of gradients).
  bool higher_order = false;
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
  /// Builds the op `name` from `attributes` (refusing unknown attributes)
  /// into `arena`, which owns it.
  const Operation<T>& make(std::string_view name, const Attributes& attributes,
                           OpArena<T>& arena) const;
  /// Every entry, sorted by name.
  std::vector<OpInfo<T>> entries() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, OpInfo<T>, std::less<>> ops_;
};

/// Registration failures raised inside static initialisers, where throwing
/// would terminate the program (load_ops() reports them).
TAPEGRAD_EXPORT void record_registration_failure(const std::string& message);
/// Failures recorded so far, oldest first.
TAPEGRAD_EXPORT std::vector<std::string> registration_failures();

/// The registry entry of the op class Op (an Operation<T>), made from its
/// traits (op_traits.hpp); for registering one value type by hand with add().
template <class Op, class T>
OpInfo<T> op_info(std::string_view origin) {
  OpInfo<T> info;
  info.name = std::string(Op::kName);
  info.arity = Op::kArity;
  info.attributes = attribute_name_list<Op>();
  info.formula = std::string(Op::kFormula);
  info.origin = std::string(origin);
  // An op that does not override it inherits Operation's member.
  info.higher_order =
      !std::is_same_v<decltype(&Op::differentiable_backprop),
                      void (Operation<T>::*)(DifferentiableBackpropContext<T>&) const>;
  info.factory = [](OpArena<T>& arena, const Attributes& a) -> const Operation<T>& {
    if constexpr (std::is_constructible_v<Op, const Attributes&>) {
      return arena.template make<Op>(a);
    } else {
      return arena.template make<Op>();
    }
  };
  return info;
}

/// Registers an op class template for float and double from a static
/// initialiser, for plugins and built-ins alike. Everything but the origin
/// comes from the op's traits (op_traits.hpp):
///
///   const tapegrad::OpRegistration<Swish> registered("my plugin");
///
/// Op<T> must be default-constructible or constructible from
/// `const Attributes&`. A refused registration (a name already taken) is
/// recorded, not thrown: see registration_failures().
template <template <class> class Op>
class OpRegistration {
 public:
  explicit OpRegistration(std::string_view origin) {
    add(op_info<Op<float>, float>(origin));
    add(op_info<Op<double>, double>(origin));
  }

 private:
  template <class T>
  static void add(OpInfo<T> info) {
    try {
      Registry<T>::global().add(std::move(info));
    } catch (const Error& e) {
      record_registration_failure(e.what());
    }
  }
};

}  // namespace tapegrad
