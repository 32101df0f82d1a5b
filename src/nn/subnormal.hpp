#pragma once
// Optimiser state that decays geometrically — Adam's moments and momentum's
// velocity of a weight whose gradient has stopped, such as the weights of a
// border pixel that is almost always 0 — passes through the subnormal range
// on its way to 0: about 150 steps in float at β = 0.9 (about 1,000 steps of
// Adam's second moment at β₂ = 0.999). On CPUs that take a microcode assist
// per subnormal operand (Intel's), each of those steps costs that weight
// ~100× its arithmetic, which is how Fashion-MNIST training with Adam lost a
// third of its speed from epoch 1 to epoch 3. Flushing the state to 0 there is
// what flush-to-zero would do to those values and nothing more: the update a
// subnormal moment makes is below half an ulp of any normal weight, so
// parameters come out the same unless a weight is itself within ~1e-30 of 0.

#include "tensor/subnormal.hpp"

namespace tapegrad::nn {

using tapegrad::flush_subnormal;

}  // namespace tapegrad::nn
