#pragma once
// An op's fixed facts, stated once as static members of its class:
//
//   template <class T>
//   class Swish final : public tapegrad::OpBase<Swish<T>, T> {
//    public:
//     static constexpr std::string_view kName = "swish";        // the registered name
//     static constexpr int kArity = 1;                          // or Operation<T>::kVariadic
//     static constexpr std::string_view kFormula = "y = x·sigmoid(βx)";  // for printouts
//     static constexpr std::array<std::string_view, 1> kAttributes{"beta"};  // optional
//     ...forward(), backprop(), …
//   };
//
// OpBase implements Operation's name(), arity() and formula() from them (final:
// an op cannot restate them), and OpRegistration<Swish> reads the same members
// to fill the registry's entry, so a registration takes no name, arity or
// formula of its own. kAttributes lists the attributes the op is built from
// (its constructor from `const Attributes&`); an op without it takes none.

#include <array>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tapegrad/core/operation.hpp"

namespace tapegrad {
namespace detail {
template <class Op, class T, class = void>
inline constexpr bool has_scalar_value_and_partials_v = false;
template <class Op, class T>
inline constexpr bool has_scalar_value_and_partials_v<
    Op, T,
    std::void_t<decltype(std::declval<const Op&>().scalar_value_and_partials(
        std::declval<const T*>(), std::declval<T&>(), std::declval<T*>()))>> = true;
}  // namespace detail

template <class Op, class T>
class OpBase : public Operation<T> {
 public:
  std::string_view name() const final { return Op::kName; }
  int arity() const final { return Op::kArity; }
  std::string formula() const final { return std::string(Op::kFormula); }
  // An op whose value and partials share work (sin and cos: one sincos)
  // says so with a scalar_value_and_partials of the same signature.
  bool scalar_linearize(const T* inputs, T& output, T* partials) const final {
    const Op& op = static_cast<const Op&>(*this);
    if constexpr (detail::has_scalar_value_and_partials_v<Op, T>) {
      return op.Op::scalar_value_and_partials(inputs, output, partials);
    } else {
      if (!op.Op::scalar_forward(inputs, output))
        return false;
      op.Op::scalar_backprop(inputs, output, T(1), partials);
      return true;
    }
  }
};

namespace detail {
template <class Op, class = void>
inline constexpr bool has_attribute_names_v = false;
template <class Op>
inline constexpr bool has_attribute_names_v<Op, std::void_t<decltype(Op::kAttributes)>> = true;
}  // namespace detail

/// Op::kAttributes, or no names when Op declares none. Also for the kernels
/// of op templates, which pass their kernel's names on as their own.
template <class Op>
constexpr auto attribute_names_of() {
  if constexpr (detail::has_attribute_names_v<Op>) {
    return Op::kAttributes;
  } else {
    return std::array<std::string_view, 0>{};
  }
}

/// attribute_names_of<Op>() as strings, for the registry.
template <class Op>
std::vector<std::string> attribute_name_list() {
  constexpr auto names = attribute_names_of<Op>();
  return std::vector<std::string>(names.begin(), names.end());
}

}  // namespace tapegrad
