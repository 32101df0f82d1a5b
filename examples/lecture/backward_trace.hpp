#pragma once
// The lecture's backward phase, printed from the engine's own trace
// (backward(L, {.trace = &trace})): for every reverse step, the gradient g
// arriving at the node and what its backprop sends to each input. The
// contributions sent to W(k) and b(k) are the lecture's ∇W(k) and ∇b(k).

#include <fmt/format.h>

#include <string>

#include <tapegrad/tapegrad.hpp>

#include "lecture/format.hpp"

namespace lecture {

inline std::string node_name(const tapegrad::Tape<double>& tape, tapegrad::NodeId id) {
  const std::string& label = tape.node(id).label;
  return label.empty() ? fmt::format("node {}", id) : label;
}

inline void print_backward_trace(const tapegrad::Tape<double>& tape,
                                 const tapegrad::BackpropTrace& trace) {
  fmt::print("Backward sweep, step by step (from the tape's trace)\n");
  for (const tapegrad::TraceStep& step : trace.steps) {
    const std::string& label = tape.node(step.node).label;
    const std::string where = label.empty()
                                  ? fmt::format("{} (node {})", step.op, step.node)
                                  : fmt::format("{} ({}, node {})", label, step.op, step.node);
    fmt::print("  {:<26} g = {}\n", where,
               format_values(step.grad_output.shape, step.grad_output.values.data()));
    for (const tapegrad::TraceContribution& sent : step.contributions) {
      const bool parameter = tape.node(sent.input).parameter != nullptr;
      const std::string to = "→ " + node_name(tape, sent.input);
      fmt::print("      {:<22} {}{}\n", to,
                 format_values(sent.gradient.shape, sent.gradient.values.data()),
                 parameter ? fmt::format("  = ∇{} L", node_name(tape, sent.input)) : "");
    }
  }
}

}  // namespace lecture
