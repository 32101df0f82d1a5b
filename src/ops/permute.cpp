// Axes reordered, for any rank: y's axis k is x's axis axes[k]. A copy in
// y's row-major order whose innermost loop reads x with one fixed stride (a
// plain copy when the last axis stays last). transpose(x, a, b) records one.
// Its gradient is the inverse permutation of g.
#include <array>
#include <vector>

#include "ops/axis_runs.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/indexing.hpp"

namespace tapegrad {
namespace ops {
namespace {

constexpr std::size_t kMaxRank = 8;

/// The attribute names: the rank and up to 8 axes.
constexpr std::array<std::string_view, kMaxRank + 1> kAxesAttributes{"rank", "a0", "a1", "a2", "a3",
                                                                     "a4",   "a5", "a6", "a7"};

/// out (x's axes in the order `axes`) = in of shape `shape`; += when `add`.
template <class T>
void permute_into(const T* in, const Shape& shape, const std::vector<std::size_t>& axes, T* out,
                  bool add) {
  const std::size_t rank = shape.size();
  if (rank == 0) {
    copy_or_add(in, out, 1, add);
    return;
  }
  std::array<std::size_t, kMaxRank> in_stride{}, extent{}, stride{};
  std::size_t s = 1;
  for (std::size_t k = rank; k-- > 0;) {
    in_stride[k] = s;
    s *= shape[k];
  }
  for (std::size_t k = 0; k < rank; ++k) {
    extent[k] = shape[axes[k]];
    stride[k] = in_stride[axes[k]];
  }
  if (shape_size(shape) == 0)
    return;
  const std::size_t inner = extent[rank - 1], step = stride[rank - 1];
  std::array<std::size_t, kMaxRank> at{};  // the position over y's outer axes
  std::size_t from = 0;                    // x's offset of that position
  for (T* row = out;; row += inner) {
    if (step == 1) {
      copy_or_add(in + from, row, inner, add);
    } else {
      for (std::size_t i = 0; i < inner; ++i)
        row[i] = add ? row[i] + in[from + i * step] : in[from + i * step];
    }
    std::size_t k = rank - 1;  // the next position: an odometer over axes 0 … rank − 2
    while (k-- > 0) {
      from += stride[k];
      if (++at[k] < extent[k])
        break;
      from -= stride[k] * extent[k];
      at[k] = 0;
    }
    if (k == static_cast<std::size_t>(-1))
      return;
  }
}

template <class T>
class PermuteOp final : public OpBase<PermuteOp<T>, T> {
 public:
  static constexpr std::string_view kName = "permute";
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = "y's axis k = x's axis axes[k]";
  static constexpr auto kAttributes = kAxesAttributes;

  explicit PermuteOp(std::vector<std::int64_t> axes) : axes_(std::move(axes)) {}
  explicit PermuteOp(const Attributes& a) {
    const std::int64_t rank = whole_attribute(a, kName, "rank");
    if (rank < 0 || rank > static_cast<std::int64_t>(kMaxRank)) {
      throw ValueError(fmt::format("attribute 'rank' must be in [0, {}], got {}", kMaxRank, rank),
                       {std::string(kName), std::nullopt, {}});
    }
    for (std::size_t k = 0; k < static_cast<std::size_t>(rank); ++k)
      axes_.push_back(whole_attribute(a, kName, kAxesAttributes[k + 1]));
  }

  Attributes attributes() const override {
    Attributes a;
    a.set("rank", static_cast<double>(axes_.size()));
    for (std::size_t k = 0; k < axes_.size() && k < kMaxRank; ++k)
      a.set(kAxesAttributes[k + 1], static_cast<double>(axes_[k]));
    return a;
  }

  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& x = ctx.input(0);
    const std::vector<std::size_t> axes = resolve(ctx);
    Shape shape;
    for (const std::size_t axis : axes)
      shape.push_back(x.shape()[axis]);
    permute_into(x.data(), x.shape(), axes, ctx.output(shape).data(), false);
  }

  /// Linear: ẏ is ẋ permuted.
  bool tangent(TangentContext<T>& ctx) const override {
    if (ctx.has_tangent(0)) {
      permute_into(ctx.tangent(0).data(), ctx.input(0).shape(), resolve(ctx),
                   ctx.output_tangent().data(), false);
    }
    return true;
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Tensor<T>& g = ctx.grad_output();
    const GradSlot<T> dx = ctx.gradient(0);
    permute_into(g.data(), g.shape(), inverse(resolve(ctx)), dx.tensor.data(), !dx.fresh);
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const std::vector<std::size_t> back = inverse(resolve(ctx));
    const std::vector<int> axes(back.begin(), back.end());
    ctx.accumulate(0, permute(ctx.grad_output(), Span<int>(axes)));
  }

  /// A copy: every element read and written once per pass.
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.output_size();
    return OpCost{0, bytes_of<T>(2 * n), 0, query.needs(0) ? bytes_of<T>(2 * n) : 0};
  }

 private:
  /// The axes, counted from the front, once they name every axis of x once.
  template <class Ctx>
  std::vector<std::size_t> resolve(const Ctx& ctx) const {
    const Shape& shape = ctx.input(0).shape();
    const auto fail = [&] {
      throw ValueError(fmt::format("axes ({}) are not a permutation of the {} axes of shape {}",
                                   fmt::join(axes_, ", "), shape.size(), shape_to_string(shape)),
                       ctx.site());
    };
    if (axes_.size() != shape.size())
      fail();
    std::vector<std::size_t> axes;
    std::vector<bool> seen(shape.size(), false);
    for (const std::int64_t a : axes_) {
      const auto rank = static_cast<std::int64_t>(shape.size());
      const std::int64_t k = a < 0 ? a + rank : a;
      if (k < 0 || k >= rank || seen[static_cast<std::size_t>(k)])
        fail();
      seen[static_cast<std::size_t>(k)] = true;
      axes.push_back(static_cast<std::size_t>(k));
    }
    return axes;
  }

  static std::vector<std::size_t> inverse(const std::vector<std::size_t>& axes) {
    std::vector<std::size_t> back(axes.size());
    for (std::size_t k = 0; k < axes.size(); ++k)
      back[axes[k]] = k;
    return back;
  }

  std::vector<std::int64_t> axes_;
};

[[maybe_unused]] const bool permute_registered = register_builtin<PermuteOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> permute(Var<T> x, Span<int> axes) {
  return ops::record_with<ops::PermuteOp<T>>({x},
                                             std::vector<std::int64_t>(axes.begin(), axes.end()));
}

template <class T>
Var<T> transpose(Var<T> x, int a, int b) {
  const ops::HelperSite site = ops::helper_site(x, "transpose");
  const Shape& shape = x.shape();
  std::vector<int> axes(shape.size());
  for (std::size_t k = 0; k < axes.size(); ++k)
    axes[k] = static_cast<int>(k);
  std::swap(axes[ops::resolve_axis(site, a, shape)], axes[ops::resolve_axis(site, b, shape)]);
  return permute(x, Span<int>(axes));
}

template Var<float> permute(Var<float>, Span<int>);
template Var<double> permute(Var<double>, Span<int>);
template Var<float> transpose(Var<float>, int, int);
template Var<double> transpose(Var<double>, int, int);

}  // namespace tapegrad
