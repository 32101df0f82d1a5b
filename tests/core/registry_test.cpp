// The op registry: every built-in by name for both value types, listings,
// duplicate refusal, and a user op registered and applied by name.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

const std::vector<std::string> kBuiltins = {
    "add",         "sub",           "mul",       "div",          "neg",     "scale",
    "shift",       "exp",           "log",       "sqrt",         "square",  "pow",
    "sin",         "cos",           "sigmoid",   "tanh",         "relu",    "softmax",
    "log_softmax", "matmul",        "transpose", "linear",       "sum",     "mean",
    "mse",         "cross_entropy", "sum_to",    "broadcast_to", "reshape", "outer"};

/// y = x³; ∂y/∂x = 3x².
template <class T>
class CubeOp final : public OpBase<CubeOp<T>, T> {
 public:
  static constexpr std::string_view kName = "core_registry_test_cube";
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = "y = x³";

  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& x = ctx.input(0);
    xt::noalias(ctx.output(x.shape())) = x * x * x;
  }
  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Tensor<T>& x = ctx.input(0);
    ctx.accumulate(0, T(3) * x * x * ctx.grad_output());
  }
};

template <class T>
void ensure_cube_registered() {
  Registry<T>& registry = Registry<T>::global();
  if (registry.contains(CubeOp<T>::kName))
    return;
  registry.add(op_info<CubeOp<T>, T>("tapegrad core tests"));
}

// ---------------------------------------------------------------- built-ins by name

template <class T>
struct Case {
  std::string name;
  std::vector<Tensor<T>> inputs;
  Attributes attributes;
  std::function<Var<T>(const std::vector<Var<T>>&)> free;
};

