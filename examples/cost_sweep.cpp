// The lecture's cost claim, measured: for a fully connected network of L
// layers of m neurons, forward and backward both cost O(L·m²). For each L and
// m this records one training step (batch 1, as in the lecture), reads the
// tape's cost ledger (Tape::stats()) and times both phases.
//
//   cost_sweep [--quick]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>
#include <vector>

#include <tapegrad/tapegrad.hpp>

namespace {

using tapegrad::Parameter;
using tapegrad::Tape;
using tapegrad::Tensor;
using tapegrad::Var;

struct Layer {
  Parameter<float> w, b;
};

std::vector<Layer> make_network(std::size_t depth, std::size_t width, std::mt19937& rng) {
  std::uniform_real_distribution<float> uniform(-0.1f, 0.1f);
  std::vector<Layer> layers;
  for (std::size_t l = 0; l < depth; ++l) {
    Tensor<float> w(tapegrad::Shape{width, width});
    std::generate(w.begin(), w.end(), [&] { return uniform(rng); });
    layers.push_back({Parameter<float>(std::move(w), fmt::format("W({})", l + 1)),
                      Parameter<float>(Tensor<float>(tapegrad::Shape{width}, 0.0f),
                                       fmt::format("b({})", l + 1))});
  }
  return layers;
}

Var<float> forward(Tape<float>& tape, std::vector<Layer>& layers, const Tensor<float>& x,
                   const Tensor<float>& t) {
  Var<float> h = tape.constant(x, "x");
  for (Layer& layer : layers)
    h = sigmoid(linear(h, tape.watch(layer.w), tape.watch(layer.b)));
  return mse(h, tape.constant(t, "t"));
}

/// Median seconds of `runs` calls of f.
template <class F>
double median_seconds(int runs, F&& f) {
  std::vector<double> times;
  for (int r = 0; r < runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    f();
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::nth_element(times.begin(), times.begin() + runs / 2, times.end());
  return times[static_cast<std::size_t>(runs / 2)];
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const std::vector<std::size_t> depths =
      quick ? std::vector<std::size_t>{1, 2} : std::vector<std::size_t>{1, 2, 4, 8};
  const std::vector<std::size_t> widths =
      quick ? std::vector<std::size_t>{32, 64} : std::vector<std::size_t>{128, 256, 512, 1024};
  tapegrad::set_num_threads(1);
  std::mt19937 rng(7);

  fmt::print("Cost of one forward and one backward pass, batch 1 (from Tape::stats())\n");
  fmt::print("{:>3} {:>5} {:>14} {:>14} {:>9} {:>11} {:>11} {:>11} {:>11}\n", "L", "m",
             "forward FLOPs", "backprop FLOPs", "bwd/fwd", "fwd/(L·m²)", "bwd/(L·m²)", "forward µs",
             "backward µs");
  for (const std::size_t depth : depths) {
    for (const std::size_t width : widths) {
      std::vector<Layer> layers = make_network(depth, width, rng);
      const Tensor<float> x(tapegrad::Shape{width}, 0.5f);
      const Tensor<float> t(tapegrad::Shape{width}, 0.25f);
      Tape<float> tape;
      const Var<float> loss = forward(tape, layers, x, t);
      const tapegrad::TapeStats stats = tape.stats();
      const double lm2 = static_cast<double>(depth * width * width);

      const int runs = quick ? 3 : 21;
      const double forward_s = median_seconds(runs, [&] {
        tape.reset();
        (void)forward(tape, layers, x, t);
      });
      const double backward_s = median_seconds(runs,
                                               [&] {
                                                 tape.reset();
                                                 const Var<float> l = forward(tape, layers, x, t);
                                                 tape.backward(l);
                                               }) -
                                forward_s;
      (void)loss;
      fmt::print("{:>3} {:>5} {:>14} {:>14} {:>9.3f} {:>11.3f} {:>11.3f} {:>11.1f} {:>11.1f}\n",
                 depth, width, stats.total.forward_flops, stats.total.backprop_flops,
                 static_cast<double>(stats.total.backprop_flops) /
                     static_cast<double>(stats.total.forward_flops),
                 static_cast<double>(stats.total.forward_flops) / lm2,
                 static_cast<double>(stats.total.backprop_flops) / lm2, forward_s * 1e6,
                 std::max(0.0, backward_s) * 1e6);
    }
  }
  fmt::print(
      "Both phases grow as L·m²: forward FLOPs per L·m² settle at 2 (one matrix-vector product\n"
      "per layer); backprop at 4 − 2/L (∂W and ∂h per layer, but no ∂x for the data).\n");
}
