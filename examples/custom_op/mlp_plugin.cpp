// Does not link tapegrad_custom_ops: loads it at run time with
// tapegrad::load_ops() and uses its ops by name only, as any program can use
// a plugin. Also checks load_ops()'s errors. Exits non-zero on any failure.
//
//   mlp_plugin <path of libtapegrad_custom_ops> <path of libtapegrad_no_ops>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <tapegrad/tapegrad.hpp>

#include "checks.hpp"

namespace {

using checks::Checker;
using tapegrad::Attributes;
using tapegrad::Tape;
using tapegrad::Tensor;
using tapegrad::Var;

void check_not_yet_loaded(Checker& check) {
  check.expect(!tapegrad::Registry<double>::global().contains("swish") &&
                   !tapegrad::Registry<float>::global().contains("l2_normalize"),
               "swish and l2_normalize are unknown before load_ops()");
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0});
  check.expect_throw<tapegrad::UnknownOpError>("apply(\"swish\") before load_ops()", "swish",
                                               [&] { tape.apply("swish", {x}); });
}

void check_load(Checker& check, const std::string& path) {
  const std::vector<std::string> expected{"l2_normalize", "swish"};
  const std::vector<std::string> names = tapegrad::load_ops(path);
  std::string listed;
  for (const std::string& name : names)
    listed += " " + name;
  check.expect(names == expected, "load_ops() returned exactly {l2_normalize, swish}:" + listed);
  check.expect(tapegrad::load_ops(path) == expected, "loading it again returns the same names");
  for (const std::string& name : expected) {
    check.expect(tapegrad::Registry<double>::global().find(name).origin == "tapegrad_custom_ops" &&
                     tapegrad::Registry<float>::global().find(name).origin == "tapegrad_custom_ops",
                 name + " is registered for float and double by tapegrad_custom_ops");
  }
}

void check_by_name(Checker& check, std::mt19937_64& rng) {
  Tape<double> tape;
  const Var<double> x = tape.variable(checks::random_tensor(rng, {4, 5}));
  const Var<double> s = tape.apply("swish", {x}, {{"beta", 1.5}});
  check.expect(checks::swish_error(x.value(), s.value(), 1.5) < 1e-15,
               "apply(\"swish\", beta 1.5) = x·sigmoid(1.5x)");
  check.expect(tape.node(s.id()).op->attributes() == Attributes{{"beta", 1.5}},
               "the recorded swish reports attributes {beta: 1.5}");
  check.expect(checks::swish_error(x.value(), tape.apply("swish", {x}).value(), 1.0) < 1e-15,
               "apply(\"swish\") without beta uses beta = 1");
  check.expect(
      checks::l2_normalize_error(x.value(), tape.apply("l2_normalize", {x}).value()) < 1e-15,
      "apply(\"l2_normalize\") = x / ‖x‖ per row");

  // Errors thrown inside the plugin are caught by their type here.
  const Var<double> cube = tape.variable(Tensor<double>::from_shape({2, 2, 2}));
  const Var<double> zero_row = tape.variable(Tensor<double>{0.0, 0.0, 0.0});
  check.expect_throw<tapegrad::ShapeError>("apply(\"l2_normalize\") of a 3-D tensor", "(2, 2, 2)",
                                           [&] { tape.apply("l2_normalize", {cube}); });
  check.expect_throw<tapegrad::ValueError>("apply(\"l2_normalize\") of a zero row", "has norm 0",
                                           [&] { tape.apply("l2_normalize", {zero_row}); });
  check.expect_throw<tapegrad::ValueError>("apply(\"swish\") with an unknown attribute", "alpha",
                                           [&] {
                                             tape.apply("swish", {x}, {{"alpha", 2.0}});
                                           });

  // The float registrations.
  Tape<float> tape32;
  const Var<float> x32 = tape32.variable(Tensor<float>{{0.5f, -1.0f}, {2.0f, 0.25f}});
  const Var<float> h32 = tape32.apply("swish", {x32}, {{"beta", 2.0}});
  tape32.backward(tapegrad::sum(tape32.apply("l2_normalize", {h32})));
  check.expect(
      checks::swish_error(x32.value(), h32.value(), 2.0) < 1e-6 && std::isfinite(x32.grad()(1, 1)),
      "float: swish and l2_normalize by name record and backprop");
}

void check_gradients(Checker& check, std::mt19937_64& rng) {
  const checks::MlpData data(rng);
  checks::check_mlp(check, data, [](Var<double> h) {
    Tape<double>& tape = *h.tape();
    const Var<double> s = tape.apply("swish", {h}, {{"beta", 1.5}});
    return tape.apply("l2_normalize", {s});
  });
  for (const tapegrad::Shape& shape : checks::row_shapes(rng)) {
    const std::string s = tapegrad::shape_to_string(shape);
    check.gradcheck("l2_normalize " + s,
                    tapegrad::gradcheck("l2_normalize", {checks::random_tensor(rng, shape)}));
    check.gradcheck(
        "swish beta=0.7 " + s,
        tapegrad::gradcheck("swish", {checks::random_tensor(rng, shape)}, {{"beta", 0.7}}));
  }
}

void check_load_errors(Checker& check, const std::string& plugin, const std::string& no_ops) {
  check.expect_throw<tapegrad::PluginError>("load_ops() of a missing file", "no such file", [] {
    tapegrad::load_ops("/nonexistent/libtapegrad_missing_ops.so");
  });
  check.expect_throw<tapegrad::PluginError>("load_ops() of a library without ops",
                                            "registered no op",
                                            [&] { tapegrad::load_ops(no_ops); });
  // A second copy of the plugin tries to register the same names again.
  namespace fs = std::filesystem;
  const fs::path copy =
      fs::temp_directory_path() /
      ("tapegrad_custom_ops_copy_" + std::to_string(std::random_device{}()) + ".so");
  fs::copy_file(plugin, copy);
  check.expect_throw<tapegrad::PluginError>("load_ops() of a copy of the plugin",
                                            "already registered",
                                            [&] { tapegrad::load_ops(copy.string()); });
  fs::remove(copy);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <libtapegrad_custom_ops> <libtapegrad_no_ops>\n", argv[0]);
    return 2;
  }
  const std::string plugin = argv[1], no_ops = argv[2];
  Checker check;
  std::mt19937_64 rng(2025);
  check.run("before loading", [&] { check_not_yet_loaded(check); });
  check.run("load_ops", [&] { check_load(check, plugin); });
  check.run("ops by name", [&] { check_by_name(check, rng); });
  check.run("gradients", [&] { check_gradients(check, rng); });
  check.run("load_ops errors", [&] { check_load_errors(check, plugin, no_ops); });
  return check.finish("mlp_plugin");
}
