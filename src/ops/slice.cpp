// x[start:stop:step] along one axis: a copy of whole runs (axis_runs.hpp).
// Its adjoint is slice_backward (Note [Adjoint ops] in axis_runs.hpp).
#include <array>

#include "ops/selection_op.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/indexing.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct SliceSpec {
  std::int64_t axis = 0;
  std::int64_t start = 0;
  std::optional<std::int64_t> stop;  // nothing: to the end
  std::int64_t step = 1;
};

template <class T>
class SliceOp final : public SelectionOp<SliceOp<T>, T> {
 public:
  static constexpr std::string_view kName = "slice";
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = "y = x[start:stop:step] along axis";
  static constexpr std::array<std::string_view, 4> kAttributes{"axis", "start", "stop", "step"};

  explicit SliceOp(SliceSpec spec) : spec_(spec) {}
  explicit SliceOp(const Attributes& a)
      : spec_{whole_attribute(a, kName, "axis"), whole_attribute(a, kName, "start"),
              optional_whole_attribute(a, kName, "stop"),
              optional_whole_attribute(a, kName, "step").value_or(1)} {}

  Attributes attributes() const override {
    Attributes a;
    a.set("axis", static_cast<double>(spec_.axis));
    a.set("start", static_cast<double>(spec_.start));
    if (spec_.stop)
      a.set("stop", static_cast<double>(*spec_.stop));
    a.set("step", static_cast<double>(spec_.step));
    return a;
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const auto [runs, axis] = select(ctx);
    ctx.accumulate(0, slice_backward(ctx.grad_output(), static_cast<int>(axis), runs.length,
                                     runs.start, runs.step));
  }

  /// The selected positions (ctx: any context, its input 0 a tensor or a Var).
  template <class Ctx>
  Selection select(const Ctx& ctx) const {
    const Shape& shape = ctx.input(0).shape();
    const std::size_t axis = resolve_axis(ctx, spec_.axis, shape);
    const auto length = static_cast<std::int64_t>(shape[axis]);
    const std::int64_t start = spec_.start < 0 ? spec_.start + length : spec_.start;
    const std::int64_t stop = !spec_.stop       ? length
                              : *spec_.stop < 0 ? *spec_.stop + length
                                                : *spec_.stop;
    if (spec_.step < 1) {
      throw ValueError(fmt::format("step {} of a slice of shape {} must be at least 1", spec_.step,
                                   shape_to_string(shape)),
                       ctx.site());
    }
    if (!(0 <= start && start <= stop && stop <= length)) {
      throw ValueError(
          fmt::format("slice {}:{} of axis {} (length {}) of shape {} is out of range: need 0 ≤ "
                      "start ≤ stop ≤ {} once negative positions count from the end",
                      spec_.start, spec_.stop ? std::to_string(*spec_.stop) : std::string(),
                      spec_.axis, length, shape_to_string(shape), length),
          ctx.site());
    }
    const auto count = static_cast<std::size_t>((stop - start + spec_.step - 1) / spec_.step);
    return {AxisRuns::around(shape, axis)
                .positions(static_cast<std::size_t>(start), static_cast<std::size_t>(spec_.step),
                           count),
            axis};
  }

  static Shape output_shape(const Shape& x, const Selection& s) {
    Shape shape = x;
    shape[s.axis] = s.runs.count;
    return shape;
  }

 private:
  SliceSpec spec_;
};

[[maybe_unused]] const bool slice_registered = register_builtin<SliceOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> slice(Var<T> x, int axis, std::int64_t start, std::optional<std::int64_t> stop,
             std::int64_t step) {
  return ops::record_with<ops::SliceOp<T>>({x}, ops::SliceSpec{axis, start, stop, step});
}

template Var<float> slice(Var<float>, int, std::int64_t, std::optional<std::int64_t>, std::int64_t);
template Var<double> slice(Var<double>, int, std::int64_t, std::optional<std::int64_t>,
                           std::int64_t);

}  // namespace tapegrad
