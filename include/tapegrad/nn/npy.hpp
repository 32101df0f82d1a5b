#pragma once
// The .npy format numpy reads and writes (numpy.save / numpy.load), for
// float32 ('<f4') and float64 ('<f8') arrays in C order. Our own reader,
// because xtensor's xnpy trusts the header's shape and allocates whatever it
// announces: here a header that disagrees with the file's size, a dtype other
// than T's, Fortran order or a malformed header dictionary is a FileError.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tapegrad/export.hpp"
#include "tapegrad/tensor/span.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad::nn {

/// The .npy encoding (format version 1.0) of `array`.
template <class T>
TAPEGRAD_EXPORT std::vector<std::uint8_t> npy_bytes(const Tensor<T>& array);

/// The array encoded in `bytes`, which must hold T's dtype; `name` is used in
/// error messages.
template <class T>
TAPEGRAD_EXPORT Tensor<T> parse_npy(Span<std::uint8_t> bytes, std::string_view name = "<memory>");

template <class T>
TAPEGRAD_EXPORT void write_npy(const std::string& path, const Tensor<T>& array);
template <class T>
TAPEGRAD_EXPORT Tensor<T> read_npy(const std::string& path);

}  // namespace tapegrad::nn
