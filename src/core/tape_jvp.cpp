// Tape::jvp(): forward mode over the recorded nodes. Recording order is a
// topological order, so one upward walk from the lowest seeded leaf to the
// highest output sees every input's tangent before the node that reads it.
//
// Each node's tangent comes from, in order of preference:
//  * a flat node's scalar kernel: scalar_backprop() with g = 1 gives the
//    partials ∂y/∂x_k, and ẏ = Σ_k ∂y/∂x_k · ẋ_k;
//  * the op's tangent rule (Operation::tangent);
//  * the double-VJP fallback: with a fresh variable u of y's shape, the op's
//    differentiable backprop records the VJPs uᵀ∂y/∂x_i; s = Σ_i ⟨uᵀ∂y/∂x_i, ẋ_i⟩
//    is linear in u, and ∂s/∂u = Σ_i (∂y/∂x_i)·ẋ_i = ẏ.
//
// Only nodes on a path from a seed to an output get a tangent: a node no
// seed reaches has none (no buffer, no rule), and neither has a node no
// output reads — for forward over reverse, the loss itself and the recorded
// gradients of the other parameters. Tangent buffers live in a store of the
// calling thread, reused by the next jvp (of any tape) on that thread, so
// repeated products of one shape allocate only the returned tensors.

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/node_description.hpp"
#include "tapegrad/core/gradient_graph.hpp"
#include "tapegrad/core/tape.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/reductions.hpp"

namespace tapegrad {

using detail::describe_node;

namespace {

/// One thread's tangent buffers, by node id, and the marks of a jvp. A jvp
/// inside another on the same thread (a custom tangent rule calling jvp)
/// finds the store busy and takes a store of its own.
template <class T>
struct TangentStore {
  std::vector<Tensor<T>> tangents;
  std::vector<const Tensor<T>*> known;
  std::vector<char> needed;
  bool busy = false;

  void prepare(std::size_t count) {
    if (tangents.size() < count)
      tangents.resize(count);
    known.assign(count, nullptr);
    needed.assign(count, 0);
  }
};

template <class T>
class BorrowedStore {
 public:
  BorrowedStore() {
    thread_local TangentStore<T> shared;
    if (shared.busy) {
      own_.emplace();
      store_ = &*own_;
    } else {
      store_ = &shared;
    }
    store_->busy = true;
  }
  ~BorrowedStore() { store_->busy = false; }
  BorrowedStore(const BorrowedStore&) = delete;
  BorrowedStore& operator=(const BorrowedStore&) = delete;

  TangentStore<T>& operator*() const noexcept { return *store_; }

