// The tangent rule of the broadcasting binary ops (add, sub, mul, div,
// maximum, minimum) on the common broadcasts — a row over a batch (a bias),
// one number — takes plain loops; every other broadcast (a column) takes
// xtensor's broadcasting. Both are checked, in float64, against the same op
// on an operand broadcast first by broadcast_to (no broadcast inside the op)
// and, for the bias, against the formula by hand.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using Binary = std::function<Var<double>(Var<double>, Var<double>)>;

struct NamedBinary {
  std::string name;
  Binary f;
};

std::vector<NamedBinary> binaries() {
  return {{"add", [](Var<double> a, Var<double> b) { return a + b; }},
          {"sub", [](Var<double> a, Var<double> b) { return a - b; }},
          {"mul", [](Var<double> a, Var<double> b) { return a * b; }},
          {"div", [](Var<double> a, Var<double> b) { return a / b; }},
          {"maximum", [](Var<double> a, Var<double> b) { return maximum(a, b); }},
          {"minimum", [](Var<double> a, Var<double> b) { return minimum(a, b); }}};
}

Tensor<double> random_tensor(const Shape& shape, std::mt19937& rng) {
  std::uniform_real_distribution<double> uniform(0.5, 2.0);  // away from 0 for div
  Tensor<double> t(shape);
  for (double& e : t)
    e = uniform(rng);
  return t;
}

/// The tangent of f(a, b) with a, b seeded by da, db (either may be
/// std::nullopt: unseeded), with b broadcast inside f or, when
/// `pre_broadcast`, first by broadcast_to to the output's shape.
Tensor<double> tangent_of(const Binary& f, const Tensor<double>& a, const Tensor<double>& b,
                          const std::optional<Tensor<double>>& da,
                          const std::optional<Tensor<double>>& db, bool swap, bool pre_broadcast,
                          const Shape& out) {
  Tape<double> tape;
  const Var<double> av = tape.variable(a, "a");
  const Var<double> bv = tape.variable(b, "b");
  const Var<double> bb = pre_broadcast ? broadcast_to(bv, out) : bv;
  const Var<double> y = swap ? f(bb, av) : f(av, bb);
  std::vector<TangentSeed<double>> seeds;
  if (da)
    seeds.push_back({av, *da});
  if (db)
    seeds.push_back({bv, *db});
  return tape.jvp({y}, seeds, {.fallback = false})[0];
}

TEST(BroadcastTangent, FastAndGenericRulesEqualTheRuleWithoutBroadcast) {
  const Shape out{4, 3};
  // Rows (a bias, with or without leading 1s), one number (rank 0 or 1×1),
  // and a column, which takes xtensor's broadcasting.
  const std::vector<Shape> b_shapes{{3}, {1, 3}, {}, {1, 1}, {1}, {4, 1}};
  std::mt19937 rng(7);
  for (const NamedBinary& op : binaries()) {
    for (const Shape& b_shape : b_shapes) {
      for (const bool swap : {false, true}) {
        for (const int seeded : {0, 1, 2}) {  // a and b, a only, b only
          SCOPED_TRACE(op.name + " b " + shape_to_string(b_shape) + (swap ? " (b, a)" : " (a, b)") +
                       " seeded " + std::to_string(seeded));
          const Tensor<double> a = random_tensor(out, rng);
          const Tensor<double> b = random_tensor(b_shape, rng);
          std::optional<Tensor<double>> da, db;
          if (seeded != 2)
            da = random_tensor(out, rng);
          if (seeded != 1)
            db = random_tensor(b_shape, rng);
          const Tensor<double> inside = tangent_of(op.f, a, b, da, db, swap, false, out);
          const Tensor<double> outside = tangent_of(op.f, a, b, da, db, swap, true, out);
          ASSERT_EQ(inside.shape(), out);
          for (std::size_t i = 0; i < inside.size(); ++i)
            EXPECT_NEAR(inside.data()[i], outside.data()[i], 1e-14) << i;
        }
      }
    }
  }
}

TEST(BroadcastTangent, ABiasOverRowsByHand) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  const Var<double> b = tape.variable(Tensor<double>{0.5, -1.0, 2.0});
  const Tensor<double> dx{{0.1, 0.2, 0.3}, {-0.4, 0.5, -0.6}};
  const Tensor<double> db{1.0, -2.0, 0.25};
  const std::vector<Tensor<double>> t = tape.jvp({x + b, x * b}, {{x, dx}, {b, db}});
  for (std::size_t r = 0; r < 2; ++r) {
    for (std::size_t c = 0; c < 3; ++c) {
      EXPECT_DOUBLE_EQ(t[0](r, c), dx(r, c) + db(c)) << r << c;
      EXPECT_NEAR(t[1](r, c), dx(r, c) * b.value()(c) + x.value()(r, c) * db(c), 1e-14) << r << c;
    }
  }
}

TEST(BroadcastTangent, RowsOfTwoLengthsTakeTheGenericRule) {
  // a (2, 1, 3) against b (4, 3): both are rows of the (2, 4, 3) output, of
  // lengths 3 and 12, so neither is one row repeated over the other.
  std::mt19937 rng(11);
  const Tensor<double> a = random_tensor({2, 1, 3}, rng);
  const Tensor<double> b = random_tensor({4, 3}, rng);
  const Tensor<double> da = random_tensor({2, 1, 3}, rng);
  const Tensor<double> db = random_tensor({4, 3}, rng);
  Tape<double> tape;
  const Var<double> av = tape.variable(a);
  const Var<double> bv = tape.variable(b);
  const Tensor<double> t = tape.jvp({av * bv}, {{av, da}, {bv, db}})[0];
  ASSERT_EQ(t.shape(), (Shape{2, 4, 3}));
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t j = 0; j < 4; ++j) {
      for (std::size_t k = 0; k < 3; ++k)
        EXPECT_NEAR(t(i, j, k), da(i, 0, k) * b(j, k) + a(i, 0, k) * db(j, k), 1e-14);
    }
  }
}

}  // namespace
}  // namespace tapegrad
