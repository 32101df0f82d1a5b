#pragma once
// Reductions over all elements, or along one axis (attribute "axis",
// negative counting from the end; "keepdims" 1 keeps a size-1 axis). The
// input is seen as (outer, length, inner) around the reduced axis
// (ReductionLayout), so one pair of loops serves every rank; every reduction
// uses that layout and expand_reduced() (slice_reduction.hpp's too). Here the
// shape shared by sum and mean: Kind states the op's name and formula
// (kName, kFormula) and whether it divides by the count (kMean).

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "ops/cost.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/op_traits.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/shape.hpp"

namespace tapegrad::ops {

inline constexpr std::array<std::string_view, 2> kAxisAttributes{"axis", "keepdims"};

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

/// The input seen as (outer, length, inner) around the reduced axis: element
/// a of slice (o, i) is at flat index (o·length + a)·inner + i, and the
/// slice's result at o·inner + i. Reducing every element is one slice.
struct ReductionLayout {
  std::size_t outer = 1, length = 1, inner = 1;
  Shape out_shape;

  std::size_t slices() const { return outer * inner; }
  /// Calls f(out, first, stride) for each slice: its result's flat index,
  /// its first element's and the step between its elements.
  template <class F>
  void for_each_slice(const F& f) const {
    for (std::size_t o = 0; o < outer; ++o) {
      for (std::size_t i = 0; i < inner; ++i)
        f(o * inner + i, o * length * inner + i, inner);
    }
  }
};

/// The reduction `spec` of a tensor of `shape`; an axis it does not have is
/// a ValueError naming the axis and the shape at `site`.
inline ReductionLayout reduction_layout(const Shape& shape, const ReductionSpec& spec,
                                        const ErrorSite& site) {
  ReductionLayout l;
  if (!spec.axis) {
    l.length = shape_size(shape);
    if (spec.keepdims)
      l.out_shape = Shape(shape.size(), 1);
    return l;
  }
  const int rank = static_cast<int>(shape.size());
  const int axis = *spec.axis < 0 ? *spec.axis + rank : *spec.axis;
  if (axis < 0 || axis >= rank) {
    throw ValueError("axis " + std::to_string(*spec.axis) + " is out of range for shape " +
                         shape_to_string(shape),
                     site);
  }
  for (int k = 0; k < rank; ++k) {
    const std::size_t extent = shape[static_cast<std::size_t>(k)];
    if (k < axis)
      l.outer *= extent;
    if (k > axis)
      l.inner *= extent;
    if (k == axis) {
      l.length = extent;
      if (spec.keepdims)
        l.out_shape.push_back(1);
    } else {
      l.out_shape.push_back(extent);
    }
  }
  return l;
}

/// The same for input 0 of the node `ctx` works on.
template <class T>
ReductionLayout reduction_layout(const detail::NodeView<T>& ctx, const ReductionSpec& spec) {
  return reduction_layout(ctx.input(0).shape(), spec, ctx.site());
}

/// The number of elements each result of `spec` reduces, for an input of
/// `shape` whose axis was checked when it was recorded.
inline std::size_t reduced_count(const Shape& shape, const ReductionSpec& spec) {
  return reduction_layout(shape, spec, {}).length;
}

/// r (a reduction's result, or anything of its shape) put back over the
/// reduced axis, or everywhere: broadcast to `shape`, as recorded ops.
template <class T>
Var<T> expand_reduced(Var<T> r, const Shape& shape, const ReductionSpec& spec) {
  Shape kept(shape.size(), 1);
  if (spec.axis) {
    const int rank = static_cast<int>(shape.size());
    kept = shape;
    kept[static_cast<std::size_t>(*spec.axis < 0 ? *spec.axis + rank : *spec.axis)] = 1;
  }
  if (r.shape() != kept)
    r = reshape(r, kept);
  return r.shape() == shape ? r : broadcast_to(r, shape);
}

template <class T, class Kind>
class AxisReduction final : public OpBase<AxisReduction<T, Kind>, T> {
 public:
  static constexpr std::string_view kName = Kind::kName;
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = Kind::kFormula;
  static constexpr auto kAttributes = kAxisAttributes;

  AxisReduction() = default;
  explicit AxisReduction(ReductionSpec spec) : spec_(spec) {}
  explicit AxisReduction(const Attributes& a) : spec_(ReductionSpec::from(a)) {}

  Attributes attributes() const override { return spec_.attributes(); }

  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& x = ctx.input(0);
    const ReductionLayout l = reduction_layout(ctx, spec_);
    Tensor<T>& y = ctx.output(l.out_shape);
    reduce(l, factor(l, ctx), x.data(), y.data());
  }

  /// Linear: ẏ is the same reduction of ẋ.
  bool tangent(TangentContext<T>& ctx) const override {
    if (ctx.has_tangent(0)) {
      const ReductionLayout l = reduction_layout(ctx, spec_);
      reduce(l, factor(l, ctx), ctx.tangent(0).data(), ctx.output_tangent().data());
    }
    return true;
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
    Var<T> full = expand_reduced(ctx.grad_output(), shape, spec_);
    if (kMean)
      full = scale(full, T(1) / static_cast<T>(reduced_count(shape, spec_)));
    ctx.accumulate(0, full);
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const ReductionLayout l = reduction_layout(ctx, spec_);
    const T scale = factor(l, ctx);
    const T* g = ctx.grad_output().data();
    const GradSlot<T> dx = ctx.gradient(0);
    T* d = dx.tensor.data();  // hoisted out of GradSlot::add, so that the loops vectorise
    const bool fresh = dx.fresh;
    for (std::size_t o = 0; o < l.outer; ++o) {
      const T* row_g = g + o * l.inner;
      for (std::size_t a = 0; a < l.length; ++a) {
        T* row = d + (o * l.length + a) * l.inner;
        if (fresh) {
          for (std::size_t i = 0; i < l.inner; ++i)
            row[i] = scale * row_g[i];
        } else {
          for (std::size_t i = 0; i < l.inner; ++i)
            row[i] += scale * row_g[i];
        }
      }
    }
  }

 private:
  /// out = Σ over the reduced axis of in (times `scale` for a mean).
  static void reduce(const ReductionLayout& l, T scale, const T* in, T* out) {
    for (std::size_t o = 0; o < l.outer; ++o) {
      const T* block = in + o * l.length * l.inner;
      T* row_out = out + o * l.inner;
      if (l.inner == 1) {
        // A contiguous run per output (a sum of all elements, of each row):
        // one reduction in registers, vectorised into partial sums, instead
        // of a chain of adds through the output in memory.
        T total = 0;
#pragma omp simd reduction(+ : total)
        for (std::size_t a = 0; a < l.length; ++a)
          total += block[a];
        *row_out = total;
        continue;
      }
      std::fill(row_out, row_out + l.inner, T(0));
      for (std::size_t a = 0; a < l.length; ++a) {
        const T* row_in = block + a * l.inner;
        for (std::size_t i = 0; i < l.inner; ++i)
          row_out[i] += row_in[i];
      }
    }
    if (kMean) {
      for (std::size_t k = 0; k < l.outer * l.inner; ++k)
        out[k] *= scale;
    }
  }

  static constexpr bool kMean = Kind::kMean;

  static T factor(const ReductionLayout& l, const detail::NodeView<T>& ctx) {
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
