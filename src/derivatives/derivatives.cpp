#include "tapegrad/derivatives.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include "tapegrad/core/error.hpp"
#include "tapegrad/forward.hpp"

namespace tapegrad {

namespace {

template <class T>
void require_scalar(Var<T> y, const char* what) {
  if (y.size() != 1) {
    throw GradientError(
        std::string(what) + " needs a one-element output, got shape " + shape_to_string(y.shape()),
        {what, y.id(), {}});
  }
}

}  // namespace

template <class T>
Tensor<T> jacobian(Var<T> y, Var<T> x) {
  Tape<T>& tape = *y.tape();
  tape.check(y, "jacobian");
  tape.check(x, "jacobian");
  const std::size_t rows = y.size();
  const std::size_t cols = x.size();
  Tensor<T> result(Shape{rows, cols});
  Tensor<T> seed(y.shape(), T(0));
  for (std::size_t i = 0; i < rows; ++i) {
    seed.data()[i] = T(1);
    const Var<T> row = tape.gradient(y, {x}, tape.constant(seed))[0];
    std::copy(row.value().data(), row.value().data() + cols, result.data() + i * cols);
    seed.data()[i] = T(0);
  }
  return result;
}

template <class T>
Tensor<T> hessian(Var<T> y, Var<T> x) {
  require_scalar(y, "hessian");
  const Var<T> g = y.tape()->gradient(y, {x}, {.create_graph = true})[0];
  return jacobian(g, x);
}

template <class T>
Var<T> hvp(Var<T> y, Var<T> x, Var<T> v) {
  require_scalar(y, "hvp");
  if (v.shape() != x.shape()) {
    throw ShapeError("v of shape " + shape_to_string(v.shape()) + " must have x's shape " +
                         shape_to_string(x.shape()),
                     {"hvp", v.id(), {}});
  }
  Tape<T>& tape = *y.tape();
  tape.check(v, "hvp");
  const Var<T> g = tape.gradient(y, {x}, {.create_graph = true})[0];
  // The vector-Jacobian product of g seeded with v: (∂g/∂x)ᵀ v = H v. Not
  // ∂⟨g, v⟩/∂x, which would add (∂v/∂x)ᵀ g when v depends on x.
  return tape.gradient(g, {x}, v, {.create_graph = true})[0];
}

template <class T>
Tensor<T> jacobian(const TensorFunction<T>& f, const Tensor<T>& x) {
  Tape<T> tape;
  const Var<T> xv = tape.variable(x, "x");
  return jacobian(f(xv), xv);
}

template <class T>
Tensor<T> hessian(const TensorFunction<T>& f, const Tensor<T>& x) {
  Tape<T> tape;
  const Var<T> xv = tape.variable(x, "x");
  return hessian(f(xv), xv);
}

template <class T>
Tensor<T> hvp(const TensorFunction<T>& f, const Tensor<T>& x, const Tensor<T>& v) {
  Tape<T> tape;
  const Var<T> xv = tape.variable(x, "x");
  const Var<T> y = f(xv);
  require_scalar(y, "hvp");
  if (v.shape() != x.shape()) {
    throw ShapeError("v of shape " + shape_to_string(v.shape()) + " must have x's shape " +
                         shape_to_string(x.shape()),
                     {"hvp", std::nullopt, {}});
  }
  // Forward over reverse when every op of the recorded gradient has a
  // tangent rule (one forward pass instead of a second reverse sweep);
  // otherwise reverse over reverse, which needs only differentiable backprops.
  try {
    return hvp_forward(y, xv, v, {.fallback = false});
  } catch (const GradientError&) {
    return hvp(y, xv, tape.constant(v, "v")).value();
  }
}

#define TAPEGRAD_INSTANTIATE_DERIVATIVES(T)                                \
  template Tensor<T> jacobian(Var<T>, Var<T>);                             \
  template Tensor<T> hessian(Var<T>, Var<T>);                              \
  template Var<T> hvp(Var<T>, Var<T>, Var<T>);                             \
  template Tensor<T> jacobian(const TensorFunction<T>&, const Tensor<T>&); \
  template Tensor<T> hessian(const TensorFunction<T>&, const Tensor<T>&);  \
  template Tensor<T> hvp(const TensorFunction<T>&, const Tensor<T>&, const Tensor<T>&);
TAPEGRAD_INSTANTIATE_DERIVATIVES(float)
TAPEGRAD_INSTANTIATE_DERIVATIVES(double)
#undef TAPEGRAD_INSTANTIATE_DERIVATIVES

}  // namespace tapegrad
