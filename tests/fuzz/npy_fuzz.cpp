// libFuzzer target: the .npy reader (float32 and float64) on arbitrary bytes;
// whatever parses must encode back to bytes that parse to the same array.
// A FileError is the expected answer to a bad file; anything else is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "tapegrad/core/error.hpp"
#include "tapegrad/nn/npy.hpp"

namespace {

template <class T>
void round_trip(const std::uint8_t* data, std::size_t size) {
  try {
    const tapegrad::Tensor<T> t = tapegrad::nn::parse_npy<T>({data, size}, "fuzz.npy");
    const std::vector<std::uint8_t> again = tapegrad::nn::npy_bytes(t);
    const tapegrad::Tensor<T> back = tapegrad::nn::parse_npy<T>(again, "re-encoded");
    // Compare bits, not values: NaN payloads are data here.
    if (back.shape() != t.shape() ||
        (t.size() != 0 && std::memcmp(back.data(), t.data(), t.size() * sizeof(T)) != 0))
      std::abort();
  } catch (const tapegrad::FileError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  round_trip<float>(data, size);
  round_trip<double>(data, size);
  return 0;
}
