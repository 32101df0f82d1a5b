#include "tapegrad/forward.hpp"

#include <cstddef>
#include <vector>

namespace tapegrad {

template <class T>
Tensor<T> jacfwd(Var<T> y, Var<T> x) {
  Tape<T>& tape = *y.tape();
  tape.check(y, "jacfwd");
  tape.check(x, "jacfwd");
  const std::size_t rows = y.size();
  const std::size_t cols = x.size();
  Tensor<T> result(Shape{rows, cols});
  std::vector<TangentSeed<T>> seed{{x, Tensor<T>(x.shape(), T(0))}};
  for (std::size_t j = 0; j < cols; ++j) {
    seed[0].v.data()[j] = T(1);
    const Tensor<T> column = tape.jvp({y}, seed)[0];
    for (std::size_t i = 0; i < rows; ++i)
      result(i, j) = column.data()[i];
    seed[0].v.data()[j] = T(0);
  }
  return result;
}

template <class T>
Tensor<T> hvp_forward(Var<T> y, Var<T> x, const Tensor<T>& v, const JvpOptions& options) {
  Tape<T>& tape = *y.tape();
  tape.check(y, "hvp");
  if (y.size() != 1) {
    throw GradientError("hvp needs a one-element output, got shape " + shape_to_string(y.shape()),
                        {"hvp", y.id(), {}});
  }
  const Var<T> g = tape.gradient(y, {x}, {.create_graph = true})[0];
  return tape.jvp({g}, {{x, v}}, options)[0];
}

template <class T>
Tensor<T> jvp(const TensorFunction<T>& f, const Tensor<T>& x, const Tensor<T>& v) {
  Tape<T> tape;
  const Var<T> xv = tape.variable(x, "x");
  const Var<T> y = f(xv);
  return tape.jvp({y}, {{xv, v}})[0];
}

template <class T>
Tensor<T> jacfwd(const TensorFunction<T>& f, const Tensor<T>& x) {
  Tape<T> tape;
  const Var<T> xv = tape.variable(x, "x");
  return jacfwd(f(xv), xv);
}

#define TAPEGRAD_INSTANTIATE_FORWARD(T)                                                 \
  template Tensor<T> jacfwd(Var<T>, Var<T>);                                            \
  template Tensor<T> hvp_forward(Var<T>, Var<T>, const Tensor<T>&, const JvpOptions&);  \
  template Tensor<T> jvp(const TensorFunction<T>&, const Tensor<T>&, const Tensor<T>&); \
  template Tensor<T> jacfwd(const TensorFunction<T>&, const Tensor<T>&);
TAPEGRAD_INSTANTIATE_FORWARD(float)
TAPEGRAD_INSTANTIATE_FORWARD(double)
#undef TAPEGRAD_INSTANTIATE_FORWARD

}  // namespace tapegrad
