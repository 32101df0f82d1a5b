// Links tapegrad_custom_ops and uses its ops through the typed functions
// custom_ops::swish and custom_ops::l2_normalize: values against their
// formulas, errors, attributes, and gradients against finite differences
// (the whole MLP layer, and each op on its own by name). Exits non-zero on
// any failure.
#include <cstdio>
#include <random>
#include <string>

#include <tapegrad/tapegrad.hpp>

#include "checks.hpp"
#include "custom_ops.hpp"

namespace {

using checks::Checker;
using tapegrad::Attributes;
using tapegrad::Shape;
using tapegrad::Tape;
using tapegrad::Tensor;
using tapegrad::Var;

void check_registry(Checker& check) {
  for (const char* name : {"swish", "l2_normalize"}) {
    const auto d = tapegrad::Registry<double>::global().find(name);
    const auto f = tapegrad::Registry<float>::global().find(name);
    check.expect(d.origin == "tapegrad_custom_ops" && f.origin == "tapegrad_custom_ops" &&
                     d.arity == 1 && f.arity == 1,
                 std::string(name) + " is registered for float and double by tapegrad_custom_ops");
  }
  check.expect(tapegrad::Registry<double>::global().find("swish").attributes ==
                   std::vector<std::string>{"beta"},
               "swish declares the attribute \"beta\"");
  check.expect(tapegrad::Registry<double>::global().find("swish").formula ==
                       custom_ops::Swish<double>(1.0).formula() &&
                   tapegrad::Registry<float>::global().find("l2_normalize").formula ==
                       custom_ops::L2Normalize<float>().formula(),
               "the registry lists each op's own formula");
  check.expect(tapegrad::registration_failures().empty(), "no registration failed");
}

void check_values(Checker& check, std::mt19937_64& rng) {
  Tape<double> tape;
  const Var<double> x = tape.variable(checks::random_tensor(rng, {4, 5}), "x");
  const Var<double> s = custom_ops::swish(x, 1.5);
  check.expect(checks::swish_error(x.value(), s.value(), 1.5) < 1e-15,
               "swish(x, 1.5) = x·sigmoid(1.5x)");
  check.expect(checks::swish_error(x.value(), custom_ops::swish(x).value(), 1.0) < 1e-15,
               "swish(x) uses beta = 1");
  check.expect(tape.node(s.id()).op->attributes() == Attributes{{"beta", 1.5}},
               "a recorded swish reports attributes {beta: 1.5}");
  check.expect(custom_ops::Swish<double>(Attributes{}).beta() == 1.0 &&
                   custom_ops::Swish<double>(Attributes{{"beta", 0.25}}).beta() == 0.25,
               "Swish(Attributes) reads beta, 1 when absent");
  const Var<double> n = custom_ops::l2_normalize(x);
  check.expect(checks::l2_normalize_error(x.value(), n.value()) < 1e-15,
               "l2_normalize(x) = x / ‖x‖ per row of a matrix");
  const Var<double> v = tape.constant(Tensor<double>{3.0, -4.0});
  const Tensor<double> expected{0.6, -0.8};
  check.expect(custom_ops::l2_normalize(v).value() == expected,
               "l2_normalize([3, -4]) = [0.6, -0.8]");
  const Var<double> tiny = tape.constant(Tensor<double>{3e-300, 4e-300});
  check.expect(checks::l2_normalize_error(Tensor<double>{0.6, 0.8},
                                          custom_ops::l2_normalize(tiny).value()) < 1e-15,
               "l2_normalize of a tiny row does not underflow to norm 0");

  const Var<double> nan_row = tape.constant(Tensor<double>{0.0, std::nan("")});
  check.expect(std::isnan(custom_ops::l2_normalize(nan_row).value()(0)),
               "l2_normalize of a row with a NaN gives NaN, not an error");
  check.expect(
      custom_ops::l2_normalize(tape.constant(Tensor<double>::from_shape({2, 0}))).shape() ==
              Shape{2, 0} &&
          custom_ops::l2_normalize(tape.constant(Tensor<double>::from_shape({0}))).shape() ==
              Shape{0},
      "l2_normalize of empty rows, (2, 0) and (0,), is empty");

  // The float instantiations, and a backward through both ops on a float tape.
  Tape<float> tape32;
  const Var<float> x32 = tape32.variable(Tensor<float>{{0.5f, -1.0f}, {2.0f, 0.25f}});
  const Var<float> y32 = tapegrad::sum(custom_ops::l2_normalize(custom_ops::swish(x32, 2.0)));
  tape32.backward(y32);
  check.expect(checks::swish_error(x32.value(), custom_ops::swish(x32, 2.0).value(), 2.0) < 1e-6 &&
                   x32.grad().shape() == x32.value().shape() && std::isfinite(x32.grad()(1, 1)),
               "float: swish and l2_normalize record and backprop");
}

void check_errors(Checker& check) {
  Tape<double> tape;
  const Var<double> scalar = tape.variable(Tensor<double>(2.0));
  const Var<double> cube = tape.variable(Tensor<double>::from_shape({2, 2, 2}));
  const Var<double> zero_row = tape.variable(Tensor<double>{{1.0, 2.0}, {0.0, 0.0}});
  const std::size_t size = tape.size();
  check.expect_throw<tapegrad::ShapeError>("l2_normalize of a 3-D tensor", "(2, 2, 2)",
                                           [&] { custom_ops::l2_normalize(cube); });
  check.expect_throw<tapegrad::ShapeError>("l2_normalize of a scalar", "got shape ()",
                                           [&] { custom_ops::l2_normalize(scalar); });
  check.expect_throw<tapegrad::ValueError>("l2_normalize of a zero row",
                                           "row 1 of shape (2, 2) has norm 0",
                                           [&] { custom_ops::l2_normalize(zero_row); });
  check.expect(tape.size() == size, "failed recordings leave the tape as it was");
  try {
    custom_ops::l2_normalize(cube);
  } catch (const tapegrad::Error& e) {
    check.expect(e.op() == "l2_normalize" && e.node().has_value(),
                 "the ShapeError names the op and the node");
  }
  check.expect_throw<tapegrad::ValueError>("swish with beta = NaN", "beta must be finite",
                                           [&] { custom_ops::swish(scalar, std::nan("")); });
  check.expect_throw<tapegrad::StaleVarError>("swish of an empty Var", "swish",
                                              [] { custom_ops::swish(Var<double>{}); });
  check.expect_throw<tapegrad::ValueError>("swish by name with an unknown attribute", "alpha", [&] {
    tape.apply("swish", {scalar}, {{"alpha", 1.0}});
  });
}

void check_gradients(Checker& check, std::mt19937_64& rng) {
  const checks::MlpData data(rng);
  checks::check_mlp(check, data, [](Var<double> h) {
    return custom_ops::l2_normalize(custom_ops::swish(h, 1.5));
  });

  std::vector<Shape> shapes = checks::row_shapes(rng);
  for (const Shape& shape : shapes) {
    const std::string s = tapegrad::shape_to_string(shape);
    check.gradcheck("l2_normalize " + s,
                    tapegrad::gradcheck("l2_normalize", {checks::random_tensor(rng, shape)}));
  }
  shapes.push_back(Shape{});         // a scalar
  shapes.push_back(Shape{2, 3, 4});  // swish takes any rank
  for (const Shape& shape : shapes) {
    const std::string s = tapegrad::shape_to_string(shape);
    check.gradcheck(
        "swish beta=0.7 " + s,
        tapegrad::gradcheck("swish", {checks::random_tensor(rng, shape)}, {{"beta", 0.7}}));
  }
  check.gradcheck("swish without beta (4, 3)",
                  tapegrad::gradcheck("swish", {checks::random_tensor(rng, {4, 3})}));

  // x used three times: gradients from both ops accumulate into one input.
  check.gradcheck("swish(x, -2)·l2_normalize(x) + l2_normalize(x) (3, 4)",
                  tapegrad::gradcheck(
                      [](Tape<double>&, const std::vector<Var<double>>& in) {
                        const Var<double> x = in[0];
                        return custom_ops::swish(x, -2.0) * custom_ops::l2_normalize(x) +
                               custom_ops::l2_normalize(x);
                      },
                      {checks::random_tensor(rng, {3, 4})}));
}

}  // namespace

int main() {
  Checker check;
  std::mt19937_64 rng(2024);
  check.run("registry", [&] { check_registry(check); });
  check.run("values", [&] { check_values(check, rng); });
  check.run("errors", [&] { check_errors(check); });
  check.run("gradients", [&] { check_gradients(check, rng); });
  return check.finish("mlp_direct");
}
