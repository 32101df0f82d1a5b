#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nn/layer_gradcheck.hpp"
#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

TEST(Attention, CausalOutputsIgnoreLaterSteps) {
  nn::Rng rng(1);
  nn::MultiHeadSelfAttention<double> causal(6, 3, rng, {.causal = true});
  nn::MultiHeadSelfAttention<double> full(6, 3, rng);
  Tensor<double> x = random_tensor<double>({2, 4, 6}, 2);
  Tensor<double> changed = x;
  for (std::size_t d = 0; d < 6; ++d)
    changed(1, 2, d) += 1.0;  // step 2 of sample 1
  Tape<double> tape;
  const Tensor<double> before = causal(tape.constant(x)).value();
  const Tensor<double> after = causal(tape.constant(changed)).value();
  const Tensor<double> full_before = full(tape.constant(x)).value();
  const Tensor<double> full_after = full(tape.constant(changed)).value();
  for (std::size_t t = 0; t < 4; ++t) {
    for (std::size_t d = 0; d < 6; ++d) {
      EXPECT_EQ(before(0, t, d), after(0, t, d));  // the other sample
      if (t < 2) {
        EXPECT_EQ(before(1, t, d), after(1, t, d));
        EXPECT_NE(full_before(1, t, d), full_after(1, t, d));
      } else {
        EXPECT_NE(before(1, t, d), after(1, t, d));
      }
    }
  }
}

TEST(Attention, Gradcheck) {
  nn::Rng rng(2);
  for (bool causal : {false, true}) {
    nn::MultiHeadSelfAttention<double> attention(4, 2, rng, {.causal = causal});
    for (Parameter<double>* p : attention.parameters())
      p->value() = random_tensor<double>(p->shape(), 3);  // non-zero biases too
    testing::expect_layer_gradients([&](Tape<double>&, Var<double> x) { return attention(x); },
                                    random_tensor<double>({2, 3, 4}, 4), attention.parameters());
  }
}

TEST(TransformerBlock, NamesAndGradcheck) {
  nn::Rng rng(3);
  nn::Sequential<double> blocks;
  blocks.add(std::make_unique<nn::TransformerBlock<double>>(4, 2, 8, rng)).set_name("blocks");
  std::vector<std::string> labels;
  for (Parameter<double>* p : blocks.parameters())
    labels.push_back(p->label());
  EXPECT_EQ(labels, (std::vector<std::string>{
                        "blocks.0.ln1.weight", "blocks.0.ln1.bias", "blocks.0.attn.query.W",
                        "blocks.0.attn.query.b", "blocks.0.attn.key.W", "blocks.0.attn.key.b",
                        "blocks.0.attn.value.W", "blocks.0.attn.value.b", "blocks.0.attn.out.W",
                        "blocks.0.attn.out.b", "blocks.0.ln2.weight", "blocks.0.ln2.bias",
                        "blocks.0.ff.fc1.W", "blocks.0.ff.fc1.b", "blocks.0.ff.fc2.W",
                        "blocks.0.ff.fc2.b"}));
  for (Parameter<double>* p : blocks.parameters())
    p->value() = random_tensor<double>(p->shape(), 5);
  testing::expect_layer_gradients([&](Tape<double>&, Var<double> x) { return blocks(x); },
                                  random_tensor<double>({2, 3, 4}, 6), blocks.parameters());
}

TEST(Attention, BadShapesAndSizesAreErrors) {
  nn::Rng rng(4);
  EXPECT_THROW(nn::MultiHeadSelfAttention<double>(6, 4, rng), ValueError);
  EXPECT_THROW(nn::MultiHeadSelfAttention<double>(6, 0, rng), ValueError);
  nn::MultiHeadSelfAttention<double> attention(6, 2, rng);
  Tape<double> tape;
  try {
    (void)attention(tape.constant(random_tensor<double>({4, 6}, 1)));
    FAIL() << "a matrix was accepted as a batch of sequences";
  } catch (const ShapeError& e) {
    EXPECT_EQ(e.op(), "attention");
    EXPECT_EQ(e.detail(), "input of shape (4, 6), expected rank 3 with last extent 6");
  }
}

}  // namespace
}  // namespace tapegrad
