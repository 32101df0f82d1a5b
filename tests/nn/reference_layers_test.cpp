// The recurrent layers, attention and the transformer block against PyTorch
// 1.13 in float64: weights, inputs, outputs and gradients written by
// tests/nn/reference/make_reference.py (see its docstring for the files).
// Each test runs in float64, where parameters are read with load_checkpoint,
// by label, as a user would exchange weights with PyTorch; and in float32,
// training's default type, with the same weights and inputs rounded, held to
// a float32 tolerance (reference_support.hpp).
#include <gtest/gtest.h>

#include <string>
#include <type_traits>

#include "nn/reference_support.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using testing::rounded_to;

template <class T>
class Reference {
 public:
  explicit Reference(const std::string& name)
      : directory_(std::string(TAPEGRAD_TEST_REFERENCE_DIR) + "/" + name) {}
  Tensor<double> operator[](const std::string& array) const {
    return nn::read_npy<double>(directory_ + "/" + array + ".npy");
  }
  /// The array in T (the files hold float64).
  Tensor<T> in_type(const std::string& array) const { return rounded_to<T>((*this)[array]); }
  void load_into(nn::Module<T>& module) const {
    if constexpr (std::is_same_v<T, double>) {
      nn::load_checkpoint(directory_, module.parameters());
    } else {
      // The float64 weights, rounded to float32.
      for (Parameter<T>* p : module.parameters())
        p->value() = in_type(p->label());
    }
  }
  void expect_close(const Tensor<T>& actual, const std::string& array) const {
    testing::expect_agrees(actual, (*this)[array], directory_ + ": " + array);
  }
  void expect_parameter_gradients(nn::Module<T>& module) const {
    for (Parameter<T>* p : module.parameters())
      expect_close(p->grad(), "grad_" + p->label());
  }

 private:
  std::string directory_;
};

template <class T>
void expect_recurrent_layer_matches(nn::RecurrentCell<T>& layer, const std::string& name,
                                    bool has_cell_state) {
  const Reference<T> ref(name);
  ref.load_into(layer);
  Tape<T> tape;
  Var<T> x = tape.variable(ref.in_type("input"));
  Var<T> h0 = tape.variable(ref.in_type("h0"));
  Var<T> c0 = has_cell_state ? tape.variable(ref.in_type("c0")) : Var<T>();
  const nn::RecurrentOutput<T> out = layer.run(x, {h0, c0});
  ref.expect_close(out.output.value(), "output");
  ref.expect_close(out.state.h.value(), "h_n");
  Var<T> loss = sum(out.output * tape.constant(ref.in_type("projection"))) +
                sum(out.state.h * tape.constant(ref.in_type("projection_h")));
  if (has_cell_state) {
    ref.expect_close(out.state.c.value(), "c_n");
    loss = loss + sum(out.state.c * tape.constant(ref.in_type("projection_c")));
  }
  for (Parameter<T>* p : layer.parameters())
    p->zero_grad();
  tape.backward(loss);
  ref.expect_parameter_gradients(layer);
  ref.expect_close(x.grad(), "grad_input");
  ref.expect_close(h0.grad(), "grad_h0");
  if (has_cell_state)
    ref.expect_close(c0.grad(), "grad_c0");
}

template <class T>
void expect_sequence_module_matches(nn::Module<T>& module, const std::string& name) {
  const Reference<T> ref(name);
  ref.load_into(module);
  Tape<T> tape;
  Var<T> x = tape.variable(ref.in_type("input"));
  Var<T> y = module(x);
  ref.expect_close(y.value(), "output");
  for (Parameter<T>* p : module.parameters())
    p->zero_grad();
  tape.backward(sum(y * tape.constant(ref.in_type("projection"))));
  ref.expect_parameter_gradients(module);
  ref.expect_close(x.grad(), "grad_input");
}

template <class T>
class ReferenceLayers : public ::testing::Test {};

struct TypeName {
  template <class T>
  static std::string GetName(int) {
    return std::is_same_v<T, float> ? "float32" : "float64";
  }
};

using Types = ::testing::Types<double, float>;
TYPED_TEST_SUITE(ReferenceLayers, Types, TypeName);

TYPED_TEST(ReferenceLayers, RnnMatchesPyTorch) {
  nn::Rng rng(1);
  nn::RNN<TypeParam> rnn(4, 6, rng);
  expect_recurrent_layer_matches(rnn, "rnn", false);
}

TYPED_TEST(ReferenceLayers, LstmMatchesPyTorch) {
  nn::Rng rng(1);
  nn::LSTM<TypeParam> lstm(4, 6, rng);
  expect_recurrent_layer_matches(lstm, "lstm", true);
}

TYPED_TEST(ReferenceLayers, GruMatchesPyTorch) {
  nn::Rng rng(1);
  nn::GRU<TypeParam> gru(4, 6, rng);
  expect_recurrent_layer_matches(gru, "gru", false);
}

TYPED_TEST(ReferenceLayers, SelfAttentionMatchesPyTorch) {
  nn::Rng rng(1);
  nn::MultiHeadSelfAttention<TypeParam> attention(8, 2, rng);
  expect_sequence_module_matches(attention, "attention");
}

TYPED_TEST(ReferenceLayers, CausalSelfAttentionMatchesPyTorch) {
  nn::Rng rng(1);
  nn::MultiHeadSelfAttention<TypeParam> attention(8, 2, rng, {.causal = true});
  expect_sequence_module_matches(attention, "attention_causal");
}

TYPED_TEST(ReferenceLayers, PreNormTransformerBlockMatchesPyTorch) {
  nn::Rng rng(1);
  nn::TransformerBlock<TypeParam> block(8, 2, 16, rng, {.causal = true});
  expect_sequence_module_matches(block, "transformer_block");
}

}  // namespace
}  // namespace tapegrad