template <class T>
std::vector<Case<T>> builtin_cases() {
  using V = std::vector<Var<T>>;
  const auto r = [](const Shape& shape, std::uint64_t seed) {
    return testing::random_tensor<T>(shape, seed);
  };
  const auto positive = [](const Shape& shape, std::uint64_t seed) {
    return testing::random_tensor<T>(shape, seed, T(0.5), T(2));
  };
  const Tensor<T> labels{T(0), T(2), T(1), T(2)};
  return {
      {"add", {r({3, 2}, 1), r({2}, 2)}, {}, [](const V& v) { return v[0] + v[1]; }},
      {"sub", {r({3, 2}, 3), r({3, 2}, 4)}, {}, [](const V& v) { return v[0] - v[1]; }},
      {"mul", {r({3, 2}, 5), r({3, 1}, 6)}, {}, [](const V& v) { return v[0] * v[1]; }},
      {"div", {r({3, 2}, 7), positive({2}, 8)}, {}, [](const V& v) { return v[0] / v[1]; }},
      {"neg", {r({4}, 9)}, {}, [](const V& v) { return -v[0]; }},
      {"scale", {r({2, 3}, 10)}, {{"factor", 2.5}}, [](const V& v) { return scale(v[0], T(2.5)); }},
      {"shift",
       {r({2, 3}, 11)},
       {{"offset", -0.5}},
       [](const V& v) { return shift(v[0], T(-0.5)); }},
      {"exp", {r({5}, 12)}, {}, [](const V& v) { return exp(v[0]); }},
      {"log", {positive({5}, 13)}, {}, [](const V& v) { return log(v[0]); }},
      {"sqrt", {positive({5}, 14)}, {}, [](const V& v) { return sqrt(v[0]); }},
      {"square", {r({2, 2}, 15)}, {}, [](const V& v) { return square(v[0]); }},
      {"pow", {positive({4}, 16)}, {{"exponent", 3.0}}, [](const V& v) { return pow(v[0], T(3)); }},
      {"sin", {r({4}, 17)}, {}, [](const V& v) { return sin(v[0]); }},
      {"cos", {r({4}, 18)}, {}, [](const V& v) { return cos(v[0]); }},
      {"sigmoid", {r({2, 3}, 19)}, {}, [](const V& v) { return sigmoid(v[0]); }},
      {"tanh", {r({2, 3}, 20)}, {}, [](const V& v) { return tanh(v[0]); }},
      {"relu", {r({2, 3}, 21)}, {}, [](const V& v) { return relu(v[0]); }},
      {"softmax", {r({3, 4}, 22)}, {}, [](const V& v) { return softmax(v[0]); }},
      {"log_softmax", {r({3, 4}, 23)}, {}, [](const V& v) { return log_softmax(v[0]); }},
      {"matmul", {r({3, 4}, 24), r({4, 2}, 25)}, {}, [](const V& v) { return matmul(v[0], v[1]); }},
      {"transpose", {r({3, 4}, 26)}, {}, [](const V& v) { return transpose(v[0]); }},
      {"outer", {r({3}, 50), r({4}, 51)}, {}, [](const V& v) { return outer(v[0], v[1]); }},
      {"sum_to",
       {r({3, 4}, 52)},
       {{"rank", 2.0}, {"d0", 1.0}, {"d1", 4.0}},
       [](const V& v) {
         return sum_to(v[0], Shape{1, 4});
       }},
      {"broadcast_to",
       {r({4}, 53)},
       {{"rank", 2.0}, {"d0", 3.0}, {"d1", 4.0}},
       [](const V& v) {
         return broadcast_to(v[0], Shape{3, 4});
       }},
      {"reshape",
       {r({3, 4}, 54)},
       {{"rank", 3.0}, {"d0", 2.0}, {"d1", 3.0}, {"d2", 2.0}},
       [](const V& v) {
         return reshape(v[0], Shape{2, 3, 2});
       }},
      {"linear", {r({5, 3}, 27), r({4, 3}, 28)}, {}, [](const V& v) { return linear(v[0], v[1]); }},
      {"linear",
       {r({5, 3}, 29), r({4, 3}, 30), r({4}, 31)},
       {},
       [](const V& v) { return linear(v[0], v[1], v[2]); }},
      {"sum", {r({3, 4}, 32)}, {}, [](const V& v) { return sum(v[0]); }},
      {"sum",
       {r({3, 4}, 33)},
       {{"axis", 1.0}, {"keepdims", 1.0}},
       [](const V& v) { return sum(v[0], 1, true); }},
      {"sum", {r({3, 4}, 34)}, {{"axis", -2.0}}, [](const V& v) { return sum(v[0], -2); }},
      {"mean", {r({3, 4}, 35)}, {}, [](const V& v) { return mean(v[0]); }},
      {"mean", {r({3, 4}, 36)}, {{"axis", 0.0}}, [](const V& v) { return mean(v[0], 0); }},
      {"mse", {r({4, 3}, 37), r({4, 3}, 38)}, {}, [](const V& v) { return mse(v[0], v[1]); }},
      {"mse",
       {r({4, 3}, 39), r({4, 3}, 40)},
       {{"mean", 1.0}},
       [](const V& v) { return mse(v[0], v[1], Reduction::mean); }},
      {"cross_entropy",
       {r({4, 3}, 41), labels},
       {},
       [](const V& v) { return cross_entropy(v[0], v[1]); }},
      {"cross_entropy",
       {r({4, 3}, 42), labels},
       {{"mean", 0.0}},
       [](const V& v) { return cross_entropy(v[0], v[1], Reduction::sum); }},
  };
}

template <class T>
class RegistryBuiltins : public ::testing::Test {};
using ValueTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(RegistryBuiltins, ValueTypes);

TYPED_TEST(RegistryBuiltins, EveryBuiltinIsRegisteredByTapegrad) {
  using T = TypeParam;
  const Registry<T>& registry = Registry<T>::global();
  for (const std::string& name : kBuiltins) {
    ASSERT_TRUE(registry.contains(name)) << name;
    const OpInfo<T> info = registry.find(name);
    EXPECT_EQ(info.name, name);
    EXPECT_EQ(info.origin, "tapegrad") << name;
    EXPECT_FALSE(info.formula.empty()) << name;
    EXPECT_TRUE(static_cast<bool>(info.factory)) << name;
  }
}

