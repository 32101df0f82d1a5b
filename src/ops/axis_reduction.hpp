#pragma once
// The shape shared by sum and mean: over all elements, or along one axis
// (attribute "axis", negative counting from the end; "keepdims" 1 keeps a
// size-1 axis). The input is seen as (outer, length, inner) around the
// reduced axis, so one pair of loops serves every rank. Kind states the op's
// name and formula (kName, kFormula) and whether it divides by the count
// (kMean).

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "ops/cost.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/op_traits.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/shape.hpp"

namespace tapegrad::ops {

struct ReductionSpec {
  std::optional<int> axis;  // nothing: every element
  bool keepdims = false;

  static ReductionSpec from(const Attributes& a) {
    ReductionSpec spec;
    if (const double* axis = a.find("axis"))
      spec.axis = static_cast<int>(*axis);
    spec.keepdims = a.get_or("keepdims", 0) != 0;
    return spec;
  }
  Attributes attributes() const {
    Attributes a;
    if (axis)
      a.set("axis", *axis);
    a.set("keepdims", keepdims ? 1 : 0);
    return a;
  }
};

template <class T, class Kind>
class AxisReduction final : public OpBase<AxisReduction<T, Kind>, T> {
 public:
  static constexpr std::string_view kName = Kind::kName;
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = Kind::kFormula;
  static constexpr std::array<std::string_view, 2> kAttributes{"axis", "keepdims"};

  AxisReduction() = default;
  explicit AxisReduction(ReductionSpec spec) : spec_(spec) {}
  explicit AxisReduction(const Attributes& a) : spec_(ReductionSpec::from(a)) {}

  Attributes attributes() const override { return spec_.attributes(); }

  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& x = ctx.input(0);
    const Layout l = layout(ctx);
    Tensor<T>& y = ctx.output(l.out_shape);
    const T scale = factor(l, ctx);
    const T* in = x.data();
    T* out = y.data();
    std::fill(out, out + l.outer * l.inner, T(0));
    for (std::size_t o = 0; o < l.outer; ++o) {
      T* row_out = out + o * l.inner;
      for (std::size_t a = 0; a < l.length; ++a) {
        const T* row_in = in + (o * l.length + a) * l.inner;
        for (std::size_t i = 0; i < l.inner; ++i)
          row_out[i] += row_in[i];
      }
    }
    if (kMean) {
      for (std::size_t k = 0; k < l.outer * l.inner; ++k)
        out[k] *= scale;
    }
  }

  /// Forward adds every input element into its output (mean then scales
  /// each output); backprop copies g back over the reduced axis (mean
  /// scales each element).
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.input_size(0);
    const std::uint64_t m = query.output_size();
    OpCost cost{n + (kMean ? m : 0), bytes_of<T>(n + m), 0, 0};
    if (query.needs(0)) {
      cost.backprop_flops = kMean ? n : 0;
      cost.backprop_bytes = bytes_of<T>(n + m);
    }
    return cost;
  }
  /// g put back along the reduced axis (or everywhere), as recorded ops.
  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Shape& shape = ctx.input(0).shape();
    Shape kept(shape.size(), 1);
    std::size_t length = shape_size(shape);
    if (spec_.axis) {
      const int rank = static_cast<int>(shape.size());
      const auto axis =
          static_cast<std::size_t>(*spec_.axis < 0 ? *spec_.axis + rank : *spec_.axis);
      kept = shape;
      kept[axis] = 1;
      length = shape[axis];
    }
    Var<T> g = ctx.grad_output();
    if (g.shape() != kept)
      g = reshape(g, kept);
    Var<T> full = broadcast_to(g, shape);
    if (kMean)
      full = scale(full, T(1) / static_cast<T>(length));
    ctx.accumulate(0, full);
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Layout l = layout(ctx);
    const T scale = factor(l, ctx);
    const T* g = ctx.grad_output().data();
    const GradSlot<T> dx = ctx.gradient(0);
    for (std::size_t o = 0; o < l.outer; ++o) {
      const T* row_g = g + o * l.inner;
      for (std::size_t a = 0; a < l.length; ++a) {
        const std::size_t row = (o * l.length + a) * l.inner;
        for (std::size_t i = 0; i < l.inner; ++i)
          dx.add(row + i, scale * row_g[i]);
      }
    }
  }

 private:
  static constexpr bool kMean = Kind::kMean;

  struct Layout {
    std::size_t outer = 1, length = 1, inner = 1;
    Shape out_shape;
  };

  Layout layout(const detail::NodeView<T>& ctx) const {
    const Shape& shape = ctx.input(0).shape();
    Layout l;
    if (!spec_.axis) {
      l.length = shape_size(shape);
      if (spec_.keepdims)
        l.out_shape = Shape(shape.size(), 1);
      return l;
    }
    const int rank = static_cast<int>(shape.size());
    const int axis = *spec_.axis < 0 ? *spec_.axis + rank : *spec_.axis;
    if (axis < 0 || axis >= rank) {
      throw ValueError("axis " + std::to_string(*spec_.axis) + " is out of range for shape " +
                           shape_to_string(shape),
                       ctx.site());
    }
    for (int k = 0; k < rank; ++k) {
      const std::size_t extent = shape[static_cast<std::size_t>(k)];
      if (k < axis)
        l.outer *= extent;
      if (k > axis)
        l.inner *= extent;
      if (k == axis) {
        l.length = extent;
        if (spec_.keepdims)
          l.out_shape.push_back(1);
      } else {
        l.out_shape.push_back(extent);
      }
    }
    return l;
  }

  static T factor(const Layout& l, const detail::NodeView<T>& ctx) {
    if (!kMean)
      return T(1);
    if (l.length == 0) {
      throw ValueError("the mean of no elements is undefined (shape " +
                           shape_to_string(ctx.input(0).shape()) + ")",
                       ctx.site());
    }
    return T(1) / static_cast<T>(l.length);
  }

  ReductionSpec spec_;
};

}  // namespace tapegrad::ops
