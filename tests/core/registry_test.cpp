// The op registry: every built-in by name for both value types (the cases of
// the op table, tests/ops/op_cases.hpp), listings, duplicate refusal, loud
// conflicts at load time, tapes owning the ops they build by name, and a user
// op registered and applied by name.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "ops/op_cases.hpp"
#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

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
class RegistryBuiltins : public ::testing::Test {};
using ValueTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(RegistryBuiltins, ValueTypes);

TYPED_TEST(RegistryBuiltins, EveryBuiltinIsRegisteredByTapegrad) {
  using T = TypeParam;
  const std::set<std::string> builtins = testing::builtin_names();  // from Registry<double>
  std::set<std::string> listed;
  OpArena<T> arena;
  for (const OpInfo<T>& info : Registry<T>::global().entries()) {
    if (info.origin != "tapegrad")
      continue;
    SCOPED_TRACE(info.name);
    listed.insert(info.name);
    EXPECT_FALSE(info.formula.empty());
    EXPECT_TRUE(static_cast<bool>(info.factory));
    EXPECT_TRUE(info.higher_order);
    EXPECT_EQ(Registry<T>::global().find(info.name).name, info.name);
  }
  EXPECT_EQ(listed, builtins) << "float and double list different built-ins";
}

TYPED_TEST(RegistryBuiltins, ApplyByNameMatchesTheFreeFunction) {
  using T = TypeParam;
  std::set<std::string> covered;
  for (const testing::OpCase<T>& c : testing::op_cases<T>()) {
    if (!c.by_name)
      continue;
    SCOPED_TRACE(c.op + " " + c.label);
    covered.insert(c.op);

    Tape<T> by_name;
    const std::vector<Var<T>> a = testing::record_vars(by_name, c);
    Var<T> ya = by_name.apply(c.op, a, *c.by_name);
    EXPECT_EQ(by_name.node(ya.id()).op->name(), c.op);

    Tape<T> by_function;
    const std::vector<Var<T>> b = testing::record_vars(by_function, c);
    Var<T> yb = c.f(by_function, b);
    ASSERT_EQ(by_function.node(yb.id()).op->name(), c.op) << "the case is not one call of the op";
    EXPECT_EQ(by_function.size(), b.size() + 1) << "the case records more than the op";
    EXPECT_EQ(by_name.node(ya.id()).op->attributes(), by_function.node(yb.id()).op->attributes());

    ASSERT_EQ(ya.shape(), yb.shape());
    for (std::size_t k = 0; k < ya.size(); ++k) {
      EXPECT_EQ(ya.value().data()[k], yb.value().data()[k]) << "element " << k;
    }

    // An op whose output is a constant (a comparison, argmax) is one both ways.
    EXPECT_EQ(by_name.node(ya.id()).requires_grad, by_function.node(yb.id()).requires_grad);
    if (!by_function.node(yb.id()).requires_grad)
      continue;
    // Same op, same gradients.
    Tensor<T> seed = testing::random_tensor<T>(ya.shape(), 99);
    by_name.backward(ya, seed);
    by_function.backward(yb, seed);
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!by_function.node(b[i].id()).requires_grad)
        continue;  // a constant operand (a label, a mask)
      ASSERT_EQ(a[i].grad().shape(), b[i].grad().shape()) << "input " << i;
      for (std::size_t k = 0; k < a[i].size(); ++k) {
        EXPECT_EQ(a[i].grad().data()[k], b[i].grad().data()[k])
            << "input " << i << " element " << k;
      }
    }
  }
  testing::expect_covers_builtins(covered, "by-name");
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
  EXPECT_TRUE(
      std::is_sorted(entries.begin(), entries.end(),
                     [](const OpInfo<T>& a, const OpInfo<T>& b) { return a.name < b.name; }));
  EXPECT_EQ(Registry<T>::global().find("linear").arity, Operation<T>::kVariadic);

  // The listed name, arity, attributes and formula are those of the op the
  // factory builds, and a one-call case of the op passes that many inputs.
  std::set<std::string> checked;
  for (const testing::OpCase<T>& c : testing::op_cases<T>()) {
    if (!c.by_name)
      continue;
    SCOPED_TRACE(c.op + " " + c.label);
    const OpInfo<T> info = Registry<T>::global().find(c.op);
    if (info.arity != Operation<T>::kVariadic) {
      EXPECT_EQ(c.inputs.size() + c.constants.size(), static_cast<std::size_t>(info.arity));
    }
    for (const auto& [name, value] : c.by_name->items()) {
      EXPECT_NE(std::find(info.attributes.begin(), info.attributes.end(), name),
                info.attributes.end())
          << name;
    }
    if (!checked.insert(c.op).second)
      continue;
    OpArena<T> arena;
    const Operation<T>& op = Registry<T>::global().make(c.op, *c.by_name, arena);
    EXPECT_EQ(op.name(), info.name);
    EXPECT_EQ(op.arity(), info.arity);
    EXPECT_EQ(op.formula(), info.formula);
    const Attributes reported = op.attributes();
    for (const auto& [name, value] : reported.items()) {
      EXPECT_NE(std::find(info.attributes.begin(), info.attributes.end(), name),
                info.attributes.end())
          << "attribute '" << name << "' reported but not listed";
    }
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

/// Two ops of one name, as two plugins might each bring one.
template <class T>
class ConflictingOpA final : public OpBase<ConflictingOpA<T>, T> {
 public:
  static constexpr std::string_view kName = "core_registry_test_conflict";
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = "y = x";
  void forward(ForwardContext<T>& ctx) const override {
    xt::noalias(ctx.output(ctx.input(0).shape())) = ctx.input(0);
  }
  void backprop(BackpropContext<T>&) const override {}
};

template <class T>
class ConflictingOpB final : public OpBase<ConflictingOpB<T>, T> {
 public:
  static constexpr std::string_view kName = ConflictingOpA<T>::kName;
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = "y = 2x";
  void forward(ForwardContext<T>& ctx) const override {
    xt::noalias(ctx.output(ctx.input(0).shape())) = T(2) * ctx.input(0);
  }
  void backprop(BackpropContext<T>&) const override {}
};

TEST(Registry, AConflictingRegistrationAtLoadIsLoudAndTheNameFailsOnUse) {
  const std::string name(ConflictingOpA<double>::kName);
  // Registrations are process-wide: when this test runs again in the same
  // process (--gtest_repeat), the name is taken and conflicted already.
  const bool first_run = !Registry<double>::global().contains(name);
  if (first_run) {
    ::testing::internal::CaptureStderr();
    const OpRegistration<ConflictingOpA> first("registry_test_plugin_a");
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), "") << "the first registration is quiet";
    EXPECT_EQ(Registry<double>::global().find(name).origin, "registry_test_plugin_a");
  }
  const std::size_t failures_before = registration_failures().size();

  ::testing::internal::CaptureStderr();
  const OpRegistration<ConflictingOpB> second("registry_test_plugin_b");
  const std::string report = ::testing::internal::GetCapturedStderr();
  // One line on stderr, naming the op and both origins.
  EXPECT_EQ(std::count(report.begin(), report.end(), '\n'), 1) << report;
  EXPECT_NE(report.find("'" + name + "'"), std::string::npos) << report;
  EXPECT_NE(report.find("registry_test_plugin_a"), std::string::npos) << report;
  EXPECT_NE(report.find("registry_test_plugin_b"), std::string::npos) << report;
  // Recorded in registration_failures() too, for both value types.
  const std::vector<std::string> failures = registration_failures();
  ASSERT_EQ(failures.size(), failures_before + 2);
  EXPECT_NE(failures.back().find("registry_test_plugin_b"), std::string::npos) << failures.back();

  // The name is still taken, but every use of it is an error naming both origins.
  EXPECT_TRUE(Registry<double>::global().contains(name));
  const auto expect_conflict_error = [&](const auto& use) {
    try {
      use();
      ADD_FAILURE() << "expected RegistryError";
    } catch (const RegistryError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("'" + name + "'"), std::string::npos) << message;
      EXPECT_NE(message.find("conflicted"), std::string::npos) << message;
      EXPECT_NE(message.find("registry_test_plugin_a"), std::string::npos) << message;
      EXPECT_NE(message.find("registry_test_plugin_b"), std::string::npos) << message;
    }
  };
  expect_conflict_error([&] { (void)Registry<double>::global().find(name); });
  expect_conflict_error([&] { (void)Registry<float>::global().find(name); });
  OpArena<double> arena;
  expect_conflict_error([&] { (void)Registry<double>::global().make(name, {}, arena); });
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0});
  expect_conflict_error([&] { (void)tape.apply(name, {x}); });
  EXPECT_EQ(tape.size(), 1u);
  // Other names are unaffected.
  EXPECT_EQ(tape.apply("neg", {x}).value()(0), -1.0);
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
