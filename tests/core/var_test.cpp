// Var handles: accessors, labels, and operators mixing Vars with numbers.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

template <class T>
void expect_near_all(const Tensor<T>& got, const std::vector<T>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    if constexpr (std::is_same_v<T, float>) {
      EXPECT_FLOAT_EQ(got.data()[i], want[i]) << "element " << i;
    } else {
      EXPECT_DOUBLE_EQ(got.data()[i], want[i]) << "element " << i;
    }
  }
}

template <class T>
class VarTyped : public ::testing::Test {};
using ValueTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(VarTyped, ValueTypes);

TYPED_TEST(VarTyped, AccessorsRoundTrip) {
  using T = TypeParam;
  Tape<T> tape;
  Tensor<T> scalar = Tensor<T>::from_shape({});
  scalar() = T(2.5);
  Var<T> s = tape.variable(scalar);
  EXPECT_TRUE(s.valid());
  EXPECT_EQ(s.tape(), &tape);
  EXPECT_EQ(s.item(), T(2.5));
  EXPECT_EQ(s.rank(), 0u);
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s.shape(), Shape{});

  Var<T> one = tape.constant(Tensor<T>{T(-4)});
  EXPECT_EQ(one.item(), T(-4));  // one element, rank 1
  EXPECT_EQ(one.rank(), 1u);

  Var<T> m = tape.variable(testing::random_tensor<T>({2, 3}, 4));
  EXPECT_EQ(m.shape(), (Shape{2, 3}));
  EXPECT_EQ(m.rank(), 2u);
  EXPECT_EQ(m.size(), 6u);
  EXPECT_EQ(m.id(), 2u);
  EXPECT_THROW((void)m.item(), ShapeError);

  Var<T> same = m.label("weights");
  EXPECT_EQ(same.id(), m.id());
  EXPECT_EQ(same.tape(), m.tape());
  EXPECT_EQ(tape.node(m.id()).label, "weights");
  m.label("renamed");
  EXPECT_EQ(tape.node(m.id()).label, "renamed");

  Var<T> v = tape.variable(Tensor<T>{T(1), T(2)}, "v");
  EXPECT_EQ(tape.node(v.id()).label, "v");
  tape.set_label(v, "v2");
  EXPECT_EQ(tape.node(v.id()).label, "v2");
}

TYPED_TEST(VarTyped, ValueIsTheRecordedTensor) {
  using T = TypeParam;
  Tape<T> tape;
  const Tensor<T> x0{{T(1), T(2)}, {T(3), T(4)}};
  Var<T> x = tape.variable(x0);
  EXPECT_EQ(&x.value(), &tape.value(x));
  EXPECT_EQ(x.value(), x0);
  Var<T> y = sum(x);
  EXPECT_EQ(y.item(), T(10));
}

/// One operator case: f on a Var, expected values and ∂Σf/∂x elementwise.
template <class T>
struct OperatorCase {
  std::string what;
  std::function<Var<T>(Var<T>)> f;
  std::function<T(T)> value;
  std::function<T(T)> derivative;
};

TYPED_TEST(VarTyped, OperatorsWithNumbersOnBothSides) {
  using T = TypeParam;
  const std::vector<OperatorCase<T>> cases = {
      {"x + 1", [](Var<T> x) { return x + T(1); }, [](T x) { return x + T(1); },
       [](T) { return T(1); }},
      {"1 + x", [](Var<T> x) { return T(1) + x; }, [](T x) { return T(1) + x; },
       [](T) { return T(1); }},
      {"x - 1", [](Var<T> x) { return x - T(1); }, [](T x) { return x - T(1); },
       [](T) { return T(1); }},
      {"1 - x", [](Var<T> x) { return T(1) - x; }, [](T x) { return T(1) - x; },
       [](T) { return T(-1); }},
      {"2 * x", [](Var<T> x) { return T(2) * x; }, [](T x) { return T(2) * x; },
       [](T) { return T(2); }},
      {"x * 2", [](Var<T> x) { return x * T(2); }, [](T x) { return x * T(2); },
       [](T) { return T(2); }},
      {"x / 4", [](Var<T> x) { return x / T(4); }, [](T x) { return x / T(4); },
       [](T) { return T(0.25); }},
      {"4 / x", [](Var<T> x) { return T(4) / x; }, [](T x) { return T(4) / x; },
       [](T x) { return -T(4) / (x * x); }},
      {"x / 3", [](Var<T> x) { return x / T(3); }, [](T x) { return x / T(3); },
       [](T) { return T(1) / T(3); }},
      {"-x", [](Var<T> x) { return -x; }, [](T x) { return -x; }, [](T) { return T(-1); }},
  };
  const std::vector<T> x0 = {T(1), T(2), T(-4), T(0.5), T(3)};
  for (const OperatorCase<T>& c : cases) {
    SCOPED_TRACE(c.what);
    Tape<T> tape;
    Tensor<T> t = Tensor<T>::from_shape({x0.size()});
    std::copy(x0.begin(), x0.end(), t.begin());
    Var<T> x = tape.variable(t);
    Var<T> y = c.f(x);
    ASSERT_EQ(y.shape(), x.shape());
    std::vector<T> want_value;
    std::vector<T> want_grad;
    for (T v : x0) {
      want_value.push_back(c.value(v));
      want_grad.push_back(c.derivative(v));
    }
    expect_near_all(y.value(), want_value);
    tape.backward(sum(y));
    expect_near_all(x.grad(), want_grad);
  }
}

TYPED_TEST(VarTyped, DivisionByANumberRoundsLikeTrueDivision) {
  using T = TypeParam;
  Tape<T> tape;
  Var<T> x = tape.variable(Tensor<T>{T(1), T(2), T(10)});
  Var<T> y = x / T(3);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(y.value()(i), x.value()(i) / T(3));
}

TYPED_TEST(VarTyped, CompoundExpressionGradient) {
  using T = TypeParam;
  // y = Σ (2 - x) · (x / 4 + 1)
  Tape<T> tape;
  Var<T> x = tape.variable(Tensor<T>{T(0), T(2), T(-2)});
  Var<T> y = sum((T(2) - x) * (x / T(4) + T(1)));
  // values: x=0: 2·1 = 2; x=2: 0; x=-2: 4·0.5 = 2
  EXPECT_EQ(y.item(), T(4));
  tape.backward(y);
  // derivative: -(x/4 + 1) + (2 - x)/4 = 1/2 - x/2 - 1 = -1/2 - x/2
  expect_near_all(x.grad(), std::vector<T>{T(-0.5), T(-1.5), T(0.5)});
}

}  // namespace
}  // namespace tapegrad
