// gradcheck itself: it must pass a correct op and catch a wrong backprop,
// reporting the worst element precisely.

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

/// y = x³ with backprop `factor` · 3x² g: factor 1 is right, 2 is a bug.
class CubeOp final : public Operation<double> {
 public:
  explicit CubeOp(double factor = 1.0) : factor_(factor) {}

  std::string_view name() const override { return "core_gradcheck_test_cube"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<double>& ctx) const override {
    const Tensor<double>& x = ctx.input(0);
    xt::noalias(ctx.output(x.shape())) = x * x * x;
  }
  void backprop(BackpropContext<double>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Tensor<double>& x = ctx.input(0);
    ctx.accumulate(0, factor_ * 3.0 * x * x * ctx.grad_output());
  }
  Attributes attributes() const override { return {{"factor", factor_}}; }

 private:
  double factor_;
};

const char* const kWrongCube = "core_gradcheck_test_wrong_cube";

void ensure_wrong_cube_registered() {
  if (Registry<double>::global().contains(kWrongCube))
    return;
  OpInfo<double> info;
  info.name = kWrongCube;
  info.arity = 1;
  info.formula = "y = x³ with a backprop off by a factor 2 (a deliberate bug)";
  info.origin = "tapegrad core tests";
  info.factory = [](OpArena<double>& arena, const Attributes&) -> const Operation<double>& {
    return arena.make<CubeOp>(2.0);
  };
  Registry<double>::global().add(std::move(info));
}

std::string format_g10(const char* what, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s %.10g", what, value);
  return buffer;
}

TEST(Gradcheck, PassesACorrectCustomOp) {
  const GradcheckResult result = gradcheck(
      [](Tape<double>& tape, const std::vector<Var<double>>& in) {
        return tape.apply<CubeOp>({in[0]}) * in[1];
      },
      {testing::random_tensor({3, 4}, 1, -2.0, 2.0), testing::random_tensor({4}, 2)});
  EXPECT_TRUE(result.ok) << result.report();
  EXPECT_TRUE(static_cast<bool>(result));
  EXPECT_EQ(result.checked, 16u);
  EXPECT_LE(result.abs_error, 1e-6);
  EXPECT_NE(result.report().find("gradcheck passed (16 elements)"), std::string::npos)
      << result.report();
}

/// Input 0 goes through a correct cube, input 1 through the wrong one; the
/// output is the scalar Σ x₀³ + Σ x₁³.
GradcheckResult check_wrong_cube_on_second_input() {
  const Tensor<double> x0{0.5, -0.3};
  const Tensor<double> x1{{0.1, 0.2}, {0.9, -0.4}};
  return gradcheck(
      [](Tape<double>& tape, const std::vector<Var<double>>& in) {
        return sum(tape.apply<CubeOp>({in[0]})) + sum(tape.apply<CubeOp>({in[1]}, 2.0));
      },
      {x0, x1});
}

TEST(Gradcheck, FailsAWrongBackpropAndReportsTheWorstElement) {
  // The numeric gradient is 3x² and the analytic one 6x², so the worst
  // element is input 1's largest |x|: 0.9 at (1, 0).
  const GradcheckResult result = check_wrong_cube_on_second_input();
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(static_cast<bool>(result));
  EXPECT_EQ(result.checked, 6u);
  EXPECT_EQ(result.input, 1u);
  EXPECT_EQ(result.position, (Shape{1, 0}));
  EXPECT_NEAR(result.analytic / result.numeric, 2.0, 1e-7);
  EXPECT_NEAR(result.abs_error, result.analytic - result.numeric, 1e-12);
  EXPECT_NEAR(result.rel_error, 0.5, 1e-7);

  const std::string report = result.report();
  EXPECT_NE(report.find("gradcheck FAILED (6 elements)"), std::string::npos) << report;
  EXPECT_NE(report.find("input 1 at (1, 0)"), std::string::npos) << report;
  EXPECT_NE(report.find(format_g10("analytic", result.analytic)), std::string::npos) << report;
  EXPECT_NE(report.find(format_g10("numeric", result.numeric)), std::string::npos) << report;
}

