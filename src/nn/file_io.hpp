#pragma once
// Reading and writing for the data and checkpoint readers (and the tape JSON
// reader), reporting every problem as a FileError that names the file.
//
// Note [Reading hostile files]: a reader never reads a whole file before it
// knows the file is what it claims. It opens only regular files (a FIFO, a
// directory or a device is refused without blocking), reads the header from
// the first bytes through a ByteSource, checks it against the file's size (or,
// for gzip, against what the stream really inflates to), and only then
// allocates the result — refusing up front one larger than the machine's
// memory — and fills it in chunks. Memory is then the result plus a buffer,
// whatever the file holds; an allocation that still fails is a FileError.

#include <zlib.h>

#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "tapegrad/core/error.hpp"
#include "tapegrad/tensor/span.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad::nn::io {

/// Throws FileError "<name>: <problem>" raised by `op` ("idx", "csv", …; ""
/// for none).
[[noreturn]] void file_error(std::string_view op, std::string_view name, std::string_view problem);

/// Bytes read front to back, from a file or from memory.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Up to `n` bytes into `out`; fewer only at the end.
  virtual std::size_t read(std::uint8_t* out, std::size_t n) = 0;
  /// The total number of bytes.
  virtual std::uint64_t size() const noexcept = 0;
  /// Back to the first byte.
  virtual void rewind() = 0;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(Span<std::uint8_t> bytes) noexcept : bytes_(bytes) {}
  std::size_t read(std::uint8_t* out, std::size_t n) override;
  std::uint64_t size() const noexcept override { return bytes_.size(); }
  void rewind() override { position_ = 0; }

 private:
  Span<std::uint8_t> bytes_;
  std::size_t position_ = 0;
};

/// A regular file opened for reading. Opening refuses, with FileError: a
/// missing or unreadable path, a directory, and anything else that is not a
/// regular file (opened without blocking, so a FIFO is refused, not waited on).
class InputFile final : public ByteSource {
 public:
  InputFile(const std::string& path, std::string_view op);
  ~InputFile() override;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  std::size_t read(std::uint8_t* out, std::size_t n) override;
  std::uint64_t size() const noexcept override { return size_; }
  void rewind() override;

 private:
  std::string path_;
  std::string op_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

/// Reads until `n` bytes or the end; returns how many were read.
std::size_t read_up_to(ByteSource& source, std::uint8_t* out, std::size_t n);

/// Whether a source starts with the gzip magic number (it is rewound after).
bool is_gzip(ByteSource& source);

/// The inflated bytes of a gzip stream read from `compressed`, in pieces:
/// memory is two 64 KiB buffers whatever the stream inflates to. A corrupt
/// or truncated stream is a FileError.
class GzipReader {
 public:
  GzipReader(ByteSource& compressed, std::string_view op, std::string_view name);
  ~GzipReader();
  GzipReader(const GzipReader&) = delete;
  GzipReader& operator=(const GzipReader&) = delete;

  /// Up to `n` inflated bytes; fewer only at the end of the stream.
  std::size_t read(std::uint8_t* out, std::size_t n);
  /// Inflates and discards up to `n` bytes; returns how many there were.
  std::uint64_t skip(std::uint64_t n);
  /// FileError unless the stream has ended (read returned short) with no
  /// bytes after it.
  void expect_end();

 private:
  [[noreturn]] void fail(std::string_view problem) const;

  ByteSource& compressed_;
  std::string op_;
  std::string name_;
  z_stream stream_{};
  std::vector<std::uint8_t> input_;
  std::uint64_t pulled_ = 0;  // bytes taken from compressed_
  bool source_done_ = false;
  bool ended_ = false;
};

/// Writes `bytes` to `path` through a temporary file renamed into place, so a
/// failure never leaves a half-written file under the final name.
void write_file(const std::string& path, Span<std::uint8_t> bytes, std::string_view op);

/// Whether a tensor of `shape` can exist: the product of its non-zero
/// extents, in bytes, fits a signed 64-bit offset. A zero extent makes the
/// element count 0, but xtensor still multiplies the other extents into
/// strides, so a header like (0, 2³², 2³²) must be refused too.
inline bool extents_fit(const Shape& shape, std::size_t element_bytes) {
  std::uint64_t product = element_bytes;
  constexpr std::uint64_t kLimit = static_cast<std::uint64_t>(INT64_MAX);
  for (const std::size_t extent : shape) {
    if (extent == 0)
      continue;
    if (product > kLimit / extent)
      return false;
    product *= extent;
  }
  return true;
}

/// FileError when `bytes` exceed the machine's memory (RAM and swap): such
/// a file is refused before an allocation that would fail or be overcommitted.
void check_fits_memory(std::uint64_t bytes, std::string_view what, std::string_view op,
                       std::string_view name);

/// An uninitialised tensor for a file's data (checked with check_fits_memory).
template <class T>
Tensor<T> allocate(const Shape& shape, std::string_view op, std::string_view name) {
  std::uint64_t bytes = sizeof(T);
  for (const std::size_t extent : shape)
    bytes *= extent;  // extents_fit was checked by the caller
  check_fits_memory(bytes, shape_to_string(shape), op, name);
  return Tensor<T>::from_shape(shape);
}

/// load(), with an allocation failure anywhere in it turned into FileError.
template <class F>
auto guard_memory(std::string_view op, std::string_view name, F&& load) -> decltype(load()) {
  try {
    return load();
  } catch (const std::bad_alloc&) {
    file_error(op, name, "not enough memory to load it");
  }
}

}  // namespace tapegrad::nn::io
