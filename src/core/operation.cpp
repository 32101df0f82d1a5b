#include "tapegrad/core/operation.hpp"

#include <string>

#include "tapegrad/core/gradient_graph.hpp"

namespace tapegrad {

// Anchors Operation's vtable and typeinfo in the library, so ops subclassed
// in another shared library and dynamic_cast across the boundary agree.
template <class T>
Operation<T>::~Operation() = default;

template <class T>
void Operation<T>::differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const {
  throw GradientError("op '" + std::string(name()) +
                          "' has no differentiable backprop, so its gradient cannot be "
                          "differentiated again (create_graph); override "
                          "differentiable_backprop() to allow it",
                      ctx.site());
}

template class Operation<float>;
template class Operation<double>;

}  // namespace tapegrad
