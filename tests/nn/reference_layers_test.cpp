// The recurrent layers, attention and the transformer block against PyTorch
// 1.13 in float64: weights, inputs, outputs and gradients written by
// tests/nn/reference/make_reference.py (see its docstring for the files).
// Parameters are read with load_checkpoint, by label, as a user would
// exchange weights with PyTorch.
#include <gtest/gtest.h>

#include <string>

#include <xtensor/xmath.hpp>
#include <xtensor/xsort.hpp>

#include "nn/layer_gradcheck.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

constexpr double kAgreement = 1e-12;  // ‖ours − torch‖∞ / ‖torch‖∞

class Reference {
 public:
  explicit Reference(const std::string& name)
      : directory_(std::string(TAPEGRAD_TEST_REFERENCE_DIR) + "/" + name) {}
  Tensor<double> operator[](const std::string& array) const {
    return nn::read_npy<double>(directory_ + "/" + array + ".npy");
  }
  void load_into(nn::Module<double>& module) const {
    nn::load_checkpoint(directory_, module.parameters());
  }
  void expect_close(const Tensor<double>& actual, const std::string& array) const {
    const Tensor<double> expected = (*this)[array];
    // The key bias's true gradient is 0 (softmax ignores a shift of a row's
    // scores): both libraries give rounding noise, held to an absolute bound.
    if (xt::amax(xt::abs(expected))() < kAgreement) {
      EXPECT_LT(xt::amax(xt::abs(actual))(), kAgreement) << directory_ << ": " << array;
      return;
    }
    EXPECT_LE(testing::max_relative_difference(actual, expected), kAgreement)
        << directory_ << ": " << array;
  }
  void expect_parameter_gradients(nn::Module<double>& module) const {
    for (Parameter<double>* p : module.parameters())
      expect_close(p->grad(), "grad_" + p->label());
  }

 private:
  std::string directory_;
};

void expect_recurrent_layer_matches(nn::RecurrentCell<double>& layer, const std::string& name,
                                    bool has_cell_state) {
  const Reference ref(name);
  ref.load_into(layer);
  Tape<double> tape;
  Var<double> x = tape.variable(ref["input"]);
  Var<double> h0 = tape.variable(ref["h0"]);
  Var<double> c0 = has_cell_state ? tape.variable(ref["c0"]) : Var<double>();
  const nn::RecurrentOutput<double> out = layer.run(x, {h0, c0});
  ref.expect_close(out.output.value(), "output");
  ref.expect_close(out.state.h.value(), "h_n");
  Var<double> loss = sum(out.output * tape.constant(ref["projection"])) +
                     sum(out.state.h * tape.constant(ref["projection_h"]));
  if (has_cell_state) {
    ref.expect_close(out.state.c.value(), "c_n");
    loss = loss + sum(out.state.c * tape.constant(ref["projection_c"]));
  }
  for (Parameter<double>* p : layer.parameters())
    p->zero_grad();
  tape.backward(loss);
  ref.expect_parameter_gradients(layer);
  ref.expect_close(x.grad(), "grad_input");
  ref.expect_close(h0.grad(), "grad_h0");
  if (has_cell_state)
    ref.expect_close(c0.grad(), "grad_c0");
}

TEST(ReferenceLayers, RnnMatchesPyTorch) {
  nn::Rng rng(1);
  nn::RNN<double> rnn(4, 6, rng);
  expect_recurrent_layer_matches(rnn, "rnn", false);
}

TEST(ReferenceLayers, LstmMatchesPyTorch) {
  nn::Rng rng(1);
  nn::LSTM<double> lstm(4, 6, rng);
  expect_recurrent_layer_matches(lstm, "lstm", true);
}

TEST(ReferenceLayers, GruMatchesPyTorch) {
  nn::Rng rng(1);
  nn::GRU<double> gru(4, 6, rng);
  expect_recurrent_layer_matches(gru, "gru", false);
}

void expect_sequence_module_matches(nn::Module<double>& module, const std::string& name) {
  const Reference ref(name);
  ref.load_into(module);
  Tape<double> tape;
  Var<double> x = tape.variable(ref["input"]);
  Var<double> y = module(x);
  ref.expect_close(y.value(), "output");
  for (Parameter<double>* p : module.parameters())
    p->zero_grad();
  tape.backward(sum(y * tape.constant(ref["projection"])));
  ref.expect_parameter_gradients(module);
  ref.expect_close(x.grad(), "grad_input");
}

TEST(ReferenceLayers, SelfAttentionMatchesPyTorch) {
  nn::Rng rng(1);
  nn::MultiHeadSelfAttention<double> attention(8, 2, rng);
  expect_sequence_module_matches(attention, "attention");
}

TEST(ReferenceLayers, CausalSelfAttentionMatchesPyTorch) {
  nn::Rng rng(1);
  nn::MultiHeadSelfAttention<double> attention(8, 2, rng, {.causal = true});
  expect_sequence_module_matches(attention, "attention_causal");
}

TEST(ReferenceLayers, PreNormTransformerBlockMatchesPyTorch) {
  nn::Rng rng(1);
  nn::TransformerBlock<double> block(8, 2, 16, rng, {.causal = true});
  expect_sequence_module_matches(block, "transformer_block");
}

}  // namespace
}  // namespace tapegrad
