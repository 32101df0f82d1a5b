// Optimiser state never holds a subnormal number (src/nn/subnormal.hpp): a
// weight gets one gradient, then gradients of exactly 0, so its moments decay
// geometrically through the subnormal range; the same updates written out by
// hand, without flushing, do pass through it, and the weights come out the
// same as theirs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <functional>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

template <class T>
bool has_subnormal(const Tensor<T>& t) {
  for (const T x : t) {
    if (std::fpclassify(x) == FP_SUBNORMAL)
      return true;
  }
  return false;
}

/// Step t's gradient: g₀ at step 1, then 0 (present, not missing).
template <class T>
void gradient_at(Parameter<T>& p, int step) {
  const Tensor<T> first{T(1e-3), T(-2e-3)};
  Tape<T> tape;
  const Tensor<T> weights = step == 1 ? first : Tensor<T>{T(0), T(0)};
  tape.backward(sum(tape.watch(p) * tape.constant(weights)));
}

constexpr int kSteps = 1200;  // β = 0.5 takes state below double's 2^-1022 by step ~1,070
constexpr double kBeta = 0.5;

template <class T>
class SubnormalState : public ::testing::Test {};
using ValueTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(SubnormalState, ValueTypes);

/// Runs `steps` of `optimizer` on p and of `by_hand` (which updates θ and its
/// own unflushed state, and says whether that state is subnormal), checking
/// after every step that `state` of the optimiser is never subnormal and θ
/// matches; the hand-written state must have been subnormal at some step.
template <class T>
void expect_flushed_and_equal(nn::Optimizer<T>& optimizer, Parameter<T>& p,
                              const std::function<const Tensor<T>&()>& state,
                              const std::function<bool(int, Tensor<T>&)>& by_hand) {
  Tensor<T> theta = p.value();
  int subnormal_steps = 0;
  for (int t = 1; t <= kSteps; ++t) {
    gradient_at(p, t);
    optimizer.step();
    subnormal_steps += by_hand(t, theta);
    ASSERT_FALSE(has_subnormal(state())) << "step " << t;
    for (std::size_t i = 0; i < theta.size(); ++i) {
      const T tolerance = 4 * std::numeric_limits<T>::epsilon() * std::abs(theta(i));
      ASSERT_NEAR(p.value()(i), theta(i), tolerance) << "step " << t << ", element " << i;
    }
  }
  EXPECT_GT(subnormal_steps, 0) << "the unflushed state never became subnormal: the test "
                                   "no longer reaches what it checks";
}

TYPED_TEST(SubnormalState, MomentumVelocityIsFlushed) {
  using T = TypeParam;
  for (const bool nesterov : {false, true}) {
    SCOPED_TRACE(nesterov ? "nesterov" : "momentum");
    Parameter<T> p(Tensor<T>{T(0.5), T(-0.25)});
    nn::Momentum<T> optimizer({&p}, T(0.1), T(kBeta), nesterov);
    Tensor<T> v{T(0), T(0)};
    const Tensor<T> g0{T(1e-3), T(-2e-3)};
    expect_flushed_and_equal<T>(
        optimizer, p, [&]() -> const Tensor<T>& { return optimizer.velocity(0); },
        [&](int t, Tensor<T>& theta) {
          bool subnormal = false;
          for (std::size_t i = 0; i < 2; ++i) {
            const T g = t == 1 ? g0(i) : T(0);
            v(i) = T(kBeta) * v(i) + g;
            theta(i) -= T(0.1) * (nesterov ? g + T(kBeta) * v(i) : v(i));
            subnormal |= std::fpclassify(v(i)) == FP_SUBNORMAL;
          }
          return subnormal;
        });
  }
}

TYPED_TEST(SubnormalState, AdamMomentsAreFlushed) {
  using T = TypeParam;
  Parameter<T> p(Tensor<T>{T(0.5), T(-0.25)});
  nn::Adam<T> optimizer({&p}, T(0.01), {kBeta, kBeta, 1e-8});
  Tensor<T> m{T(0), T(0)}, v{T(0), T(0)};
  const Tensor<T> g0{T(1e-3), T(-2e-3)};
  expect_flushed_and_equal<T>(
      optimizer, p,
      [&]() -> const Tensor<T>& {
        EXPECT_FALSE(has_subnormal(optimizer.second_moment(0)));
        return optimizer.first_moment(0);
      },
      [&](int t, Tensor<T>& theta) {
        bool subnormal = false;
        const auto step_size = static_cast<T>(0.01 / (1.0 - std::pow(kBeta, t)));
        const auto sqrt_correction2 = static_cast<T>(std::sqrt(1.0 - std::pow(kBeta, t)));
        for (std::size_t i = 0; i < 2; ++i) {
          const T g = t == 1 ? g0(i) : T(0);
          m(i) = T(kBeta) * m(i) + (T(1) - T(kBeta)) * g;
          v(i) = T(kBeta) * v(i) + (T(1) - T(kBeta)) * g * g;
          theta(i) -= step_size * (m(i) / (std::sqrt(v(i)) / sqrt_correction2 + T(1e-8)));
          subnormal |= std::fpclassify(m(i)) == FP_SUBNORMAL;
          subnormal |= std::fpclassify(v(i)) == FP_SUBNORMAL;
        }
        return subnormal;
      });
}

}  // namespace
}  // namespace tapegrad
