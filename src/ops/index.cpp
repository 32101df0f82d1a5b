// One position along an axis, the axis dropped: one run per outer block
// (axis_runs.hpp). Its recorded gradient is slice_backward of g with the
// axis put back.
#include <array>

#include "ops/selection_op.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/indexing.hpp"
#include "tapegrad/ops/shape.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct IndexSpec {
  std::int64_t axis = 0;
  std::int64_t position = 0;
};

template <class T>
class IndexOp final : public SelectionOp<IndexOp<T>, T> {
 public:
  static constexpr std::string_view kName = "index";
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = "y = x[position] along axis (the axis dropped)";
  static constexpr std::array<std::string_view, 2> kAttributes{"axis", "position"};

  explicit IndexOp(IndexSpec spec) : spec_(spec) {}
  explicit IndexOp(const Attributes& a)
      : spec_{whole_attribute(a, kName, "axis"), whole_attribute(a, kName, "position")} {}

  Attributes attributes() const override {
    return {{"axis", static_cast<double>(spec_.axis)},
            {"position", static_cast<double>(spec_.position)}};
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const auto [runs, axis] = select(ctx);
    Shape kept = ctx.input(0).shape();
    kept[axis] = 1;
    ctx.accumulate(0, slice_backward(reshape(ctx.grad_output(), kept), static_cast<int>(axis),
                                     runs.length, runs.start));
  }

  template <class Ctx>
  Selection select(const Ctx& ctx) const {
    const Shape& shape = ctx.input(0).shape();
    const std::size_t axis = resolve_axis(ctx, spec_.axis, shape);
    const auto length = static_cast<std::int64_t>(shape[axis]);
    const std::int64_t position = spec_.position < 0 ? spec_.position + length : spec_.position;
    if (position < 0 || position >= length) {
      throw ValueError(
          fmt::format("position {} is out of range for axis {} (length {}) of shape {}",
                      spec_.position, spec_.axis, length, shape_to_string(shape)),
          ctx.site());
    }
    return {AxisRuns::around(shape, axis).positions(static_cast<std::size_t>(position), 1, 1),
            axis};
  }

  /// x's shape without the axis.
  static Shape output_shape(const Shape& x, const Selection& s) {
    Shape shape;
    for (std::size_t k = 0; k < x.size(); ++k) {
      if (k != s.axis)
        shape.push_back(x[k]);
    }
    return shape;
  }

 private:
  IndexSpec spec_;
};

[[maybe_unused]] const bool index_registered = register_builtin<IndexOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> index(Var<T> x, int axis, std::int64_t position) {
  return ops::record_with<ops::IndexOp<T>>({x}, ops::IndexSpec{axis, position});
}

template Var<float> index(Var<float>, int, std::int64_t);
template Var<double> index(Var<double>, int, std::int64_t);

}  // namespace tapegrad
