#pragma once
// The shape shared by every elementwise op of one input: forward evaluates
// Kernel::value(x) into the output buffer; backprop adds
// Kernel::grad(x, y, g) (input x, output y, gradient g). Kernels are written
// once, generically (with the math:: overload set): the same code runs on one
// element (a plain number), on an xsimd batch, and on Vars for the recorded
// backprop. Tiny tensors — rank-0 scalars above all — go element by element
// with plain scalar code; larger ones through map_batches, where every element
// takes the same vector code whatever its position or address. A kernel with
// attributes (pow's exponent) is built from Attributes and reports them back;
// a stateless one is an empty struct. The kernel states the op's name,
// formula and attribute names (kName, kFormula, kAttributes), which the op
// takes over as its traits (op_traits.hpp). A kernel whose attributes can be
// out of range (clamp's lo > hi) says what is wrong with problem(): the op
// then refuses to record, naming the node and the input's shape.

#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "ops/batch_loop.hpp"
#include "ops/cost.hpp"
#include "ops/elementwise_math.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/op_traits.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/activations.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad::ops {

/// Tensors at most this large are computed element by element with plain
/// scalar code (std:: functions): for them setting up the vector loop costs
/// more than the math. Their results may differ in the last bit from the same
/// values in a larger tensor.
inline constexpr std::size_t kScalarPathSize = 16;

template <class Kernel>
concept ChecksAttributes = requires(const Kernel& k) {
  { k.problem() } -> std::same_as<std::optional<std::string>>;
};

template <class T, class Kernel>
class UnaryElementwise final : public OpBase<UnaryElementwise<T, Kernel>, T> {
 public:
  static constexpr std::string_view kName = Kernel::kName;
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = Kernel::kFormula;
  static constexpr auto kAttributes = attribute_names_of<Kernel>();

  UnaryElementwise() = default;
  explicit UnaryElementwise(Kernel kernel) : kernel_(kernel) {}
  template <class K = Kernel,
            class = std::enable_if_t<std::is_constructible_v<K, const Attributes&>>>
  explicit UnaryElementwise(const Attributes& a) : kernel_(a) {}

  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& x = ctx.input(0);
    if constexpr (ChecksAttributes<Kernel>) {
      if (const std::optional<std::string> problem = kernel_.problem())
        throw ValueError(*problem + " (input of shape " + shape_to_string(x.shape()) + ")",
                         ctx.site());
    }
    Tensor<T>& y = ctx.output(x.shape());
    const std::size_t n = x.size();
    if (n <= kScalarPathSize) {
      for (std::size_t i = 0; i < n; ++i)
        y.data()[i] = kernel_.template value<T>(x.data()[i]);
      return;
    }
    map_batches(
        n, y.data(), [this](const Batch<T>& xb) { return kernel_.template value<T>(xb); },
        x.data());
  }

  bool scalar_forward(const T* x, T& y) const override {
    if constexpr (ChecksAttributes<Kernel>) {
      if (kernel_.problem())
        return false;  // forward() raises the error, naming the node
    }
    y = kernel_.template value<T>(x[0]);
    return true;
  }
  void scalar_backprop(const T* x, T y, T g, T* dx) const override {
    dx[0] = kernel_.template grad<T>(x[0], y, g);
  }
  /// For a kernel that gives value and slope dy/dx at once (OpBase).
  bool scalar_value_and_partials(const T* x, T& y, T* dx) const
    requires requires(const Kernel& k, T v, T& out) { k.value_and_slope(v, out, out); }
  {
    kernel_.value_and_slope(x[0], y, dx[0]);
    return true;
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Tensor<T>& x = ctx.input(0);
    const Tensor<T>& y = ctx.output();
    const Tensor<T>& g = ctx.grad_output();
    const std::size_t n = x.size();
    // Written straight into the gradient buffer: assigned when nothing has
    // arrived there yet in this sweep, added otherwise.
    const GradSlot<T> dx = ctx.gradient(0);
    if (n <= kScalarPathSize) {
      for (std::size_t i = 0; i < n; ++i)
        dx.add(i, kernel_.template grad<T>(x.data()[i], y.data()[i], g.data()[i]));
      return;
    }
    const auto grad = [this](const Batch<T>& xb, const Batch<T>& yb, const Batch<T>& gb) {
      return kernel_.template grad<T>(xb, yb, gb);
    };
    T* target = dx.tensor.data();
    if (dx.fresh) {
      map_batches(n, target, grad, x.data(), y.data(), g.data());
    } else {
      map_batches(
          n, target,
          [&grad](const Batch<T>& xb, const Batch<T>& yb, const Batch<T>& gb, const Batch<T>& sum) {
            return sum + grad(xb, yb, gb);
          },
          x.data(), y.data(), g.data(), static_cast<const T*>(target));
    }
  }

  // ẏ = f'(x)·ẋ: Kernel::grad(x, y, g) is g·f'(x), so with g = ẋ the
  // backprop's kernel is the tangent rule too.
  bool tangent(TangentContext<T>& ctx) const override {
    if (!ctx.has_tangent(0))
      return true;
    const Tensor<T>& x = ctx.input(0);
    const Tensor<T>& y = ctx.output();
    const Tensor<T>& dx = ctx.tangent(0);
    Tensor<T>& dy = ctx.output_tangent();
    const std::size_t n = x.size();
    if (n <= kScalarPathSize) {
      for (std::size_t i = 0; i < n; ++i)
        dy.data()[i] = kernel_.template grad<T>(x.data()[i], y.data()[i], dx.data()[i]);
      return true;
    }
    map_batches(
        n, dy.data(),
        [this](const Batch<T>& xb, const Batch<T>& yb, const Batch<T>& db) {
          return kernel_.template grad<T>(xb, yb, db);
        },
        x.data(), y.data(), dx.data());
    return true;
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate(0, kernel_.template grad<T>(ctx.input(0), ctx.output(), ctx.grad_output()));
  }

  std::optional<OpCost> cost(const CostQuery& query) const override {
    return unary_elementwise_cost<T>(query, Kernel::kForwardFlops, Kernel::kBackpropFlops);
  }
  Attributes attributes() const override {
    if constexpr (std::is_constructible_v<Kernel, const Attributes&>) {
      return kernel_.attributes();
    } else {
      return {};
    }
  }

 private:
  Kernel kernel_{};
};

}  // namespace tapegrad::ops
