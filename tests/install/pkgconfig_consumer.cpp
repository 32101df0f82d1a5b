// Built by relocatable_test.cmake with nothing but the flags
// `pkg-config --cflags --libs tapegrad` gives: records a small graph, runs
// backward and prints values (all exact in binary) for the test to compare,
// then the first line of the tape's table (fmt comes through pkg-config too).
#include <cstddef>
#include <string>

#include <tapegrad/inspect/format.hpp>
#include <tapegrad/tapegrad.hpp>

int main() {
  using namespace tapegrad;
  Tape<double> tape;
  Var<double> w = tape.variable(Tensor<double>{{1.0, 2.0}, {3.0, 4.0}}, "w");
  Var<double> x = tape.constant(Tensor<double>{0.5, -1.0}, "x");
  Var<double> y = matmul(w, x);
  Var<double> loss = sum(y * y);
  tape.backward(loss);

  fmt::print("y = [{}, {}]\n", y.value()(0), y.value()(1));
  fmt::print("loss = {}\n", loss.item());
  for (std::size_t i = 0; i < 2; ++i)
    fmt::print("dloss/dw[{}] = [{}, {}]\n", i, w.grad()(i, 0), w.grad()(i, 1));

  Tape<float> tape32;
  Var<float> v = tape32.variable(Tensor<float>{1.0f, 2.0f});
  tape32.backward(sum(v * v * 0.5f));
  fmt::print("float32 grad = [{}, {}]\n", v.grad()(0), v.grad()(1));

  const std::string table = fmt::format("{}", tape);
  fmt::print("{}", table.substr(0, table.find('\n') + 1));
  fmt::print("C++ standard {}\n", static_cast<long>(__cplusplus));
  return 0;
}