TYPED_TEST(RegistryBuiltins, ApplyByNameMatchesTheFreeFunction) {
  using T = TypeParam;
  std::set<std::string> covered;
  for (const Case<T>& c : builtin_cases<T>()) {
    SCOPED_TRACE(c.name);
    covered.insert(c.name);

    Tape<T> by_name;
    std::vector<Var<T>> a;
    for (const Tensor<T>& t : c.inputs)
      a.push_back(by_name.variable(t));
    Var<T> ya = by_name.apply(c.name, a, c.attributes);
    EXPECT_EQ(by_name.node(ya.id()).op->name(), c.name);

    Tape<T> by_function;
    std::vector<Var<T>> b;
    for (const Tensor<T>& t : c.inputs)
      b.push_back(by_function.variable(t));
    Var<T> yb = c.free(b);
    EXPECT_EQ(by_function.node(yb.id()).op->name(), c.name);
    EXPECT_EQ(by_name.node(ya.id()).op->attributes(), by_function.node(yb.id()).op->attributes());

    ASSERT_EQ(ya.shape(), yb.shape());
    for (std::size_t k = 0; k < ya.size(); ++k) {
      EXPECT_EQ(ya.value().data()[k], yb.value().data()[k]) << "element " << k;
    }

    // Same op, same gradients.
    Tensor<T> seed = testing::random_tensor<T>(ya.shape(), 99);
    by_name.backward(ya, seed);
    by_function.backward(yb, seed);
    for (std::size_t i = 0; i < a.size(); ++i) {
      ASSERT_EQ(a[i].grad().shape(), b[i].grad().shape()) << "input " << i;
      for (std::size_t k = 0; k < a[i].size(); ++k) {
        EXPECT_EQ(a[i].grad().data()[k], b[i].grad().data()[k])
            << "input " << i << " element " << k;
      }
    }
  }
  for (const std::string& name : kBuiltins)
    EXPECT_TRUE(covered.count(name)) << name;
}

TYPED_TEST(RegistryBuiltins, AttributesOfAppliedOpsRoundTrip) {
  using T = TypeParam;
  Tape<T> tape;
  Var<T> x = tape.variable(testing::random_tensor<T>({2, 3}, 1, T(0.5), T(2)));
  Var<T> p = tape.apply("pow", {x}, {{"exponent", 2.0}});
  EXPECT_EQ(tape.node(p.id()).op->attributes(), (Attributes{{"exponent", 2.0}}));
  for (std::size_t k = 0; k < x.size(); ++k) {
    EXPECT_EQ(p.value().data()[k], std::pow(x.value().data()[k], T(2)));
  }
  Var<T> s = tape.apply("scale", {x}, {{"factor", -3.0}});
  EXPECT_EQ(tape.node(s.id()).op->attributes(), (Attributes{{"factor", -3.0}}));
  EXPECT_EQ(s.value()(1, 2), T(-3) * x.value()(1, 2));
}

