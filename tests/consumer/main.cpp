// Computes a gradient through the installed library and checks it, and
// checks that tapegrad's exceptions are caught by their type across the
// shared-library boundary, and prints a tape through the fmt formatter
// (fmt comes with tapegrad as a public dependency).
#include <cmath>
#include <cstdio>

#include <string>

#include <tapegrad/inspect/format.hpp>
#include <tapegrad/tapegrad.hpp>

int main() {
  using namespace tapegrad;
  Tape<double> tape;
  Var<double> w = tape.variable(Tensor<double>{{1.0, 2.0}, {3.0, 4.0}}, "w");
  Var<double> x = tape.constant(Tensor<double>{0.5, -1.0}, "x");
  Var<double> loss = sum(sigmoid(matmul(w, x)) * 2.0);
  tape.backward(loss);

  int failures = 0;
  for (std::size_t i = 0; i < 2; ++i) {
    const double a = w.value()(i, 0) * 0.5 - w.value()(i, 1);
    const double s = 1 / (1 + std::exp(-a));
    for (std::size_t j = 0; j < 2; ++j) {
      const double expected = 2 * s * (1 - s) * x.value()(j);
      if (std::abs(w.grad()(i, j) - expected) > 1e-12) {
        std::printf("gradient (%zu, %zu): got %.17g, expected %.17g\n", i, j, w.grad()(i, j),
                    expected);
        ++failures;
      }
    }
  }

  const std::string table = fmt::format("{}", tape);
  if (table.find("tape: 6 nodes (float64), backward from node 5") != 0) {
    std::printf("unexpected tape table:\n%s", table.c_str());
    ++failures;
  }

  try {
    (void)add(w, tape.constant(Tensor<double>{1.0, 2.0, 3.0}));
    std::printf("a shape mismatch was not reported\n");
    ++failures;
  } catch (const ShapeError& e) {
    std::printf("caught ShapeError as expected: %s\n", e.what());
  }

  Tape<float> tape32;
  Var<float> v = tape32.variable(Tensor<float>{1.0f, 2.0f});
  tape32.backward(sum(v * v));
  if (v.grad()(1) != 4.0f)
    ++failures;

  std::printf("C++ standard %ld: %s\n", static_cast<long>(__cplusplus),
              failures ? "FAILED" : "gradient ok");
  return failures ? 1 : 0;
}
