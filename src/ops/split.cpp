// split and chunk: helpers, not ops. They record one slice per part, so a
// tape shows (and a recorded gradient differentiates) ordinary slices.
#include <numeric>
#include <vector>

#include "ops/axis_runs.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/indexing.hpp"

namespace tapegrad {
namespace ops {
namespace {

template <class T>
std::vector<Var<T>> cut(Var<T> x, Span<std::size_t> sizes, std::size_t axis) {
  std::vector<Var<T>> parts;
  parts.reserve(sizes.size());
  std::int64_t offset = 0;
  for (const std::size_t size : sizes) {
    const auto stop = offset + static_cast<std::int64_t>(size);
    parts.push_back(slice(x, static_cast<int>(axis), offset, stop));
    offset = stop;
  }
  return parts;
}

}  // namespace
}  // namespace ops

template <class T>
std::vector<Var<T>> split(Var<T> x, Span<std::size_t> sizes, int axis) {
  const ops::HelperSite site = ops::helper_site(x, "split");
  const Shape& shape = x.shape();
  const std::size_t a = ops::resolve_axis(site, axis, shape);
  const std::size_t total = std::accumulate(sizes.begin(), sizes.end(), std::size_t{0});
  if (sizes.empty() || total != shape[a]) {
    throw ValueError(fmt::format("sizes [{}] do not add up to the length {} of axis {} of shape {}",
                                 fmt::join(sizes, ", "), shape[a], axis, shape_to_string(shape)),
                     site.site());
  }
  return ops::cut(x, sizes, a);
}

template <class T>
std::vector<Var<T>> chunk(Var<T> x, std::size_t parts, int axis) {
  const ops::HelperSite site = ops::helper_site(x, "chunk");
  const Shape& shape = x.shape();
  const std::size_t a = ops::resolve_axis(site, axis, shape);
  if (parts == 0 || shape[a] % parts != 0) {
    throw ValueError(
        fmt::format("axis {} of length {} (shape {}) does not divide into {} equal parts", axis,
                    shape[a], shape_to_string(shape), parts),
        site.site());
  }
  const std::vector<std::size_t> sizes(parts, shape[a] / parts);
  return ops::cut(x, Span<std::size_t>(sizes), a);
}

template std::vector<Var<float>> split(Var<float>, Span<std::size_t>, int);
template std::vector<Var<double>> split(Var<double>, Span<std::size_t>, int);
template std::vector<Var<float>> chunk(Var<float>, std::size_t, int);
template std::vector<Var<double>> chunk(Var<double>, std::size_t, int);

}  // namespace tapegrad