TYPED_TEST(RegistryBuiltins, EntriesAreSortedAndCarryArity) {
  using T = TypeParam;
  const std::vector<OpInfo<T>> entries = Registry<T>::global().entries();
  ASSERT_GE(entries.size(), kBuiltins.size());
  EXPECT_TRUE(
      std::is_sorted(entries.begin(), entries.end(),
                     [](const OpInfo<T>& a, const OpInfo<T>& b) { return a.name < b.name; }));
  const auto arity_of = [&](const std::string& name) {
    for (const OpInfo<T>& e : entries) {
      if (e.name == name)
        return e.arity;
    }
    ADD_FAILURE() << name << " is not listed";
    return -2;
  };
  for (const char* unary :
       {"neg",         "scale",     "shift", "exp",     "log",    "sqrt",         "square",
        "pow",         "sin",       "cos",   "sigmoid", "tanh",   "relu",         "softmax",
        "log_softmax", "transpose", "sum",   "mean",    "sum_to", "broadcast_to", "reshape"}) {
    EXPECT_EQ(arity_of(unary), 1) << unary;
  }
  for (const char* binary :
       {"add", "sub", "mul", "div", "matmul", "mse", "cross_entropy", "outer"}) {
    EXPECT_EQ(arity_of(binary), 2) << binary;
  }
  EXPECT_EQ(arity_of("linear"), Operation<T>::kVariadic);

  // The listed arity is the arity of the op the factory builds.
  for (const OpInfo<T>& e : entries) {
    if (e.origin != "tapegrad")
      continue;  // other tests register entries of their own
    Attributes needed;
    for (const std::string& a : e.attributes) {
      if (a == "factor" || a == "offset" || a == "exponent" || a == "rank")
        needed.set(a, 1.0);
      if (a == "d0")
        needed.set(a, 3.0);
    }
    OpArena<T> arena;
    EXPECT_EQ(e.factory(arena, needed).arity(), e.arity) << e.name;
    EXPECT_EQ(e.factory(arena, needed).name(), e.name) << e.name;
  }
}

// ---------------------------------------------------------------- registration

TEST(Registry, DuplicateNameNamesBothOrigins) {
  OpInfo<double> info;
  info.name = "add";
  info.arity = 2;
  info.origin = "my_plugin";
  info.factory = [](OpArena<double>& arena, const Attributes&) -> const Operation<double>& {
    return arena.make<CubeOp<double>>();
  };
  try {
    Registry<double>::global().add(info);
    FAIL() << "expected RegistryError";
  } catch (const RegistryError& e) {
    EXPECT_EQ(e.detail(), "op 'add' (double) from my_plugin is already registered by tapegrad");
  }
  // The built-in is untouched.
  EXPECT_EQ(Registry<double>::global().find("add").origin, "tapegrad");

  OpInfo<double> first = info;
  first.name = "core_registry_test_duplicate";
  first.origin = "plugin_a";
  if (!Registry<double>::global().contains(first.name))
    Registry<double>::global().add(first);
  OpInfo<double> second = first;
  second.origin = "plugin_b";
  try {
    Registry<double>::global().add(second);
    FAIL() << "expected RegistryError";
  } catch (const RegistryError& e) {
    EXPECT_TRUE(std::string(e.what()).find("plugin_a") != std::string::npos) << e.what();
    EXPECT_TRUE(std::string(e.what()).find("plugin_b") != std::string::npos) << e.what();
  }
  EXPECT_EQ(Registry<double>::global().find(first.name).origin, "plugin_a");
}

TEST(Registry, IncompleteEntriesAreRefused) {
  OpInfo<double> nameless;
  nameless.factory = [](OpArena<double>& arena, const Attributes&) -> const Operation<double>& {
    return arena.make<CubeOp<double>>();
  };
  EXPECT_THROW(Registry<double>::global().add(nameless), RegistryError);

  OpInfo<double> no_factory;
  no_factory.name = "core_registry_test_no_factory";
  no_factory.origin = "plugin_c";
  try {
    Registry<double>::global().add(no_factory);
    FAIL() << "expected RegistryError";
  } catch (const RegistryError& e) {
    EXPECT_TRUE(std::string(e.what()).find("without a factory") != std::string::npos) << e.what();
  }
  EXPECT_FALSE(Registry<double>::global().contains("core_registry_test_no_factory"));
}

TEST(Registry, FindOfAnUnknownNameThrows) {
  EXPECT_FALSE(Registry<float>::global().contains("no_such_op"));
  EXPECT_THROW((void)Registry<float>::global().find("no_such_op"), UnknownOpError);
  OpArena<float> arena;
  EXPECT_THROW((void)Registry<float>::global().make("no_such_op", {}, arena), UnknownOpError);
}

/// y = x, counting how many instances are alive.
template <class T>
class CountedOp final : public OpBase<CountedOp<T>, T> {
 public:
  static constexpr std::string_view kName = "core_registry_test_counted";
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = "y = x";
  static inline int alive = 0;

