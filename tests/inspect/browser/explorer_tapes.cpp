// Writes the explorer pages the browser test opens, beside the lecture
// example's lecture.html:
//   nan.html       a tape whose log of a negative number is NaN (node 1)
//   wide.html      sum(x·x) for 100 elements of x, traced: tensors too large
//                  to show element by element
//   mlp1000.html   a 250-layer tanh MLP, 1,002 nodes, with its backprop trace
//   tape100k.html  a 25,000-layer one, 100,002 nodes
// and prints "<file> <nodes> <bytes>" per page, for the bytes per node.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include <tapegrad/inspect.hpp>
#include <tapegrad/tapegrad.hpp>

namespace {

using tapegrad::Tape;
using tapegrad::Tensor;
using tapegrad::Var;

// x, then `layers` × (fcK.W, fcK.b, fcK.a = linear, fcK.h = tanh), then sum:
// every node but x and L carries its layer's prefix, so the page groups them.
Var<double> record_mlp(Tape<double>& tape, std::size_t layers) {
  Var<double> h = tape.constant(Tensor<double>{{0.5, -1, 2}, {0.25, 0, -0.5}}, "x");
  for (std::size_t k = 0; k < layers; ++k) {
    const std::string prefix = "fc" + std::to_string(k) + ".";
    const double s = 0.1 * static_cast<double>(k % 5 + 1);
    const Var<double> w =
        tape.variable(Tensor<double>{{s, -s, 0.2}, {0.3, s, -0.1}, {-s, 0.05, s}}, prefix + "W");
    const Var<double> b = tape.variable(Tensor<double>{0.01, -0.02, s}, prefix + "b");
    h = tanh(linear(h, w, b).label(prefix + "a")).label(prefix + "h");
  }
  return sum(h).label("L");
}

void write(const tapegrad::inspect::TapeRecord& record, const std::filesystem::path& path) {
  tapegrad::inspect::save_html(record, path, {.title = path.filename().string()});
  std::printf("%s %zu %ju\n", path.filename().string().c_str(), record.nodes.size(),
              static_cast<std::uintmax_t>(std::filesystem::file_size(path)));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: explorer_tapes OUT_DIR\n");
    return 2;
  }
  namespace inspect = tapegrad::inspect;
  const std::filesystem::path out = argv[1];
  std::filesystem::create_directories(out);
  {
    Tape<double> tape;
    const Var<double> x = tape.variable(Tensor<double>{1.0, -1.0, 2.0}, "x");
    tape.backward(sum(log(x).label("log x")).label("L"));
    write(inspect::record(tape), out / "nan.html");
  }
  {
    Tape<double> tape;
    Tensor<double> values = Tensor<double>::from_shape({100});
    for (std::size_t i = 0; i < 100; ++i)
      values(i) = static_cast<double>(i) / 10 - 2;  // -2 … 7.9
    const Var<double> x = tape.variable(values, "x");
    tapegrad::BackpropTrace trace;
    tape.backward(sum(x * x).label("L"), {.trace = &trace});
    write(inspect::record(tape, {.trace = &trace}), out / "wide.html");
  }
  {
    Tape<double> tape;
    tapegrad::BackpropTrace trace;
    tape.backward(record_mlp(tape, 250), {.trace = &trace});
    write(inspect::record(tape, {.trace = &trace}), out / "mlp1000.html");
  }
  {
    Tape<double> tape;
    tape.backward(record_mlp(tape, 25'000));
    write(inspect::record(tape), out / "tape100k.html");
  }
  return 0;
}
