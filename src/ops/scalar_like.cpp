// A rank-0 constant on another Var's tape, for numbers mixed into a graph.
#include "ops/support.hpp"
#include "tapegrad/ops/arithmetic.hpp"

namespace tapegrad {

template <class T>
Var<T> scalar_like(Var<T> x, detail::identity_t<T> value) {
  Tensor<T> scalar = Tensor<T>::from_shape({});
  *scalar.data() = value;
  return ops::tape_of(x, "scalar_like").constant(std::move(scalar));
}

template Var<float> scalar_like(Var<float>, float);
template Var<double> scalar_like(Var<double>, double);

}  // namespace tapegrad
