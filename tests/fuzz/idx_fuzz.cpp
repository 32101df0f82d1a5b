// libFuzzer target: the IDX reader on arbitrary bytes (plain and gzipped; the
// parser detects gzip itself). A FileError is the expected answer to a bad
// file; anything else — a crash, a sanitizer report, another exception, a
// huge allocation — is a bug.
#include <cstddef>
#include <cstdint>

#include "tapegrad/core/error.hpp"
#include "tapegrad/nn/idx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const tapegrad::Tensor<float> t = tapegrad::nn::parse_idx<float>({data, size}, "fuzz.idx");
    (void)t;
  } catch (const tapegrad::FileError&) {
  }
  return 0;
}
