// The float32 instantiation of the ops agrees with float64 on the same
// (float-representable) inputs, values and gradients, to 1e-5 relative.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

Tensor<float> to_float(const Tensor<double>& t) {
  Tensor<float> out = Tensor<float>::from_shape(t.shape());
  std::transform(t.begin(), t.end(), out.begin(), [](double v) { return static_cast<float>(v); });
  return out;
}

/// Rounds to float first, so both precisions see the very same inputs.
Tensor<double> float_representable(const Tensor<double>& t) {
  Tensor<double> out = t;
  for (double& v : out)
    v = static_cast<double>(static_cast<float>(v));
  return out;
}

void expect_close(const Tensor<float>& f, const Tensor<double>& d, const std::string& what) {
  ASSERT_EQ(f.shape(), d.shape()) << what;
  double scale = 0;  // relative to the largest magnitude, so a near-zero entry is not ill-posed
  for (double v : d)
    scale = std::max(scale, std::abs(v));
  for (std::size_t i = 0; i < d.size(); ++i) {
    EXPECT_NEAR(static_cast<double>(f.data()[i]), d.data()[i],
                1e-5 * std::max(std::abs(d.data()[i]), 1e-2 * scale) + 1e-30)
        << what << " at " << i;
  }
}

/// Runs `f` on both precisions; compares the outputs and every input's gradient
/// for the seed g (same shape as the output).
template <class F>
void compare(const char* what, F&& f, std::vector<Tensor<double>> inputs) {
  for (auto& t : inputs)
    t = float_representable(t);
  Tape<double> td;
  Tape<float> tf;
  std::vector<Var<double>> vd;
  std::vector<Var<float>> vf;
  for (const auto& t : inputs) {
    vd.push_back(td.variable(t));
    vf.push_back(tf.variable(to_float(t)));
  }
  const Var<double> yd = f(vd);
  const Var<float> yf = f(vf);
  expect_close(yf.value(), yd.value(), std::string(what) + " value");
  const Tensor<double> g = float_representable(random_tensor(yd.shape(), 99));
  td.backward(yd, g);
  tf.backward(yf, to_float(g));
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    expect_close(vf[i].grad(), vd[i].grad(), std::string(what) + " grad " + std::to_string(i));
  }
}

TEST(Float32, MatchesFloat64) {
  const Tensor<double> x = random_tensor({4, 5}, 1, -2.0, 2.0);
  const Tensor<double> w = random_tensor({3, 5}, 2);
  const Tensor<double> b = random_tensor({3}, 3);
  const Tensor<double> pos = random_tensor({4, 5}, 4, 0.5, 2.0);
  compare("sigmoid", [](const auto& v) { return sigmoid(v[0]); }, {x});
  compare("tanh", [](const auto& v) { return tanh(v[0]); }, {x});
  compare("exp", [](const auto& v) { return exp(v[0]); }, {x});
  compare("log", [](const auto& v) { return log(v[0]); }, {pos});
  compare("sqrt", [](const auto& v) { return sqrt(v[0]); }, {pos});
  compare("pow", [](const auto& v) { return pow(v[0], 1.5); }, {pos});
  compare("div", [](const auto& v) { return div(v[0], v[1]); }, {x, pos});
  compare("mul broadcast", [](const auto& v) { return mul(v[0], v[1]); },
          {x, random_tensor({5}, 5)});
  compare("softmax", [](const auto& v) { return softmax(v[0]); }, {x});
  compare("log_softmax", [](const auto& v) { return log_softmax(v[0]); }, {x});
  compare("matmul", [](const auto& v) { return matmul(v[0], transpose(v[1])); }, {x, w});
  compare("linear", [](const auto& v) { return linear(v[0], v[1], v[2]); }, {x, w, b});
  compare("sum axis", [](const auto& v) { return sum(v[0], -1, true); }, {x});
  compare("mean", [](const auto& v) { return mean(v[0]); }, {x});
  compare("mse", [](const auto& v) { return mse(v[0], v[1], Reduction::mean); },
          {x, random_tensor({4, 5}, 6)});
  compare("cross_entropy",
          [](const auto& v) {
            using T = typename std::decay_t<decltype(v[0])>::value_type;
            Tensor<T> labels{1, 0, 4, 2};
            return cross_entropy(v[0], v[0].tape()->constant(labels));
          },
          {x});
}

TEST(Float32, ActivationsComparisonsAndReductionsMatchFloat64) {
  // (4, 5): more than 16 elements, so the elementwise ops take the vector path.
  const Tensor<double> x = random_tensor({4, 5}, 7, -2.0, 2.0);
  const Tensor<double> y = random_tensor({4, 5}, 8, -2.0, 2.0);
  compare("leaky_relu", [](const auto& v) { return leaky_relu(v[0], 0.25); }, {x});
  compare("elu", [](const auto& v) { return elu(v[0]); }, {x});
  compare("gelu", [](const auto& v) { return gelu(v[0]); }, {x});
  compare("gelu tanh", [](const auto& v) { return gelu(v[0], GeluApproximation::tanh); }, {x});
  compare("silu", [](const auto& v) { return silu(v[0]); }, {x});
  compare("softplus", [](const auto& v) { return softplus(v[0], 2.0, 2.0); }, {x});
  compare("log1p", [](const auto& v) { return log1p(v[0]); },
          {random_tensor({4, 5}, 9, -0.9, 2.0)});
  compare("expm1", [](const auto& v) { return expm1(v[0]); }, {x});
  compare("erf", [](const auto& v) { return erf(v[0]); }, {x});
  compare("atan", [](const auto& v) { return atan(v[0]); }, {x});
  compare("clamp", [](const auto& v) { return clamp(v[0], -1.0, 0.5); }, {x});
  compare("maximum", [](const auto& v) { return maximum(v[0], v[1]); }, {x, y});
  compare("minimum broadcast", [](const auto& v) { return minimum(v[0], v[1]); },
          {x, random_tensor({5}, 10)});
  compare("where", [](const auto& v) { return where(greater(v[0], v[1]), v[0], v[1] * v[1]); },
          {x, y});
  compare("max axis", [](const auto& v) { return max(v[0], 1); }, {x});
  compare("logsumexp", [](const auto& v) { return logsumexp(v[0], 0, true); }, {x});
  compare("var", [](const auto& v) { return var(v[0], -1); }, {x});
  compare("std", [](const auto& v) { return std(v[0]); }, {x});
  compare("norm", [](const auto& v) { return norm(v[0], 0); }, {x});
}

TEST(Float32, CrossEntropyStableForHugeLogits) {
  Tape<float> tape;
  const Var<float> x = tape.variable(Tensor<float>{{1000.0f, -1000.0f, 0.0f}});
  const Var<float> loss = cross_entropy(x, tape.constant(Tensor<float>{2.0f}));
  EXPECT_FLOAT_EQ(loss.item(), 1000.0f);
  tape.backward(loss);
  EXPECT_FLOAT_EQ(x.grad()(0, 0), 1.0f);
  EXPECT_FLOAT_EQ(x.grad()(0, 2), -1.0f);
}

}  // namespace
}  // namespace tapegrad
