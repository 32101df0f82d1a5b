// The lecture's worked example on the tape: forward values, the loss, every
// gradient of SEED.md's table, the tape itself (table, DOT, JSON, SVG; see
// inspection.hpp), the backward phase step by step from the engine's trace,
// then 100 gradient steps (α = 0.5).
//
// Usage: lecture [--out DIR]   (files go to DIR, default the current directory)
#include <fmt/format.h>

#include <filesystem>
#include <string_view>
#include <vector>

#include "lecture/backward_trace.hpp"
#include "lecture/format.hpp"
#include "lecture/inspection.hpp"
#include "lecture/network.hpp"

namespace {

void row(std::string_view name, const tapegrad::Tensor<double>& value) {
  const std::vector<std::size_t> shape(value.shape().begin(), value.shape().end());
  fmt::print("  {:<20} {}\n", name, lecture::format_values(shape, value.data()));
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path out_dir = ".";
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--out" && i + 1 < argc) {
      out_dir = argv[++i];
    } else {
      fmt::print(stderr, "usage: lecture [--out DIR]\n");
      return 2;
    }
  }

  lecture::Network net;
  tapegrad::Tape<double> tape;
  const auto pass = net.forward(tape);
  tapegrad::BackpropTrace trace;
  tape.backward(pass.loss, {.trace = &trace});

  fmt::print("Forward pass (x = [0.5, 0.1], t = [0.01, 0.99])\n");
  row("a(1)", pass.a1.value());
  row("h(1)", pass.h1.value());
  row("a(2)", pass.a2.value());
  row("y", pass.y.value());
  fmt::print("  {:<20} {:.10f}\n", "L", pass.loss.item());
  fmt::print("Backward pass\n");
  row("∇y L", pass.y.grad());
  row("∇a(2) L = ∇b(2) L", pass.a2.grad());
  row("∇W(2) L", net.w2.grad());
  row("∇h(1) L", pass.h1.grad());
  row("∇a(1) L = ∇b(1) L", pass.a1.grad());
  row("∇W(1) L", net.w1.grad());
  lecture::show_tape(tape, trace, out_dir);

  lecture::print_backward_trace(tape, trace);

  fmt::print("Gradient descent, α = 0.5\n");
  net.zero_grad();
  for (int step = 0; step <= 100; ++step) {
    tape.reset();
    const auto p = net.forward(tape);
    if (step % 10 == 0)
      fmt::print("  step {:>3}  L = {:.10f}\n", step, p.loss.item());
    if (step == 100)
      break;
    tape.backward(p.loss);
    net.step(0.5);
  }
}
