#pragma once
// Losses, as the lecture writes them.

#include <optional>

#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad {

/// How a loss over a mini-batch (one row per sample) is combined.
enum class Reduction {
  sum,   ///< the sum over samples
  mean,  ///< the sum divided by the number of samples (rows)
};

/// ½‖y − t‖² (Reduction::sum), or that divided by the number of rows
/// (Reduction::mean; a vector counts as one sample). y and t share a shape.
template <class T>
TAPEGRAD_EXPORT Var<T> mse(Var<T> y, Var<T> t, Reduction reduction = Reduction::sum);

/// Cross-entropy of softmax(logits) against integer class labels, fused and
/// stable for logits of any magnitude. logits (batch, classes) with labels
/// (batch,), or logits (classes,) with a one-element label. Labels hold whole
/// numbers in [0, classes) and receive no gradient.
template <class T>
TAPEGRAD_EXPORT Var<T> cross_entropy(Var<T> logits, Var<T> labels,
                                     Reduction reduction = Reduction::mean);

/// Binary cross-entropy of sigmoid(logits) against targets t in [0, 1],
/// elementwise and fused: max(x, 0) − x·t + log(1 + e^−|x|), stable for
/// logits of any magnitude. logits and targets share a shape; targets receive
/// a gradient too (−x). Reduction::mean divides by the number of logits (for
/// logits of shape (batch,) or (batch, 1): the number of samples).
template <class T>
TAPEGRAD_EXPORT Var<T> binary_cross_entropy(Var<T> logits, Var<T> targets,
                                            Reduction reduction = Reduction::mean);

/// The negative log-likelihood of integer class labels under
/// log-probabilities (log_softmax's output), as PyTorch's NLLLoss:
/// −Σ_rows logp[row, label]. log_probabilities (batch, classes) with labels
/// (batch,), or (classes,) with a one-element label; labels hold whole
/// numbers in [0, classes) and receive no gradient. A row whose label equals
/// `ignore_index` (which need not be a class, e.g. −100) adds nothing, and
/// Reduction::mean divides by the number of the other rows (none is an
/// error). nll_loss(log_softmax(x), labels) equals cross_entropy(x, labels).
template <class T>
TAPEGRAD_EXPORT Var<T> nll_loss(Var<T> log_probabilities, Var<T> labels,
                                Reduction reduction = Reduction::mean,
                                std::optional<int> ignore_index = std::nullopt);

/// PyTorch's HuberLoss: with d = y − t, ½ d² where |d| < delta and
/// delta · (|d| − ½ delta) elsewhere, elementwise; Reduction::mean divides by
/// the number of elements. y and t share a shape and both receive a
/// gradient, g · clamp(d, −delta, delta) (negated for t); delta > 0.
template <class T>
TAPEGRAD_EXPORT Var<T> huber(Var<T> y, Var<T> t, Reduction reduction = Reduction::mean,
                             double delta = 1.0);

}  // namespace tapegrad
