#pragma once
// Losses, as the lecture writes them.

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

}  // namespace tapegrad
