// tapegrad-inspect: prints a tape saved as JSON (inspect::save_json) as a
// table, a DOT graph, a cost ledger or a backprop trace, or writes it as the
// HTML tape explorer. Argument parsing is
// hand-written: one file and one mode flag do not need a library.
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "tapegrad/core/error.hpp"
#include "tapegrad/inspect/dot.hpp"
#include "tapegrad/inspect/html.hpp"
#include "tapegrad/inspect/json.hpp"
#include "tapegrad/inspect/stats_text.hpp"
#include "tapegrad/inspect/table.hpp"
#include "tapegrad/inspect/trace_text.hpp"

namespace {

constexpr int kOk = 0;
constexpr int kFileError = 1;
constexpr int kUsageError = 2;

constexpr std::string_view kHelp = R"(Usage: tapegrad-inspect FILE.json [MODE]

Prints a tape saved with tapegrad::inspect::save_json().

Modes (one; --table is the default):
  --table   one row per node; tapes of more than 40 nodes are summarised
  --full    the table with every node
  --dot     a Graphviz graph (render: tapegrad-inspect F.json --dot | dot -Tsvg -o F.svg)
  --stats   estimated FLOPs and bytes, per op and in total, and the bytes held
  --trace   the recorded backprop trace, one block per reverse step
            (exit code 1 when the file holds no trace)
  --html OUT.html
            the tape explorer: one self-contained page (graph, node values and
            gradients, NaN/Inf finder, backward-sweep stepper, cost ledger)
  --help    this text

Exit codes:
  0  success
  1  the file is missing, unreadable, not a tape file, or invalid;
     or the output cannot be written (a full disk, a closed pipe)
  2  usage error (unknown option, missing or extra file name)
)";

int usage_error(std::string_view message) {
  fmt::print(stderr, "tapegrad-inspect: {}\nTry 'tapegrad-inspect --help'.\n", message);
  return kUsageError;
}

/// `code`, unless stdout lost some of what was written to it: stdio reports
/// a failed write only when asked, and an unflushed buffer fails at exit
/// silently, so `tapegrad-inspect F > /dev/full` would otherwise succeed.
int checked_output(int code) {
  if (std::fflush(stdout) == 0 && !std::ferror(stdout))
    return code;
  const int error = errno;
  fmt::print(stderr, "tapegrad-inspect: cannot write the output: {}\n",
             error ? std::strerror(error) : "write error");
  return kFileError;
}

int run(const std::vector<std::string_view>& args) {
  std::string_view mode = "--table";
  std::string_view file;
  std::string_view html_out;
  bool mode_given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      fmt::print("{}", kHelp);
      return kOk;
    }
    if (arg == "--table" || arg == "--full" || arg == "--dot" || arg == "--stats" ||
        arg == "--trace" || arg == "--html") {
      if (mode_given && arg != mode)
        return usage_error(fmt::format("choose one mode, not {} and {}", mode, arg));
      mode = arg;
      mode_given = true;
      if (arg == "--html") {
        if (i + 1 == args.size())
          return usage_error("--html needs the output file name (--html OUT.html)");
        html_out = args[++i];
      }
    } else if (arg.size() > 1 && arg.front() == '-') {
      return usage_error(fmt::format("unknown option '{}'", arg));
    } else if (!file.empty()) {
      return usage_error(fmt::format("one file at a time ('{}' and '{}' given)", file, arg));
    } else {
      file = arg;
    }
  }
  if (file.empty())
    return usage_error("no file given");

  std::string text;
  try {
    namespace inspect = tapegrad::inspect;
    const inspect::TapeRecord record = inspect::load_json(std::string(file));
    if (mode == "--html") {
      inspect::HtmlOptions options;
      options.title = std::filesystem::path(file).filename().string();
      inspect::save_html(record, std::string(html_out), options);
      return kOk;
    }
    if (mode == "--dot") {
      text = inspect::to_dot(record);
    } else if (mode == "--stats") {
      text = inspect::format_stats(inspect::stats(record));
    } else if (mode == "--trace") {
      if (!record.trace) {
        fmt::print(stderr, "tapegrad-inspect: {}: the file holds no backprop trace\n", file);
        return kFileError;
      }
      text = inspect::format_trace(*record.trace, &record);
    } else {
      inspect::TableOptions options;
      options.full = mode == "--full";
      text = inspect::format_table(record, options);
    }
  } catch (const tapegrad::FileError& e) {
    fmt::print(stderr, "tapegrad-inspect: {}\n", e.detail());
    return kFileError;
  } catch (const std::exception& e) {
    fmt::print(stderr, "tapegrad-inspect: {}\n", e.what());
    return kFileError;
  }
  fmt::print("{}", text);
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return checked_output(run(std::vector<std::string_view>(argv + 1, argv + argc)));
  } catch (const std::system_error& e) {  // fmt::print's own write failure
    fmt::print(stderr, "tapegrad-inspect: cannot write the output: {}\n", e.what());
    return kFileError;
  }
}
