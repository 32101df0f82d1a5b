#pragma once
// Everything a user of tapegrad needs, in one include.

#include "tapegrad/core/attributes.hpp"
#include "tapegrad/core/error.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/core/parameter.hpp"
#include "tapegrad/core/registry.hpp"
#include "tapegrad/core/tape.hpp"
#include "tapegrad/core/var.hpp"
#include "tapegrad/gradcheck.hpp"
#include "tapegrad/ops/activations.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/linalg.hpp"
#include "tapegrad/ops/losses.hpp"
#include "tapegrad/ops/math.hpp"
#include "tapegrad/ops/reductions.hpp"
#include "tapegrad/tensor/broadcast.hpp"
#include "tapegrad/tensor/tensor.hpp"
