#pragma once
// The lecture's tape made visible: the table of every node (values and
// gradients, as in SEED.md), a DOT graph, a JSON file that
// `tapegrad-inspect` reads back, and an SVG when Graphviz is installed.

#include <filesystem>

#include <tapegrad/tapegrad.hpp>

namespace lecture {

/// Prints the tape's table and writes lecture.dot, lecture.json, lecture.html
/// (the tape explorer) and (when Graphviz's `dot` is on PATH) lecture.svg
/// into `out_dir`. `trace` is
/// saved with the JSON when it holds a traced backward.
void show_tape(const tapegrad::Tape<double>& tape, const tapegrad::BackpropTrace& trace,
               const std::filesystem::path& out_dir);

}  // namespace lecture
