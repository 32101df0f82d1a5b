#include "tapegrad/nn/idx.hpp"

#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "nn/file_io.hpp"

namespace tapegrad::nn {
namespace {

constexpr std::string_view kOp = "idx";

/// Bytes per element of an IDX type code, 0 for an unknown code.
std::size_t element_size(std::uint8_t code) {
  switch (code) {
    case 0x08:  // unsigned byte
    case 0x09:  // signed byte
      return 1;
    case 0x0B:  // short
      return 2;
    case 0x0C:  // int
    case 0x0D:  // float
      return 4;
    case 0x0E:  // double
      return 8;
    default:
      return 0;
  }
}

std::uint64_t big_endian(const std::uint8_t* p, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < bytes; ++i)
    value = value << 8 | p[i];
  return value;
}

/// d as T; a double beyond float's range becomes ±inf (a plain conversion
/// would be undefined behaviour).
template <class T>
T narrow(double d) {
  if (std::abs(d) > static_cast<double>(std::numeric_limits<T>::max()))
    return d > 0 ? std::numeric_limits<T>::infinity() : -std::numeric_limits<T>::infinity();
  return static_cast<T>(d);
}

/// Element i of type `code` at p (big-endian), as T.
template <class T>
T element(std::uint8_t code, const std::uint8_t* p) {
  switch (code) {
    case 0x08:
      return static_cast<T>(p[0]);
    case 0x09:
      return static_cast<T>(static_cast<std::int8_t>(p[0]));
    case 0x0B:
      return static_cast<T>(static_cast<std::int16_t>(big_endian(p, 2)));
    case 0x0C:
      return static_cast<T>(static_cast<std::int32_t>(big_endian(p, 4)));
    case 0x0D: {
      const auto bits = static_cast<std::uint32_t>(big_endian(p, 4));
      float f;
      std::memcpy(&f, &bits, sizeof f);
      return static_cast<T>(f);
    }
    default: {  // 0x0E
      const std::uint64_t bits = big_endian(p, 8);
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return narrow<T>(d);
    }
  }
}

template <class T>
Tensor<T> parse_plain(Span<std::uint8_t> bytes, std::string_view name) {
  const std::uint8_t* p = bytes.data();
  const std::size_t size = bytes.size();
  if (size < 4)
    io::file_error(kOp, name, fmt::format("too short for an IDX header ({} bytes)", size));
  if (p[0] != 0 || p[1] != 0) {
    io::file_error(
        kOp, name,
        fmt::format("not an IDX file (it starts with 0x{:02x}{:02x}, not 0x0000)", p[0], p[1]));
  }
  const std::uint8_t code = p[2];
  const std::size_t width = element_size(code);
  if (width == 0)
    io::file_error(kOp, name, fmt::format("unknown IDX element type 0x{:02x}", code));
  const std::size_t rank = p[3];
  if (rank == 0)
    io::file_error(kOp, name, "the IDX header declares no dimensions");
  const std::size_t header = 4 + 4 * rank;
  if (size < header) {
    io::file_error(kOp, name,
                   fmt::format("truncated header: {} dimensions need {} bytes, the file has {}",
                               rank, header, size));
  }
  Shape shape(rank);
  std::uint64_t count = 1;
  bool overflow = false;
  for (std::size_t d = 0; d < rank; ++d) {
    shape[d] = static_cast<std::size_t>(big_endian(p + 4 + 4 * d, 4));
    if (shape[d] != 0 && count > std::numeric_limits<std::uint64_t>::max() / 8 / shape[d])
      overflow = true;
    count *= shape[d];
  }
  overflow = overflow || !io::extents_fit(shape, width);
  const std::size_t payload = size - header;
  if (overflow || count * width != payload) {
    const std::string expected =
        overflow ? std::string("more than 2^64") : std::to_string(count * width);
    io::file_error(kOp, name,
                   fmt::format("the header {} announces {} bytes of data, the file holds {}{}",
                               shape_to_string(shape), expected, payload,
                               !overflow && count * width > payload ? " (truncated?)" : ""));
  }
  Tensor<T> out = Tensor<T>::from_shape(shape);
  const std::uint8_t* data = p + header;
  T* target = out.data();
  for (std::size_t i = 0; i < count; ++i)
    target[i] = element<T>(code, data + i * width);
  return out;
}

}  // namespace

template <class T>
Tensor<T> parse_idx(Span<std::uint8_t> bytes, std::string_view name) {
  if (io::is_gzip(bytes)) {
    const std::vector<std::uint8_t> inflated = io::gunzip(bytes, kOp, name);
    return parse_plain<T>(inflated, name);
  }
  return parse_plain<T>(bytes, name);
}

template <class T>
Tensor<T> read_idx(const std::string& path) {
  const std::vector<std::uint8_t> bytes = io::read_file(path, kOp);
  return parse_idx<T>(bytes, path);
}

template Tensor<float> parse_idx<float>(Span<std::uint8_t>, std::string_view);
template Tensor<double> parse_idx<double>(Span<std::uint8_t>, std::string_view);
template Tensor<float> read_idx<float>(const std::string&);
template Tensor<double> read_idx<double>(const std::string&);

}  // namespace tapegrad::nn