TEST(Gradcheck, ScalarOutputReportsTheOutputsOwnDerivative) {
  // gradcheck.hpp: only a non-scalar output is projected onto a random r. For
  // a scalar output the reported values are ∂y/∂x itself: at x = 0.9 the
  // numeric derivative of x³ is 3·0.81 = 2.43 and the wrong analytic 4.86.
  const GradcheckResult result = check_wrong_cube_on_second_input();
  EXPECT_NEAR(result.numeric, 3 * 0.81, 1e-7);
  EXPECT_NEAR(result.analytic, 6 * 0.81, 1e-12);
  EXPECT_NEAR(result.abs_error, 3 * 0.81, 1e-7);
  const std::string report = result.report();
  EXPECT_NE(report.find("analytic 4.86"), std::string::npos) << report;
  EXPECT_NE(report.find("numeric 2.43"), std::string::npos) << report;
}

TEST(Gradcheck, FailsAWrongRegisteredOpByName) {
  ensure_wrong_cube_registered();
  const Tensor<double> x{-1.5, 0.01, 0.02};
  GradcheckOptions options;
  options.seed = 3;
  const GradcheckResult result = gradcheck(kWrongCube, {x}, {}, options);
  EXPECT_FALSE(result.ok) << result.report();
  EXPECT_EQ(result.input, 0u);
  EXPECT_EQ(result.position, (Shape{0}));  // the largest |x|
  EXPECT_NEAR(result.analytic / result.numeric, 2.0, 1e-6);
  EXPECT_NE(result.report().find("input 0 at (0,)"), std::string::npos) << result.report();
}

TEST(Gradcheck, ProjectionChecksEveryOutputOfANonScalarFunction) {
  // The output is projected onto a random r, so an error confined to one
  // element of a non-scalar output is still caught at that element.
  const GradcheckResult ok =
      gradcheck([](Tape<double>& tape,
                   const std::vector<Var<double>>& in) { return tape.apply<CubeOp>({in[0]}); },
                {testing::random_tensor({2, 3}, 5)});
  EXPECT_TRUE(ok.ok) << ok.report();

  const GradcheckResult bad =
      gradcheck([](Tape<double>& tape,
                   const std::vector<Var<double>>& in) { return tape.apply<CubeOp>({in[0]}, 2.0); },
                {Tensor<double>{{0.0, 0.0, 0.0}, {0.0, 1.0, 0.0}}});
  EXPECT_FALSE(bad.ok) << bad.report();
  EXPECT_EQ(bad.position, (Shape{1, 1}));
}

TEST(Gradcheck, ToleranceOptionsAreHonoured) {
  // With a relative tolerance of 150% a factor-2 error passes.
  GradcheckOptions loose;
  loose.rtol = 1.5;
  const GradcheckResult result = gradcheck(
      [](Tape<double>& tape, const std::vector<Var<double>>& in) {
        return sum(tape.apply<CubeOp>({in[0]}, 2.0));
      },
      {Tensor<double>{0.5, 1.0}}, loose);
  EXPECT_TRUE(result.ok) << result.report();
  EXPECT_NEAR(result.analytic / result.numeric, 2.0, 1e-6);
}

TEST(Gradcheck, BuiltinOpsPassByName) {
  for (const char* name : {"sigmoid", "tanh", "softmax", "log_softmax", "exp", "sin"}) {
    const GradcheckResult result = gradcheck(name, {testing::random_tensor({3, 4}, 8)});
    EXPECT_TRUE(result.ok) << name << ": " << result.report();
  }
  const GradcheckResult p =
      gradcheck("pow", {testing::random_tensor({5}, 9, 0.5, 2.0)}, {{"exponent", 2.5}});
  EXPECT_TRUE(p.ok) << p.report();
}

}  // namespace
}  // namespace tapegrad
