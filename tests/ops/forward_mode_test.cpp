// Forward mode against reverse mode for every case of the op table, in
// float64: the jvp along random tangents of the case's inputs equals
// Σ_i J_i·v_i with each J_i = ∂y/∂x_i built by reverse sweeps. Every
// built-in has a tangent rule of its own, so jvp runs without the double-VJP
// fallback; each case is seeded twice, on all its inputs and on every other
// one (a rule must treat an input without a tangent as zero).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ops/op_cases.hpp"

namespace tapegrad {
namespace {

Tensor<double> random_like(const Shape& shape, std::mt19937& rng) {
  std::normal_distribution<double> normal;
  Tensor<double> t(shape);
  for (double& e : t)
    e = normal(rng);
  return t;
}

TEST(ForwardMode, EveryCaseMatchesReverseMode) {
  std::set<std::string> covered;
  std::mt19937 rng(19);
  for (const testing::OpCase<double>& c : testing::op_cases<double>()) {
    SCOPED_TRACE(c.op + " " + c.label);
    Tape<double> tape;
    const std::vector<Var<double>> vars = testing::record_vars(tape, c);
    const std::size_t first = c.constants_first ? c.constants.size() : 0;
    const Var<double> y = c.f(tape, vars);
    for (const std::size_t stride : {1, 2}) {
      if (stride == 2 && c.inputs.size() < 2)
        continue;
      SCOPED_TRACE(stride == 1 ? "every input seeded" : "every other input seeded");
      std::vector<TangentSeed<double>> seeds;
      for (std::size_t i = 0; i < c.inputs.size(); i += stride)
        seeds.push_back({vars[first + i], random_like(c.inputs[i].shape(), rng)});
      const Tensor<double> forward = tape.jvp({y}, seeds, {.fallback = false})[0];
      ASSERT_EQ(forward.shape(), y.shape());
      Tensor<double> reverse(y.shape(), 0.0);
      for (const TangentSeed<double>& s : seeds) {
        const Tensor<double> j = jacobian(y, s.x);
        for (std::size_t r = 0; r < reverse.size(); ++r) {
          for (std::size_t k = 0; k < s.v.size(); ++k)
            reverse.data()[r] += j(r, k) * s.v.data()[k];
        }
      }
      for (std::size_t r = 0; r < reverse.size(); ++r) {
        const double want = reverse.data()[r];
        EXPECT_NEAR(forward.data()[r], want, 1e-10 * (1 + std::abs(want))) << "element " << r;
      }
    }
    covered.insert(c.op);
  }
  testing::expect_covers_builtins(covered, "forward-mode");
}

}  // namespace
}  // namespace tapegrad
