#pragma once
// The tape as a Graphviz DOT graph: one node per tape node, edges from each
// input to the op that reads it, labelled with the input's shape. Leaves,
// parameters, ops and the backward output are drawn apart; after backward
// every node that received a gradient shows its norm.
// Render with `dot -Tsvg tape.dot -o tape.svg`.

#include <string>

#include "tapegrad/export.hpp"
#include "tapegrad/inspect/tape_record.hpp"

namespace tapegrad::inspect {

TAPEGRAD_EXPORT std::string to_dot(const TapeRecord& record);

template <class T>
TAPEGRAD_EXPORT std::string to_dot(const Tape<T>& tape);

}  // namespace tapegrad::inspect
