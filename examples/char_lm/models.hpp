#pragma once
// The two language models of examples/char_lm, both ids (batch, time) →
// logits (batch, time, V) over the vocabulary, step t seeing steps ≤ t only:
//
//   LstmLanguageModel         embed → dropout → LSTM → dropout → head
//   TransformerLanguageModel  embed + position → dropout → N pre-norm causal
//                             blocks → LayerNorm → head
//
// and sampling a word from either, one symbol at a time.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <tapegrad/tapegrad.hpp>

namespace char_lm {

namespace nn = tapegrad::nn;
using tapegrad::Tensor;
using tapegrad::Var;

struct ModelSettings {
  std::size_t vocabulary = 0;
  std::size_t embed_dim = 64;  ///< the transformer's width
  std::size_t hidden = 256;    ///< the LSTM's h; the transformer's feed-forward width
  std::size_t heads = 4;
  std::size_t layers = 2;      ///< transformer blocks
  std::size_t max_length = 0;  ///< longest input the position table covers
  double dropout = 0.1;
  std::uint64_t seed = 1;
};

class LstmLanguageModel : public nn::Module<float> {
 public:
  LstmLanguageModel(const ModelSettings& s, nn::Rng& rng)
      : embed(s.vocabulary, s.embed_dim, rng),
        input_dropout(s.dropout, s.seed + 1),
        lstm(s.embed_dim, s.hidden, rng),
        output_dropout(s.dropout, s.seed + 2),
        head(s.hidden, s.vocabulary, nn::Init::xavier_uniform, rng, "head") {
    this->register_module("embed", embed);
    this->register_module("input_dropout", input_dropout);
    this->register_module("lstm", lstm);
    this->register_module("output_dropout", output_dropout);
    this->register_module("head", head);
  }

  Var<float> forward(Var<float> ids) override {
    return head(output_dropout(lstm(input_dropout(embed(ids)))));
  }

  nn::Embedding<float> embed;
  nn::Dropout<float> input_dropout;
  nn::LSTM<float> lstm;
  nn::Dropout<float> output_dropout;
  nn::Linear<float> head;
};

class TransformerLanguageModel : public nn::Module<float> {
 public:
  TransformerLanguageModel(const ModelSettings& s, nn::Rng& rng)
      : embed(s.vocabulary, s.embed_dim, rng),
        position(s.max_length, s.embed_dim, rng),
        dropout(s.dropout, s.seed + 1),
        ln(s.embed_dim),
        head(s.embed_dim, s.vocabulary, nn::Init::xavier_uniform, rng, "head") {
    this->register_module("embed", embed);
    this->register_module("position", position);
    this->register_module("dropout", dropout);
    for (std::size_t i = 0; i < s.layers; ++i)  // named "blocks.0", "blocks.1", …
      blocks.add(
          std::make_unique<nn::TransformerBlock<float>>(s.embed_dim, s.heads, s.hidden, rng));
    this->register_module("blocks", blocks);
    this->register_module("ln", ln);
    this->register_module("head", head);
  }

  /// ids (batch, time) with time ≤ max_length (ValueError otherwise).
  Var<float> forward(Var<float> ids) override {
    const std::size_t time = ids.shape()[1];
    const std::size_t covered = position.weight().shape()[0];
    if (time > covered)
      throw tapegrad::ValueError("the transformer's positions cover " + std::to_string(covered) +
                                 " steps, not " + std::to_string(time));
    Tensor<float> steps = Tensor<float>::from_shape({1, time});
    for (std::size_t t = 0; t < time; ++t)
      steps(0, t) = static_cast<float>(t);
    // (batch, time, dim) + (1, time, dim): the same position vectors for every row.
    Var<float> x = embed(ids) + position(ids.tape()->constant(std::move(steps), "steps"));
    return head(ln(blocks(dropout(x))));
  }

  nn::Embedding<float> embed;
  nn::Embedding<float> position;
  nn::Dropout<float> dropout;
  nn::Sequential<float> blocks;
  nn::LayerNorm<float> ln;
  nn::Linear<float> head;
};

/// A word drawn from `model` (in eval mode) one symbol at a time: each step
/// runs the prefix begin, c₁ … cₜ and draws the next symbol from
/// softmax(logits / temperature) over the characters and end (never padding
/// or begin), until end or `max_characters`.
inline std::string sample_word(nn::Module<float>& model, const nn::CharVocabulary& vocabulary,
                               nn::Rng& rng, double temperature, std::size_t max_characters) {
  if (!(temperature > 0 && std::isfinite(temperature)))
    throw tapegrad::ValueError("the sampling temperature must be positive and finite, not " +
                               std::to_string(temperature));
  tapegrad::Tape<float> tape;
  tapegrad::NoGradScope<float> no_grad(tape);
  std::vector<std::size_t> ids{nn::CharVocabulary::kBegin};
  std::vector<double> weights(vocabulary.size());
  while (ids.size() <= max_characters) {
    tape.reset();
    Tensor<float> prefix = Tensor<float>::from_shape({1, ids.size()});
    for (std::size_t t = 0; t < ids.size(); ++t)
      prefix(0, t) = static_cast<float>(ids[t]);
    const Tensor<float>& logits = model(tape.constant(std::move(prefix))).value();
    const float* last = logits.data() + (ids.size() - 1) * vocabulary.size();
    const float top = *std::max_element(last + nn::CharVocabulary::kEnd, last + vocabulary.size());
    double total = 0;
    for (std::size_t v = nn::CharVocabulary::kEnd; v < vocabulary.size(); ++v)
      total += weights[v] = std::exp((last[v] - top) / temperature);
    double u = rng.uniform() * total;
    std::size_t next = nn::CharVocabulary::kEnd;
    for (std::size_t v = nn::CharVocabulary::kEnd; v < vocabulary.size(); ++v) {
      next = v;
      if ((u -= weights[v]) < 0)
        break;
    }
    if (next == nn::CharVocabulary::kEnd)
      break;
    ids.push_back(next);
  }
  return vocabulary.decode(ids);
}

}  // namespace char_lm