  CountedOp() { ++alive; }
  CountedOp(const CountedOp&) = delete;
  ~CountedOp() override { --alive; }
  void forward(ForwardContext<T>& ctx) const override {
    xt::noalias(ctx.output(ctx.input(0).shape())) = ctx.input(0);
  }
  void backprop(BackpropContext<T>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate(0, ctx.grad_output());
  }
};

TEST(Registry, ATapeOwnsTheOpsItBuildsByNameUntilReset) {
  Registry<double>& registry = Registry<double>::global();
  if (!registry.contains(CountedOp<double>::kName))
    registry.add(op_info<CountedOp<double>, double>("tapegrad core tests"));
  const int before = CountedOp<double>::alive;
  {
    Tape<double> tape;
    const Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
    for (int i = 0; i < 3; ++i)
      (void)tape.apply(CountedOp<double>::kName, {x});
    (void)tape.apply<CountedOp<double>>({x});
    EXPECT_EQ(CountedOp<double>::alive, before + 4);
    // A recording that fails (two inputs to a one-input op) keeps nothing.
    EXPECT_THROW((void)tape.apply(CountedOp<double>::kName, {x, x}), ValueError);
    EXPECT_EQ(CountedOp<double>::alive, before + 4);
    EXPECT_EQ(tape.size(), 5u);
    tape.reset();
    EXPECT_EQ(CountedOp<double>::alive, before);
    (void)tape.apply(CountedOp<double>::kName, {tape.variable(Tensor<double>{3.0})});
    EXPECT_EQ(CountedOp<double>::alive, before + 1);
  }
  EXPECT_EQ(CountedOp<double>::alive, before) << "the tape's destructor frees its ops";
  // Registry::make builds into the caller's arena.
  {
    OpArena<double> arena;
    const Operation<double>& op = registry.make(CountedOp<double>::kName, {}, arena);
    EXPECT_EQ(op.name(), CountedOp<double>::kName);
    EXPECT_EQ(CountedOp<double>::alive, before + 1);
  }
  EXPECT_EQ(CountedOp<double>::alive, before);
}

TYPED_TEST(RegistryBuiltins, UserOpWorksByNameAndByType) {
  using T = TypeParam;
  ensure_cube_registered<T>();
  const OpInfo<T> info = Registry<T>::global().find(CubeOp<T>::kName);
  EXPECT_EQ(info.origin, "tapegrad core tests");
  EXPECT_EQ(info.arity, 1);

  Tape<T> tape;
  Var<T> x = tape.variable(Tensor<T>{T(1), T(-2), T(0.5)});
  Var<T> by_name = tape.apply(CubeOp<T>::kName, {x});
  Var<T> by_type = tape.template apply<CubeOp<T>>({x});
  const Tensor<T> want{T(1), T(-8), T(0.125)};
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(by_name.value()(k), want(k));
    EXPECT_EQ(by_type.value()(k), want(k));
  }
  EXPECT_EQ(tape.node(by_name.id()).op->name(), CubeOp<T>::kName);

  // Used in a bigger graph: y = Σ (x³ + x³) → 6x².
  tape.backward(sum(by_name + by_type));
  const Tensor<T> grad{T(6), T(24), T(1.5)};
  for (std::size_t k = 0; k < 3; ++k)
    EXPECT_EQ(x.grad()(k), grad(k));

  // An attribute the op does not take is refused.
  EXPECT_THROW((void)tape.apply(CubeOp<T>::kName, {x}, {{"power", 3.0}}), ValueError);
}

TEST(Registry, UserOpPassesGradcheckByName) {
  ensure_cube_registered<double>();
  const GradcheckResult result =
      gradcheck(CubeOp<double>::kName, {testing::random_tensor({3, 4}, 17, -2.0, 2.0)});
  EXPECT_TRUE(result.ok) << result.report();
  EXPECT_EQ(result.checked, 12u);
}

}  // namespace
}  // namespace tapegrad
