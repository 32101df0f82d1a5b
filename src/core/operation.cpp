#include "tapegrad/core/operation.hpp"

namespace tapegrad {

// Anchors Operation's vtable and typeinfo in the library, so ops subclassed
// in another shared library and dynamic_cast across the boundary agree.
template <class T>
Operation<T>::~Operation() = default;

template class Operation<float>;
template class Operation<double>;

}  // namespace tapegrad
