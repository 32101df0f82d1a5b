// The adjoint of slice (Note [Adjoint ops] in axis_runs.hpp): g put at
// positions start, start + step, … along an axis of zeros of length
// `length`. Its own adjoint is slice.
#include <array>

#include "ops/axis_runs.hpp"
#include "ops/cost.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/indexing.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct PadSpec {
  std::int64_t axis = 0;
  std::int64_t length = 0;
  std::int64_t start = 0;
  std::int64_t step = 1;
};

template <class T>
class SliceBackwardOp final : public OpBase<SliceBackwardOp<T>, T> {
 public:
  static constexpr std::string_view kName = "slice_backward";
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula =
      "y = zeros with length along axis; y[start::step] = g (the adjoint of slice)";
  static constexpr std::array<std::string_view, 4> kAttributes{"axis", "length", "start", "step"};

  explicit SliceBackwardOp(PadSpec spec) : spec_(spec) {}
  explicit SliceBackwardOp(const Attributes& a)
      : spec_{whole_attribute(a, kName, "axis"), whole_attribute(a, kName, "length"),
              whole_attribute(a, kName, "start"),
              optional_whole_attribute(a, kName, "step").value_or(1)} {}

  Attributes attributes() const override {
    return {{"axis", static_cast<double>(spec_.axis)},
            {"length", static_cast<double>(spec_.length)},
            {"start", static_cast<double>(spec_.start)},
            {"step", static_cast<double>(spec_.step)}};
  }

  void forward(ForwardContext<T>& ctx) const override {
    const Resolved r = resolve(ctx);
    T* y = ctx.output(r.shape).data();
    zero_unselected(r.runs, y);
    put_runs(r.runs, ctx.input(0).data(), y, false);
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const GradSlot<T> dg = ctx.gradient(0);
    take_runs(resolve(ctx).runs, ctx.grad_output().data(), dg.tensor.data(), !dg.fresh);
  }

  /// Linear: ẏ puts ġ into the same positions, zeros elsewhere.
  bool tangent(TangentContext<T>& ctx) const override {
    if (ctx.has_tangent(0)) {
      const AxisRuns runs = resolve(ctx).runs;
      T* y = ctx.output_tangent().data();
      zero_unselected(runs, y);
      put_runs(runs, ctx.tangent(0).data(), y, false);
    }
    return true;
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const auto [runs, shape, axis] = resolve(ctx);
    const auto start = static_cast<std::int64_t>(runs.start);
    const auto stop = static_cast<std::int64_t>(
        runs.count == 0 ? runs.start : runs.start + (runs.count - 1) * runs.step + 1);
    ctx.accumulate(0, slice(ctx.grad_output(), static_cast<int>(axis), start, stop,
                            static_cast<std::int64_t>(runs.step)));
  }

  /// Forward writes the whole output (zeros and g); backprop reads the
  /// selected part of the output's gradient and writes g's.
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t part = query.input_size(0);
    return OpCost{0, bytes_of<T>(part + query.output_size()), 0,
                  query.needs(0) ? bytes_of<T>(2 * part) : 0};
  }

 private:
  struct Resolved {
    AxisRuns runs;
    Shape shape;  // the output's
    std::size_t axis;
  };

  template <class Ctx>
  Resolved resolve(const Ctx& ctx) const {
    const Shape& g = ctx.input(0).shape();
    const std::size_t axis = resolve_axis(ctx, spec_.axis, g);
    const std::int64_t count = static_cast<std::int64_t>(g[axis]);
    const std::int64_t last = count == 0 ? spec_.start : spec_.start + (count - 1) * spec_.step;
    if (spec_.step < 1 || spec_.start < 0 || spec_.length < 0 ||
        (count == 0 ? last > spec_.length : last >= spec_.length)) {
      throw ValueError(
          fmt::format("{} positions from {} in steps of {} do not fit length {} (g of shape {}, "
                      "axis {})",
                      count, spec_.start, spec_.step, spec_.length, shape_to_string(g), spec_.axis),
          ctx.site());
    }
    Shape shape = g;
    shape[axis] = static_cast<std::size_t>(spec_.length);
    const AxisRuns runs =
        AxisRuns::around(shape, axis)
            .positions(static_cast<std::size_t>(spec_.start), static_cast<std::size_t>(spec_.step),
                       static_cast<std::size_t>(count));
    return {runs, shape, axis};
  }

  PadSpec spec_;
};

[[maybe_unused]] const bool slice_backward_registered = register_builtin<SliceBackwardOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> slice_backward(Var<T> g, int axis, std::size_t length, std::size_t start, std::size_t step) {
  return ops::record_with<ops::SliceBackwardOp<T>>(
      {g}, ops::PadSpec{axis, static_cast<std::int64_t>(length), static_cast<std::int64_t>(start),
                        static_cast<std::int64_t>(step)});
}

template Var<float> slice_backward(Var<float>, int, std::size_t, std::size_t, std::size_t);
template Var<double> slice_backward(Var<double>, int, std::size_t, std::size_t, std::size_t);

}  // namespace tapegrad
