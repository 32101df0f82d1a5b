// libFuzzer target: arbitrary bytes as a tape JSON file. Loading must either
// succeed or throw FileError — never crash, hang or allocate without bound —
// and whatever loads must print (table, DOT, statistics, trace) and survive a
// JSON round trip unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <tapegrad/core/error.hpp>
#include <tapegrad/inspect.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace inspect = tapegrad::inspect;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  inspect::TapeRecord record;
  try {
    record = inspect::from_json_text(text, "fuzz input");
  } catch (const tapegrad::FileError&) {
    return 0;  // rejected cleanly: what the loader is for
  }
  inspect::TableOptions full;
  full.full = true;
  (void)inspect::format_table(record);
  (void)inspect::format_table(record, full);
  (void)inspect::to_dot(record);
  (void)inspect::format_stats(inspect::stats(record));
  if (record.trace)
    (void)inspect::format_trace(*record.trace, &record);
  if (!(inspect::from_json_text(inspect::to_json(record)) == record))
    __builtin_trap();  // a round trip changed the record
  return 0;
}
