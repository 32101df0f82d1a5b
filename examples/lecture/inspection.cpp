#include "lecture/inspection.hpp"

#include <cstdlib>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include <tapegrad/inspect.hpp>

namespace lecture {

namespace {

// A path as one single-quoted shell word.
std::string shell_quote(const std::filesystem::path& path) {
  std::string out = "'";
  for (const char c : path.string())
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
  if (!file)
    throw tapegrad::FileError(path.string() + ": cannot write the file");
}

}  // namespace

void show_tape(const tapegrad::Tape<double>& tape, const tapegrad::BackpropTrace& trace,
               const std::filesystem::path& out_dir) {
  namespace inspect = tapegrad::inspect;
  fmt::print("The tape\n{}", tape);

  inspect::RecordOptions options;
  if (trace.output)
    options.trace = &trace;  // empty until backward fills traces
  const inspect::TapeRecord record = inspect::record(tape, options);
  std::filesystem::create_directories(out_dir);
  const std::filesystem::path dot = out_dir / "lecture.dot";
  write_text(dot, inspect::to_dot(record));
  inspect::save_json(record, out_dir / "lecture.json");
  inspect::save_html(record, out_dir / "lecture.html", {.title = "The lecture's network"});
  fmt::print("Wrote {}, {} and {}\n", dot.string(), (out_dir / "lecture.json").string(),
             (out_dir / "lecture.html").string());

  // Rendering is a convenience: without Graphviz the DOT file is enough.
  if (std::system("command -v dot >/dev/null 2>&1") != 0) {
    fmt::print("(Graphviz's dot is not on PATH: no lecture.svg; render lecture.dot elsewhere)\n");
    return;
  }
  const std::filesystem::path svg = out_dir / "lecture.svg";
  const std::string command = "dot -Tsvg " + shell_quote(dot) + " -o " + shell_quote(svg);
  if (std::system(command.c_str()) == 0)
    fmt::print("Wrote {}\n", svg.string());
  else
    fmt::print("(dot failed to render {})\n", svg.string());
}

}  // namespace lecture
