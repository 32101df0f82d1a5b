// A new op in one file: y = x³. Shown verbatim in the README.
#include <cstdio>

#include <tapegrad/tapegrad.hpp>

template <class T>
class Cube final : public tapegrad::OpBase<Cube<T>, T> {
 public:
  // Stated once: OpBase answers name(), arity() and formula() from these,
  // and OpRegistration fills the registry's entry from them.
  static constexpr std::string_view kName = "cube";
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = "y = x³";

  void forward(tapegrad::ForwardContext<T>& ctx) const override {
    const tapegrad::Tensor<T>& x = ctx.input(0);
    xt::noalias(ctx.output(x.shape())) = x * x * x;
  }
  void backprop(tapegrad::BackpropContext<T>& ctx) const override {
    const tapegrad::Tensor<T>& x = ctx.input(0);  // ∂L/∂x += 3x² · g
    if (ctx.needs_grad(0)) ctx.accumulate(0, T(3) * x * x * ctx.grad_output());
  }
};

// Registered by name for float and double when the program (or plugin) loads.
const tapegrad::OpRegistration<Cube> registration("README");

int main() {
  tapegrad::Tape<double> tape;
  auto x = tape.variable(tapegrad::Tensor<double>{0.5, -2.0}, "x");
  auto y = tapegrad::sum(tape.apply<Cube<double>>({x}) + tape.apply("cube", {x}));
  tape.backward(y);  // ∂y/∂x = 2 · 3x² = [1.5, 24]
  std::printf("dy/dx = [%g, %g]\n", x.grad()(0), x.grad()(1));

  auto check = tapegrad::gradcheck("cube", {tapegrad::Tensor<double>{{0.3, -1.2}}});
  std::printf("%s\n", check.report().c_str());
  return check.ok ? 0 : 1;
}