 private:
  std::optional<TangentStore<T>> own_;
  TangentStore<T>* store_;
};

}  // namespace

template <class T>
std::vector<Tensor<T>> Tape<T>::jvp(Span<Var<T>> outputs, const std::vector<TangentSeed<T>>& seeds,
                                    const JvpOptions& options) {
  const detail::ExclusiveUse::NestingScope in_use(in_use_, "jvp");
  check_replayed("jvp");
  const DerivedLeaves derived(*this);
  NodeId top = 0;
  for (const Var<T>& y : outputs) {
    check(y, "jvp");
    top = std::max(top, y.id());
  }
  const BorrowedStore<T> borrowed;
  TangentStore<T>& store = *borrowed;
  store.prepare(count_);
  std::vector<Tensor<T>>& tangents = store.tangents;
  std::vector<const Tensor<T>*>& known = store.known;
  NodeId bottom = static_cast<NodeId>(count_);
  for (const TangentSeed<T>& seed : seeds) {
    check(seed.x, "jvp");
    const NodeId id = seed.x.id();
    const Node<T>& n = nodes_[id];
    if (!n.is_leaf()) {
      throw GradientError(
          "jvp seeds a tangent on " + describe_node(n.label, id) + ", the output of op '" +
              std::string(n.op->name()) +
              "', which is not a leaf; seed leaves (variables or watched parameters) only",
          {"jvp", id, n.label});
    }
    if (!n.requires_grad) {
      throw GradientError("jvp seeds a tangent on " + describe_node(n.label, id) +
                              ", a constant; seed variables or watched parameters only",
                          {"jvp", id, n.label});
    }
    if (seed.v.shape() != n.shape()) {
      throw ShapeError("jvp seeds " + describe_node(n.label, id) + " of shape " +
                           shape_to_string(n.shape()) + " with a tangent of shape " +
                           shape_to_string(seed.v.shape()),
                       {"jvp", id, n.label});
    }
    if (known[id] != nullptr) {
      throw ValueError("jvp seeds " + describe_node(n.label, id) + " twice", {"jvp", id, n.label});
    }
    known[id] = &seed.v;  // the seeds outlive the pass: no copy
    bottom = std::min(bottom, id);
  }
  // What the outputs read, from the top down to the lowest seed.
  std::vector<char>& needed = store.needed;
  for (const Var<T>& y : outputs)
    needed[y.id()] = 1;
  for (std::size_t i = top + 1; i-- > bottom;) {
    if (!needed[i] || nodes_[i].is_leaf())
      continue;
    for (const NodeId in : inputs(static_cast<NodeId>(i)))
      needed[in] = 1;
  }
  for (std::size_t i = bottom; i <= top && i < known.size(); ++i) {
    const Node<T>& n = nodes_[i];
    if (!needed[i] || n.is_leaf() || !n.requires_grad)
      continue;
    const NodeId id = static_cast<NodeId>(i);
    const Span<NodeId> ids = inputs(id);
    if (std::none_of(ids.begin(), ids.end(), [&](NodeId in) { return known[in] != nullptr; }))
      continue;
    if (n.flat) {
      T x[kScalarInputs];
      T partials[kScalarInputs] = {};
      for (std::size_t k = 0; k < ids.size(); ++k)
        x[k] = *nodes_[ids[k]].value().data();
      n.op->scalar_backprop(x, n.scalar, T(1), partials);
      T dy = T(0);
      for (std::size_t k = 0; k < ids.size(); ++k) {
        if (known[ids[k]] != nullptr)
          dy += partials[k] * *known[ids[k]]->data();
      }
      tangents[i].resize(Shape{});
      tangents[i]() = dy;
    } else {
      TangentContext<T> ctx(nodes_, id, ids.begin(), known, tangents[i]);
      if (!n.op->tangent(ctx)) {
        if (!options.fallback) {
          throw GradientError("op '" + std::string(n.op->name()) +
                                  "' has no tangent rule, and jvp was asked not to fall back "
                                  "to its differentiable backprop",
                              {std::string(n.op->name()), id, n.label});
        }
        tangents[i] = fallback_tangent(id, known);
      } else if (!ctx.written()) {
        tangents[i].resize(n.shape());
        tangents[i].fill(T(0));
      }
    }
    known[i] = &tangents[i];
  }
  std::vector<Tensor<T>> results;
  for (const Var<T>& y : outputs) {
    results.push_back(known[y.id()] != nullptr ? *known[y.id()]
                                               : Tensor<T>(nodes_[y.id()].shape(), T(0)));
  }
  return results;
}

template <class T>
Tensor<T> Tape<T>::fallback_tangent(NodeId id, const std::vector<const Tensor<T>*>& tangents) {
  const Shape shape = nodes_[id].shape();
  const Span<NodeId> span = inputs(id);
  const std::vector<NodeId> ids(span.begin(), span.end());
  const Var<T> u = variable(Tensor<T>(shape, T(0)), "jvp dual");
  std::vector<Var<T>> vjps(std::size_t{id} + 1);
  vjps[id] = u;
  DifferentiableBackpropContext<T> ctx(*this, id, ids, vjps);
  try {
    nodes_[id].op->differentiable_backprop(ctx);
  } catch (const GradientError&) {
    const Node<T>& n = nodes_[id];
    throw GradientError("op '" + std::string(n.op->name()) +
                            "' has neither a tangent rule nor a differentiable backprop, so "
                            "forward mode (jvp) cannot pass through it; override tangent()",
                        {std::string(n.op->name()), id, n.label});
  }
  // An input used twice holds the sum of both VJPs: count it once.
  std::vector<NodeId> distinct = ids;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  Var<T> s;
  for (const NodeId in : distinct) {
    if (tangents[in] == nullptr || !vjps[in].valid())
      continue;
    const Var<T> term = sum(vjps[in] * constant(*tangents[in]));
    s = s.valid() ? s + term : term;
  }
  if (!s.valid())
    return Tensor<T>(shape, T(0));
  return gradient(s, {u})[0].value();
}

#define TAPEGRAD_INSTANTIATE_JVP(T)                                                              \
  template std::vector<Tensor<T>> Tape<T>::jvp(Span<Var<T>>, const std::vector<TangentSeed<T>>&, \
                                               const JvpOptions&);                               \
  template Tensor<T> Tape<T>::fallback_tangent(NodeId, const std::vector<const Tensor<T>*>&);
TAPEGRAD_INSTANTIATE_JVP(float)
TAPEGRAD_INSTANTIATE_JVP(double)
#undef TAPEGRAD_INSTANTIATE_JVP

}  // namespace tapegrad
