#pragma once
// The op registry: every op by name, so that `tape.apply("sigmoid", {x})`,
// inspection tools and plugins all speak the same vocabulary. One registry
// per value type; safe to use from several threads. While load_ops() loads
// a plugin, registrations from the loading thread wait in a pending set that
// load_ops commits all at once or discards (see plugins.hpp).

#include <functional>
#include <map>
#include <mutex>
#include <optional>
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

class RegistryTransaction;  // src/core: commits a plugin's ops to both registries at once

template <class T>
class TAPEGRAD_EXPORT Registry {
 public:
  /// The process-wide registry every tape uses.
  static Registry& global();

  /// Throws RegistryError when the name is taken or the entry is incomplete
  /// (the caller hears of the refusal, so the name stays usable). While
  /// load_ops() loads a plugin on this thread it never throws: the entry
  /// joins the plugin's pending set, and a refusal is load_ops' PluginError.
  void add(OpInfo<T> info);
  /// add() for a static initialiser, where a throw would end the program.
  /// When the name is taken it does not throw but marks the name conflicted:
  /// the first entry stays listed, and find(), make() and Tape::apply() of
  /// that name throw RegistryError naming every origin, since which op the
  /// name means depends on the order libraries load. Returns the origin that
  /// held the name, or nothing when the entry was added. An incomplete entry
  /// still throws. (OpRegistration calls this; see register_at_load().)
  /// While load_ops() loads a plugin on this thread, as add().
  std::optional<std::string> add_or_mark_conflict(OpInfo<T> info);
  /// Whether the name is registered (conflicted names included).
  bool contains(std::string_view name) const;
  /// Throws UnknownOpError listing the closest registered names, or
  /// RegistryError for a name whose registrations conflicted.
  OpInfo<T> find(std::string_view name) const;
  /// Builds the op `name` from `attributes` (refusing unknown attributes)
  /// into `arena`, which owns it; throws as find() does.
  const Operation<T>& make(std::string_view name, const Attributes& attributes,
                           OpArena<T>& arena) const;
  /// Every entry, sorted by name.
  std::vector<OpInfo<T>> entries() const;

 private:
  friend class RegistryTransaction;

  mutable std::mutex mutex_;
  std::map<std::string, OpInfo<T>, std::less<>> ops_;
  /// Conflicted names → every origin that registered them, first one first.
  std::map<std::string, std::vector<std::string>, std::less<>> conflicts_;
};

/// Registration failures raised inside static initialisers of the program and
/// the libraries it links, where throwing would terminate the program
/// (load_ops() reports a plugin's own failures as its PluginError instead).
TAPEGRAD_EXPORT void record_registration_failure(const std::string& message);
/// Failures recorded so far, oldest first.
TAPEGRAD_EXPORT std::vector<std::string> registration_failures();

/// What OpRegistration does when the program or a library it links loads:
/// adds both entries (add_or_mark_conflict). A refused one is reported
/// loudly — one line on stderr naming the op and both origins — and recorded
/// (registration_failures()); using a conflicted name afterwards throws
/// RegistryError. In a plugin that load_ops() loads, both entries join the
/// plugin's pending set instead, committed with its other ops or not at all.
/// Never throws.
TAPEGRAD_EXPORT void register_at_load(OpInfo<float> for_float, OpInfo<double> for_double) noexcept;

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
/// reported, not thrown: see register_at_load().
template <template <class> class Op>
class OpRegistration {
 public:
  explicit OpRegistration(std::string_view origin) {
    register_at_load(op_info<Op<float>, float>(origin), op_info<Op<double>, double>(origin));
  }
};

}  // namespace tapegrad
