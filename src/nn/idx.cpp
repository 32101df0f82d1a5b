#include "tapegrad/nn/idx.hpp"

#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "nn/file_io.hpp"

namespace tapegrad::nn {
namespace {

constexpr std::string_view kIdxOp = "idx";

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

// Up to n bytes from a plain or a gzip source.
std::size_t read_all(io::ByteSource& in, std::uint8_t* out, std::size_t n) {
  return io::read_up_to(in, out, n);
}
std::size_t read_all(io::GzipReader& in, std::uint8_t* out, std::size_t n) {
  return in.read(out, n);
}

/// The header: element type, shape, and how many bytes it took.
struct Header {
  std::uint8_t code = 0;
  std::size_t width = 0;
  Shape shape;
  std::size_t bytes = 0;
  std::uint64_t payload = 0;  // bytes of data it announces
};

/// Reads and checks the header from the first bytes of `in` (a ByteSource or
/// a GzipReader), refusing a shape whose data could not exist.
template <class Reader>
Header read_header(Reader& in, std::string_view name) {
  std::uint8_t p[4 + 4 * 255];
  const std::size_t got = read_all(in, p, 4);
  if (got < 4)
    io::file_error(kIdxOp, name, fmt::format("too short for an IDX header ({} bytes)", got));
  if (p[0] != 0 || p[1] != 0) {
    io::file_error(
        kIdxOp, name,
        fmt::format("not an IDX file (it starts with 0x{:02x}{:02x}, not 0x0000)", p[0], p[1]));
  }
  Header h;
  h.code = p[2];
  h.width = element_size(h.code);
  if (h.width == 0)
    io::file_error(kIdxOp, name, fmt::format("unknown IDX element type 0x{:02x}", h.code));
  const std::size_t rank = p[3];
  if (rank == 0)
    io::file_error(kIdxOp, name, "the IDX header declares no dimensions");
  h.bytes = 4 + 4 * rank;
  const std::size_t dims = read_all(in, p + 4, 4 * rank);
  if (dims < 4 * rank) {
    io::file_error(kIdxOp, name,
                   fmt::format("truncated header: {} dimensions need {} bytes, the file has {}",
                               rank, h.bytes, 4 + dims));
  }
  h.shape.resize(rank);
  std::uint64_t count = 1;
  bool overflow = false;
  for (std::size_t d = 0; d < rank; ++d) {
    h.shape[d] = static_cast<std::size_t>(big_endian(p + 4 + 4 * d, 4));
    if (h.shape[d] != 0 && count > std::numeric_limits<std::uint64_t>::max() / 8 / h.shape[d])
      overflow = true;
    count *= h.shape[d];
  }
  if (overflow || !io::extents_fit(h.shape, h.width)) {
    io::file_error(kIdxOp, name,
                   fmt::format("the header {} announces more than 2^64 bytes of data",
                               shape_to_string(h.shape)));
  }
  h.payload = count * h.width;
  return h;
}

[[noreturn]] void payload_mismatch(const Header& h, std::uint64_t held, std::string_view name) {
  io::file_error(kIdxOp, name,
                 fmt::format("the header {} announces {} bytes of data, the file holds {}{}",
                             shape_to_string(h.shape), h.payload, held,
                             h.payload > held ? " (truncated?)" : ""));
}

/// Allocates the tensor and converts the payload into it, a chunk at a time.
template <class T, class Reader>
Tensor<T> read_payload(Reader& in, const Header& h, std::string_view name) {
  Tensor<T> out = io::allocate<T>(h.shape, kIdxOp, name);
  std::vector<std::uint8_t> chunk(std::size_t{1} << 16);  // a multiple of every width
  T* target = out.data();
  for (std::uint64_t left = h.payload; left > 0;) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk.size()));
    if (read_all(in, chunk.data(), want) != want)
      io::file_error(kIdxOp, name, "changed while it was read (it is shorter than before)");
    for (std::size_t i = 0; i < want; i += h.width)
      *target++ = element<T>(h.code, chunk.data() + i);
    left -= want;
  }
  return out;
}

/// A plain file: the header must announce exactly the bytes that follow it.
template <class T>
Tensor<T> read_plain(io::ByteSource& in, std::string_view name) {
  const Header h = read_header(in, name);
  const std::uint64_t held = in.size() - h.bytes;
  if (h.payload != held)
    payload_mismatch(h, held, name);
  return read_payload<T>(in, h, name);
}

/// A gzip file, inflated twice: first counting, never more than one byte past
/// what the header announces (a bomb stops there), to check that the stream
/// holds exactly that and is intact; then into the tensor. So nothing is
/// allocated for data the stream does not hold.
template <class T>
Tensor<T> read_gzip(io::ByteSource& in, std::string_view name) {
  Header h;
  {
    io::GzipReader counting(in, kIdxOp, name);
    h = read_header(counting, name);
    const std::uint64_t held = counting.skip(h.payload + 1);
    if (held > h.payload) {
      io::file_error(kIdxOp, name,
                     fmt::format("the header {} announces {} bytes of data, the gzip stream "
                                 "inflates to more (the rest is not inflated)",
                                 shape_to_string(h.shape), h.payload));
    }
    if (held < h.payload)
      payload_mismatch(h, held, name);
    counting.expect_end();
  }
  in.rewind();
  io::GzipReader inflating(in, kIdxOp, name);
  std::uint8_t header[4 + 4 * 255];
  (void)inflating.read(header, h.bytes);
  return read_payload<T>(inflating, h, name);
}

template <class T>
Tensor<T> read_any(io::ByteSource& in, std::string_view name) {
  return io::guard_memory(kIdxOp, name, [&] {
    return io::is_gzip(in) ? read_gzip<T>(in, name) : read_plain<T>(in, name);
  });
}

}  // namespace

template <class T>
Tensor<T> parse_idx(Span<std::uint8_t> bytes, std::string_view name) {
  io::MemorySource in(bytes);
  return read_any<T>(in, name);
}

template <class T>
Tensor<T> read_idx(const std::string& path) {
  io::InputFile in(path, kIdxOp);
  return read_any<T>(in, path);
}

template Tensor<float> parse_idx<float>(Span<std::uint8_t>, std::string_view);
template Tensor<double> parse_idx<double>(Span<std::uint8_t>, std::string_view);
template Tensor<float> read_idx<float>(const std::string&);
template Tensor<double> read_idx<double>(const std::string&);

}  // namespace tapegrad::nn
