#pragma once
// The explorer page's script, style and layout library, embedded at build
// time from src/inspect/explorer/ (cmake/TapegradExplorer.cmake generates
// the definitions), so they stay real files that editors and linters see.

#include <string_view>

namespace tapegrad::inspect::detail {

extern const std::string_view kExplorerScript;  // explorer/explorer.js
extern const std::string_view kExplorerStyle;   // explorer/explorer.css
/// dagre's standalone bundle from npm; empty when npm was absent at configure time.
extern const std::string_view kLayoutScript;

}  // namespace tapegrad::inspect::detail
