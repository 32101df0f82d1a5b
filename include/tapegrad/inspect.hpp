#pragma once
// Everything for inspecting tapes: records, table, trace and statistics
// text, DOT, JSON, the HTML explorer and the fmt formatter (which makes fmt a dependency).

#include "tapegrad/inspect/dot.hpp"
#include "tapegrad/inspect/format.hpp"
#include "tapegrad/inspect/html.hpp"
#include "tapegrad/inspect/json.hpp"
#include "tapegrad/inspect/record_equality.hpp"
#include "tapegrad/inspect/stats_text.hpp"
#include "tapegrad/inspect/table.hpp"
#include "tapegrad/inspect/tape_record.hpp"
#include "tapegrad/inspect/trace_text.hpp"
