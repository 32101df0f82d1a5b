#pragma once
// The language models' loss: cross-entropy of the next symbol at every step
// of every row, padding masked out. word_sequences pads each row after its
// end symbol; those steps have the label kPad, and nll_loss's ignore_index
// drops them, so a batch's mean is over its real predictions only and a
// padded step gets no gradient at all.

#include <cstddef>

#include <tapegrad/tapegrad.hpp>

namespace char_lm {

/// logits (batch, time, V) and labels (batch, time) of ids → the summed or
/// mean negative log-likelihood over the steps whose label is not padding.
/// ShapeError when the shapes do not fit together.
template <class T>
tapegrad::Var<T> next_symbol_loss(tapegrad::Var<T> logits, tapegrad::Var<T> labels,
                                  tapegrad::Reduction reduction) {
  if (logits.rank() != 3 || labels.rank() != 2 || labels.shape()[0] != logits.shape()[0] ||
      labels.shape()[1] != logits.shape()[1])
    throw tapegrad::ShapeError(
        "next_symbol_loss takes logits (batch, time, V) and labels (batch, time)",
        {"next_symbol_loss", logits.id(), {}});
  const std::size_t rows = logits.shape()[0] * logits.shape()[1];
  const tapegrad::Var<T> flat = reshape(logits, {rows, logits.shape()[2]});
  return nll_loss(log_softmax(flat), reshape(labels, {rows}), reduction,
                  static_cast<int>(tapegrad::nn::CharVocabulary::kPad));
}

/// Steps of `labels` that are predictions (not padding).
template <class T>
std::size_t predictions(const tapegrad::Tensor<T>& labels) {
  std::size_t n = 0;
  for (const T id : labels)
    n += id != static_cast<T>(tapegrad::nn::CharVocabulary::kPad);
  return n;
}

}  // namespace char_lm
