#include <gtest/gtest.h>

#include <cmath>

#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

struct Model {
  Parameter<double> w{random_tensor({2, 3}, 1), "fc.W"};
  Parameter<double> b{random_tensor({2}, 2), "fc.b"};
  std::vector<Parameter<double>*> params() { return {&w, &b}; }
};

const Tensor<double> kX = random_tensor({4, 3}, 3);
const Tensor<double> kT = random_tensor({4, 2}, 4);

Var<double> data_loss(Tape<double>& tape, Model& m) {
  return mse(linear(tape.constant(kX), tape.watch(m.w), tape.watch(m.b)), tape.constant(kT),
             Reduction::mean);
}

double sign(double v) {
  return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0);
}

TEST(Regularizers, GradientOfJIsGradientOfLPlusLambdaTimesOmegaByHand) {
  const double lambda = 0.3;
  Model plain, l2, l2_all, l1;
  {
    Tape<double> tape;
    tape.backward(data_loss(tape, plain));
  }
  const auto check = [&](Model& m, auto penalty, const nn::PenaltyOptions& options, auto d_omega,
                         bool biases, double omega_by_hand) {
    Tape<double> tape;
    const Var<double> omega = penalty(tape, m.params(), options);
    EXPECT_NEAR(omega.item(), omega_by_hand, 1e-14);
    tape.backward(data_loss(tape, m) + lambda * omega);
    for (std::size_t i = 0; i < m.w.value().size(); ++i) {
      const double theta = m.w.value().data()[i];
      EXPECT_NEAR(m.w.grad().data()[i], plain.w.grad().data()[i] + lambda * d_omega(theta), 1e-14);
    }
    for (std::size_t i = 0; i < m.b.value().size(); ++i) {
      const double theta = m.b.value().data()[i];
      const double extra = biases ? lambda * d_omega(theta) : 0.0;
      EXPECT_NEAR(m.b.grad().data()[i], plain.b.grad().data()[i] + extra, 1e-14);
    }
  };
  double half_w2 = 0, half_b2 = 0, abs_w = 0;
  for (const double v : plain.w.value()) {
    half_w2 += 0.5 * v * v;
    abs_w += std::abs(v);
  }
  for (const double v : plain.b.value())
    half_b2 += 0.5 * v * v;
  const auto l2_fn = [](Tape<double>& t, const std::vector<Parameter<double>*>& p,
                        const nn::PenaltyOptions& o) { return nn::l2_penalty(t, p, o); };
  const auto l1_fn = [](Tape<double>& t, const std::vector<Parameter<double>*>& p,
                        const nn::PenaltyOptions& o) { return nn::l1_penalty(t, p, o); };
  check(
      l2, l2_fn, {}, [](double theta) { return theta; }, false, half_w2);
  check(
      l2_all, l2_fn, {true}, [](double theta) { return theta; }, true, half_w2 + half_b2);
  check(
      l1, l1_fn, {}, [](double theta) { return sign(theta); }, false, abs_w);
}

TEST(Regularizers, NothingPenalisedIsAZeroAndNullIsAnError) {
  Parameter<double> bias(Tensor<double>{1.0, 2.0}, "b");
  Tape<double> tape;
  const Var<double> omega = nn::l2_penalty<double>(tape, {&bias});
  EXPECT_EQ(omega.rank(), 0u);
  EXPECT_EQ(omega.item(), 0.0);
  EXPECT_THROW((void)nn::l1_penalty<double>(tape, {nullptr}), ValueError);
  // L1 at exactly 0: subgradient 0.
  Parameter<double> w(Tensor<double>{{0.0, -2.0}}, "w");
  tape.backward(nn::l1_penalty<double>(tape, {&w}));
  EXPECT_EQ(w.grad(), (Tensor<double>{{0.0, -1.0}}));
}

}  // namespace
}  // namespace tapegrad
