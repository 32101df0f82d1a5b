#pragma once
// Reader for IDX files (the MNIST / Fashion-MNIST format), plain or gzipped:
// a big-endian header — two zero bytes, an element-type code, the number of
// dimensions, then each dimension as a 32-bit integer — followed by the
// elements. Every element type (u8, i8, i16, i32, f32, f64) converts to T.
// A file whose header disagrees with its size (or with what its gzip stream
// inflates to), an unknown type code, a corrupt gzip stream, or anything
// that is not a regular file is a FileError naming the file. The header is
// read first: memory is the result plus a small buffer, whatever the file
// holds (a gzip bomb is refused one byte past what its header announces).

#include <cstdint>
#include <string>
#include <string_view>

#include "tapegrad/export.hpp"
#include "tapegrad/tensor/span.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad::nn {

/// The array in `bytes` (gzip detected by its magic number), shaped as its
/// header says; `name` is used in error messages.
template <class T>
TAPEGRAD_EXPORT Tensor<T> parse_idx(Span<std::uint8_t> bytes, std::string_view name = "<memory>");

/// The array in the file at `path` (".gz" or not: the contents decide).
template <class T>
TAPEGRAD_EXPORT Tensor<T> read_idx(const std::string& path);

}  // namespace tapegrad::nn
