#pragma once
// The lecture's 2-2-2 network (SEED.md): two sigmoid layers, a = W h + b,
// loss ½‖y − t‖². Row i of W holds the weights into neuron i. Shared by the
// lecture example and its golden test, so both run the very same graph.

#include <array>

#include <tapegrad/tapegrad.hpp>

namespace lecture {

using tapegrad::Parameter;
using tapegrad::Tape;
using tapegrad::Tensor;
using tapegrad::Var;

struct Network {
  Parameter<double> w1{Tensor<double>{{0.15, 0.20}, {0.25, 0.30}}, "W(1)"};
  Parameter<double> b1{Tensor<double>{0.35, 0.35}, "b(1)"};
  Parameter<double> w2{Tensor<double>{{0.40, 0.45}, {0.50, 0.55}}, "W(2)"};
  Parameter<double> b2{Tensor<double>{0.60, 0.60}, "b(2)"};
  Tensor<double> x{0.5, 0.1};
  Tensor<double> t{0.01, 0.99};

  /// Every quantity of the forward pass, as Vars on the tape.
  struct Pass {
    Var<double> a1, h1, a2, y, loss;
  };

  Pass forward(Tape<double>& tape) {
    Pass p;
    // Leaves first, in a fixed order: C++ leaves the order of evaluating
    // function arguments open, and node ids should not depend on the compiler.
    const Var<double> h0 = tape.constant(x, "x");  // h(0) = x
    const Var<double> w1v = tape.watch(w1);
    const Var<double> b1v = tape.watch(b1);
    p.a1 = (matmul(w1v, h0).label("W(1)·h(0)") + b1v).label("a(1)");
    p.h1 = sigmoid(p.a1).label("h(1)");
    const Var<double> w2v = tape.watch(w2);
    const Var<double> b2v = tape.watch(b2);
    p.a2 = (matmul(w2v, p.h1).label("W(2)·h(1)") + b2v).label("a(2)");
    p.y = sigmoid(p.a2).label("y");
    const Var<double> target = tape.constant(t, "t");
    p.loss = mse(p.y, target).label("L");
    return p;
  }

  std::array<Parameter<double>*, 4> parameters() { return {&w1, &b1, &w2, &b2}; }

  void zero_grad() {
    for (Parameter<double>* p : parameters())
      p->zero_grad();
  }

  /// θ ← θ − α ∇θ for every parameter, then clears the gradients.
  void step(double alpha) {
    for (Parameter<double>* p : parameters())
      p->value() -= alpha * p->grad();
    zero_grad();
  }
};

}  // namespace lecture
