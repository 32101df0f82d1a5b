// Elementwise results depend only on the element's own inputs: the same x[i]
// (and gradient g[i]) gives the same bits wherever it sits in a tensor and
// wherever that tensor's buffer was allocated. Moving an element by k places
// changes its offset from every SIMD boundary and its distance to the tail,
// which is exactly what made exp, log, tanh, sigmoid, sin and cos differ in the
// last bit when xtensor computed the unaligned head and the tail with std::
// functions and the body with xsimd's. sqrt and relu are exact either way and
// are checked so that they stay so; so are the activations and functions
// added since (softplus across its threshold).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

/// Longer than the scalar path's 16 elements and not a multiple of any SIMD
/// width, so every window has a partial last batch.
constexpr std::size_t kLength = 67;
constexpr std::size_t kMaxShift = 7;

struct OpDomain {
  std::string name;
  double low;
  double high;
};

const std::vector<OpDomain>& ops_under_test() {
  static const std::vector<OpDomain> ops = {
      {"exp", -4, 4},        {"log", 0.01, 10},   {"tanh", -4, 4},  {"sigmoid", -6, 6},
      {"sin", -10, 10},      {"cos", -10, 10},    {"sqrt", 0, 10},  {"relu", -1, 1},
      {"leaky_relu", -1, 1}, {"elu", -3, 3},      {"gelu", -4, 4},  {"silu", -6, 6},
      {"softplus", -25, 25}, {"log1p", -0.9, 10}, {"expm1", -4, 4}, {"erf", -3, 3},
      {"atan", -10, 10},
  };
  return ops;
}

template <class T>
using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

/// Elements [first, first + length) of `t`, in a tensor of their own.
template <class T>
Tensor<T> window(const Tensor<T>& t, std::size_t first, std::size_t length) {
  Tensor<T> w = Tensor<T>::from_shape({length});
  for (std::size_t i = 0; i < length; ++i)
    w(i) = t(first + i);
  return w;
}

template <class T>
struct Evaluation {
  Tensor<T> value;
  Tensor<T> grad;
};

/// op(x) and the backprop of seed g through it.
template <class T>
Evaluation<T> evaluate(const std::string& op, const Tensor<T>& x, const Tensor<T>& g) {
  Tape<T> tape;
  Var<T> in = tape.variable(x);
  Var<T> out = tape.apply(op, {in});
  tape.backward(out, g);
  return {out.value(), in.grad()};
}

/// Counts the elements of `shifted` that differ, in any bit, from those of
/// `reference` starting at `offset`; describes the first one in `first`.
template <class T>
std::size_t count_mismatches(const Tensor<T>& shifted, const Tensor<T>& reference,
                             std::size_t offset, std::string& first) {
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < shifted.size(); ++i) {
    const T a = shifted(i);
    const T b = reference(offset + i);
    if (std::bit_cast<Bits<T>>(a) == std::bit_cast<Bits<T>>(b))
      continue;
    if (mismatches++ == 0) {
      first = fmt::format("element {}: {} vs {}", offset + i, a, b);
    }
  }
  return mismatches;
}

template <class T>
class ElementwiseAddress : public ::testing::Test {};
using ValueTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(ElementwiseAddress, ValueTypes);

TYPED_TEST(ElementwiseAddress, ValuesAndGradientsDoNotDependOnPosition) {
  using T = TypeParam;
  std::uint64_t seed = 1;
  for (const OpDomain& op : ops_under_test()) {
    Tensor<T> x = testing::random_tensor<T>({kLength + kMaxShift}, seed++, T(op.low), T(op.high));
    if (op.name == "relu" || op.name == "leaky_relu" || op.name == "elu") {
      x(3) = T(0);  // the kink, both sides of it
      x(40) = T(-0.0);
    }
    const Tensor<T> g = testing::random_tensor<T>({kLength + kMaxShift}, seed++);
    const Evaluation<T> reference = evaluate(op.name, x, g);
    for (std::size_t k = 1; k <= kMaxShift; ++k) {
      const Evaluation<T> shifted = evaluate(op.name, window(x, k, kLength), window(g, k, kLength));
      std::string first;
      EXPECT_EQ(count_mismatches(shifted.value, reference.value, k, first), 0u)
          << op.name << " value, shifted by " << k << "; first: " << first;
      EXPECT_EQ(count_mismatches(shifted.grad, reference.grad, k, first), 0u)
          << op.name << " gradient, shifted by " << k << "; first: " << first;
    }
  }
}

}  // namespace
}  // namespace tapegrad
