#pragma once
// Gradient clipping between backward() and step(), with PyTorch's semantics
// (torch.nn.utils.clip_grad_norm_ and clip_grad_value_). Parameters that
// received no gradient (grad_is_zero) count as zeros and are left alone.

#include <vector>

#include "tapegrad/core/parameter.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad::nn {

/// The L2 norm of all the gradients together, ‖(g₁, g₂, …)‖; when it exceeds
/// max_norm every gradient is scaled by max_norm / (norm + 1e-6). Returns the
/// norm before clipping (a non-finite norm is returned and nothing scaled).
/// ValueError unless max_norm is positive and finite.
template <class T>
TAPEGRAD_EXPORT T clip_grad_norm(const std::vector<Parameter<T>*>& parameters, T max_norm);

/// Clamps every gradient element to [−clip, clip]. ValueError unless clip is
/// positive and finite.
template <class T>
TAPEGRAD_EXPORT void clip_grad_value(const std::vector<Parameter<T>*>& parameters, T clip);

}  // namespace tapegrad::nn
