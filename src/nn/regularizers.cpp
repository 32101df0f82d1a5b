#include "tapegrad/nn/regularizers.hpp"

#include "tapegrad/core/error.hpp"
#include "tapegrad/core/tape.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/math.hpp"
#include "tapegrad/ops/reductions.hpp"

namespace tapegrad::nn {
namespace {

/// Σ over the penalised parameters of sum(term(watch(θ))), or a rank-0 zero.
template <class T, class Term>
Var<T> penalty(Tape<T>& tape, const std::vector<Parameter<T>*>& parameters,
               const PenaltyOptions& options, const char* name, Term term) {
  Var<T> total;
  for (Parameter<T>* p : parameters) {
    if (!p)
      throw ValueError("a null parameter was given", {name, std::nullopt, {}});
    if (!options.include_biases && p->value().dimension() < 2)
      continue;
    const Var<T> part = sum(term(tape.watch(*p)));
    total = total.valid() ? total + part : part;
  }
  return total.valid() ? total : tape.constant(Tensor<T>(T(0)));
}

}  // namespace

template <class T>
Var<T> l2_penalty(Tape<T>& tape, const std::vector<Parameter<T>*>& parameters,
                  const PenaltyOptions& options) {
  const Var<T> squares =
      penalty(tape, parameters, options, "l2_penalty", [](Var<T> theta) { return square(theta); });
  return squares * T(0.5);
}

template <class T>
Var<T> l1_penalty(Tape<T>& tape, const std::vector<Parameter<T>*>& parameters,
                  const PenaltyOptions& options) {
  return penalty(tape, parameters, options, "l1_penalty",
                 [](Var<T> theta) { return tapegrad::abs(theta); });
}

template Var<float> l2_penalty(Tape<float>&, const std::vector<Parameter<float>*>&,
                               const PenaltyOptions&);
template Var<double> l2_penalty(Tape<double>&, const std::vector<Parameter<double>*>&,
                                const PenaltyOptions&);
template Var<float> l1_penalty(Tape<float>&, const std::vector<Parameter<float>*>&,
                               const PenaltyOptions&);
template Var<double> l1_penalty(Tape<double>&, const std::vector<Parameter<double>*>&,
                                const PenaltyOptions&);

}  // namespace tapegrad::nn
