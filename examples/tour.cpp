// The README's tour: a two-layer network on a mini-batch, one gradient.
#include <cstdio>

#include <tapegrad/tapegrad.hpp>

int main() {
  using namespace tapegrad;
  Parameter<float> w1(Tensor<float>{{0.1f, -0.2f}, {0.3f, 0.4f}, {-0.5f, 0.6f}}, "W1");
  Parameter<float> b1(Tensor<float>{0.0f, 0.1f, -0.1f}, "b1");
  Parameter<float> w2(Tensor<float>{{0.7f, -0.8f, 0.9f}, {0.2f, 0.1f, -0.3f}}, "W2");

  Tape<float> tape;
  Var<float> x = tape.constant(Tensor<float>{{1.0f, 2.0f}, {3.0f, 4.0f}}, "x");  // 2 samples
  Var<float> t = tape.constant(Tensor<float>{{1.0f, 0.0f}, {0.0f, 1.0f}}, "t");
  Var<float> h = relu(linear(x, tape.watch(w1), tape.watch(b1)));  // x·W1ᵀ + b1
  Var<float> y = sigmoid(matmul(h, transpose(tape.watch(w2))));
  Var<float> loss = mse(y, t, Reduction::mean);
  tape.backward(loss);  // reverse sweep: gradients land in w1.grad(), b1.grad(), w2.grad()

  std::printf("loss %.6f, dL/dW2 = [%.6f %.6f %.6f]\n", loss.item(), w2.grad()(0, 0),
              w2.grad()(0, 1), w2.grad()(0, 2));
  tape.reset();  // ready for the next mini-batch; buffers are reused
}
