#pragma once
// The tape explorer: a TapeRecord as one self-contained HTML page (graph,
// node panel, NaN/Inf finder, backward-sweep stepper, cost ledger) that works
// offline. The page's data is the record's JSON (to_json) inline, its script
// and style are built into the library (src/inspect/explorer/), so the file
// makes no network request when viewed.

#include <filesystem>
#include <string>

#include "tapegrad/export.hpp"
#include "tapegrad/inspect/tape_record.hpp"

namespace tapegrad::inspect {

struct HtmlOptions {
  /// The page title (HTML-escaped; shown in the header too).
  std::string title = "tapegrad tape";
};

/// The explorer page for `record`; its trace (record.trace), when present,
/// drives the backward-sweep stepper.
TAPEGRAD_EXPORT std::string to_html(const TapeRecord& record, const HtmlOptions& options = {});
/// Writes to_html(record, options) to `path`; throws FileError when it cannot.
TAPEGRAD_EXPORT void save_html(const TapeRecord& record, const std::filesystem::path& path,
                               const HtmlOptions& options = {});

/// Whether the page lays graphs out with the npm library (dagre) embedded at
/// build time, or only with the explorer's own layered layout (npm was absent).
TAPEGRAD_EXPORT bool html_has_layout_library() noexcept;

}  // namespace tapegrad::inspect
