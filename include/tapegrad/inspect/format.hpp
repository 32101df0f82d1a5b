#pragma once
// fmt support: `fmt::print("{}", tape)` prints a Tape<T> or a TapeRecord as
// the table of table.hpp, summarised when long; `{:full}` prints every node.
// Any other format spec is a fmt::format_error.

#include <algorithm>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "tapegrad/core/tape.hpp"
#include "tapegrad/inspect/table.hpp"
#include "tapegrad/inspect/tape_record.hpp"

namespace tapegrad::inspect::detail {

/// Parses "" or "full"; shared by the formatters below.
struct TableSpec {
  bool full = false;

  template <class ParseContext>
  constexpr auto parse(ParseContext& ctx) {
    auto it = ctx.begin();
    const auto end = ctx.end();
    constexpr std::string_view kFull = "full";
    if (it != end && *it == 'f') {
      for (const char expected : kFull) {
        if (it == end || *it != expected)
          throw fmt::format_error("invalid format spec for a tape: use {} or {:full}");
        ++it;
      }
      full = true;
    }
    if (it != end && *it != '}')
      throw fmt::format_error("invalid format spec for a tape: use {} or {:full}");
    return it;
  }
};

}  // namespace tapegrad::inspect::detail

namespace fmt {

template <>
struct formatter<tapegrad::inspect::TapeRecord> : tapegrad::inspect::detail::TableSpec {
  template <class FormatContext>
  auto format(const tapegrad::inspect::TapeRecord& record, FormatContext& ctx) const {
    tapegrad::inspect::TableOptions options;
    options.full = full;
    const std::string text = tapegrad::inspect::format_table(record, options);
    return std::copy(text.begin(), text.end(), ctx.out());
  }
};

template <class T>
struct formatter<tapegrad::Tape<T>> : tapegrad::inspect::detail::TableSpec {
  template <class FormatContext>
  auto format(const tapegrad::Tape<T>& tape, FormatContext& ctx) const {
    tapegrad::inspect::TableOptions options;
    options.full = full;
    // Values beyond what the table shows are not needed.
    const std::string text = tapegrad::inspect::format_table(
        tapegrad::inspect::record(tape, {/*values=*/false, /*grads=*/false, nullptr}), options);
    return std::copy(text.begin(), text.end(), ctx.out());
  }
};

}  // namespace fmt
