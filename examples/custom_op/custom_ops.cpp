// The two ops of custom_ops.hpp and their registration. Registering from
// namespace-scope objects is what makes this library a plugin: their
// constructors run when the library is loaded, whether it was linked or
// opened with tapegrad::load_ops().
#include "custom_ops.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>

namespace custom_ops {

using tapegrad::Attributes;
using tapegrad::BackpropContext;
using tapegrad::ForwardContext;
using tapegrad::Tensor;
using tapegrad::Var;

namespace {

double checked_beta(double beta, std::string_view op) {
  if (!std::isfinite(beta)) {
    throw tapegrad::ValueError("beta must be finite, got " + std::to_string(beta),
                               {std::string(op), std::nullopt, {}});
  }
  return beta;
}

/// The tape of `x`, or a StaleVarError naming `op` for an empty Var.
template <class T>
tapegrad::Tape<T>& tape_of(const Var<T>& x, std::string_view op) {
  if (!x.valid()) {
    throw tapegrad::StaleVarError("an empty Var (default-constructed) was passed",
                                  {std::string(op), std::nullopt, {}});
  }
  return *x.tape();
}

}  // namespace

// ---- swish ----------------------------------------------------------------

template <class T>
Swish<T>::Swish(const Attributes& attributes)
    : beta_(checked_beta(attributes.get_or("beta", 1.0), kName)) {}

template <class T>
Swish<T>::Swish(double beta) : beta_(checked_beta(beta, kName)) {}

template <class T>
void Swish<T>::forward(ForwardContext<T>& ctx) const {
  const Tensor<T>& x = ctx.input(0);
  const T beta = T(beta_);
  if (!ctx.needs_grad(0)) {
    xt::noalias(ctx.output(x.shape())) = x / (T(1) + xt::exp(-beta * x));
    return;
  }
  // Keep s = sigmoid(βx) for backprop: it is all the derivative needs.
  Tensor<T>& s = ctx.save(x.shape());
  xt::noalias(s) = T(1) / (T(1) + xt::exp(-beta * x));
  xt::noalias(ctx.output(x.shape())) = x * s;
}

template <class T>
void Swish<T>::backprop(BackpropContext<T>& ctx) const {
  if (!ctx.needs_grad(0))
    return;
  const Tensor<T>& x = ctx.input(0);
  const Tensor<T>& s = ctx.saved(0);
  const T beta = T(beta_);
  ctx.accumulate(0, ctx.grad_output() * (s + beta * x * s * (T(1) - s)));
}

template <class T>
Attributes Swish<T>::attributes() const {
  return {{"beta", beta_}};
}

// ---- l2_normalize -----------------------------------------------------------

namespace {

struct Rows {
  std::size_t count, length;
};

/// A vector is one row, a matrix one row per sample; anything else is refused.
/// (Context: a ForwardContext or a BackpropContext.)
template <class Context>
Rows rows_of(const Context& ctx) {
  const tapegrad::Shape& shape = ctx.input(0).shape();
  if (shape.size() != 1 && shape.size() != 2) {
    throw tapegrad::ShapeError("needs a vector or a matrix (one row per sample), got shape " +
                                   tapegrad::shape_to_string(shape),
                               ctx.site());
  }
  return shape.size() == 2 ? Rows{shape[0], shape[1]} : Rows{1, shape[0]};
}

}  // namespace

template <class T>
void L2Normalize<T>::forward(ForwardContext<T>& ctx) const {
  const Rows r = rows_of(ctx);
  const Tensor<T>& x = ctx.input(0);
  // Every row's norm is checked before anything is written.
  Tensor<T>& norms = ctx.save(tapegrad::Shape{r.count});
  for (std::size_t row = 0; row < r.count; ++row) {
    const T* in = x.data() + row * r.length;
    // ‖x‖ = m·‖x/m‖ with m = max |xᵢ|: no overflow or underflow in the squares.
    T largest = 0;
    for (std::size_t j = 0; j < r.length; ++j)
      largest = std::max(largest, std::abs(in[j]));
    if (largest == T(0)) {
      // std::max skipped any NaN: such a row gives NaN (IEEE), not an error.
      const bool has_nan = std::any_of(in, in + r.length, [](T v) { return std::isnan(v); });
      if (r.length == 0 || has_nan) {  // an empty row has nothing to normalise
        norms(row) = has_nan ? std::numeric_limits<T>::quiet_NaN() : T(1);
        continue;
      }
      throw tapegrad::ValueError("row " + std::to_string(row) + " of shape " +
                                     tapegrad::shape_to_string(x.shape()) + " has norm 0",
                                 ctx.site());
    }
    T squares = 0;
    for (std::size_t j = 0; j < r.length; ++j) {
      const T scaled = in[j] / largest;
      squares += scaled * scaled;
    }
    norms(row) = largest * std::sqrt(squares);
  }
  Tensor<T>& y = ctx.output(x.shape());
  for (std::size_t row = 0; row < r.count; ++row) {
    const T* in = x.data() + row * r.length;
    T* out = y.data() + row * r.length;
    for (std::size_t j = 0; j < r.length; ++j)
      out[j] = in[j] / norms(row);
  }
}

template <class T>
void L2Normalize<T>::backprop(BackpropContext<T>& ctx) const {
  if (!ctx.needs_grad(0))
    return;
  const Rows r = rows_of(ctx);
  const Tensor<T>& norms = ctx.saved(0);
  tapegrad::GradSlot<T> dx = ctx.gradient(0);
  for (std::size_t row = 0; row < r.count; ++row) {
    const std::size_t offset = row * r.length;
    const T* y = ctx.output().data() + offset;
    const T* g = ctx.grad_output().data() + offset;
    T* d = dx.tensor.data() + offset;
    T dot = 0;
    for (std::size_t j = 0; j < r.length; ++j)
      dot += g[j] * y[j];
    for (std::size_t j = 0; j < r.length; ++j) {
      const T contribution = (g[j] - y[j] * dot) / norms(row);
      d[j] = dx.fresh ? contribution : d[j] + contribution;
    }
  }
}

template class Swish<float>;
template class Swish<double>;
template class L2Normalize<float>;
template class L2Normalize<double>;

// ---- typed functions ----------------------------------------------------------

template <class T>
Var<T> swish(Var<T> x, double beta) {
  return tape_of(x, Swish<T>::kName).template apply<Swish<T>>({x}, beta);
}

template <class T>
Var<T> l2_normalize(Var<T> x) {
  return tape_of(x, L2Normalize<T>::kName).template apply<L2Normalize<T>>({x});
}

template Var<float> swish(Var<float>, double);
template Var<double> swish(Var<double>, double);
template Var<float> l2_normalize(Var<float>);
template Var<double> l2_normalize(Var<double>);

// ---- registration -------------------------------------------------------------

namespace {

// Name, arity, formula and attributes come from each op's static members.
const tapegrad::OpRegistration<Swish> swish_registration("tapegrad_custom_ops");
const tapegrad::OpRegistration<L2Normalize> l2_normalize_registration("tapegrad_custom_ops");

}  // namespace

}  // namespace custom_ops
