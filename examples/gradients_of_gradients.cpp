#include <cstdio>

#include <tapegrad/derivatives.hpp>
#include <tapegrad/tapegrad.hpp>

int main() {
  using namespace tapegrad;
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{0.5, 2.0}, "x");
  Var<double> y = sum(x * sin(x));
  // Recorded gradient: ordinary nodes, so it can be differentiated again.
  Var<double> g = tape.gradient(y, {x}, {.create_graph = true})[0];  // sin x + x cos x
  Var<double> d2 = tape.gradient(sum(g), {x})[0];                    // 2 cos x − x sin x
  Tensor<double> h = hessian(y, x);                                  // 2×2, diagonal here
  std::printf("g = [%.6f, %.6f]  y'' = [%.6f, %.6f]  H00 = %.6f\n", g.value()(0), g.value()(1),
              d2.value()(0), d2.value()(1), h(0, 0));
}
