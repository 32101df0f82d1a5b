// libFuzzer target: the CSV reader on arbitrary text, with the options taken
// from the first byte (header line, label column first/last/none, delimiter).
// A FileError is the expected answer to bad input; anything else is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tapegrad/core/error.hpp"
#include "tapegrad/nn/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  tapegrad::nn::CsvOptions options;
  const std::uint8_t flags = data[0];
  options.header = (flags & 1) != 0;
  constexpr int kColumns[4] = {-1, 0, 1, tapegrad::nn::CsvOptions::kNoLabel};
  options.label_column = kColumns[(flags >> 1) & 3];
  options.delimiter = (flags & 8) != 0 ? ';' : ',';
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    (void)tapegrad::nn::parse_csv<float>(text, options, "fuzz.csv");
    (void)tapegrad::nn::parse_csv<double>(text, options, "fuzz.csv");
  } catch (const tapegrad::FileError&) {
  }
  return 0;
}
