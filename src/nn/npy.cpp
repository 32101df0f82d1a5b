#include "tapegrad/nn/npy.hpp"

#include <bit>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "nn/file_io.hpp"
#include "nn/npy_file.hpp"

namespace tapegrad::nn {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the .npy reader and writer assume a little-endian machine");

constexpr std::string_view kNpyOp = "npy";
constexpr std::string_view kNpyMagic = "\x93NUMPY";

template <class T>
constexpr std::string_view descr() {
  return sizeof(T) == 4 ? "<f4" : "<f8";
}

/// A recursive-descent reader of the header dictionary, e.g.
/// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
class HeaderParser {
 public:
  HeaderParser(std::string_view text, std::string_view name) : text_(text), name_(name) {}

  struct Header {
    std::string descr;
    bool fortran_order = false;
    Shape shape;
  };

  Header parse() {
    Header h;
    bool seen_descr = false, seen_order = false, seen_shape = false;
    expect('{');
    while (!peek('}')) {
      const std::string key = quoted();
      expect(':');
      if (key == "descr") {
        h.descr = quoted();
        seen_descr = true;
      } else if (key == "fortran_order") {
        h.fortran_order = boolean();
        seen_order = true;
      } else if (key == "shape") {
        h.shape = tuple();
        seen_shape = true;
      } else {
        fail(fmt::format("unknown header key '{}'", key));
      }
      if (!peek('}'))
        expect(',');
    }
    expect('}');
    skip_space();
    if (pos_ != text_.size())
      fail("unexpected characters after the header dictionary");
    if (!seen_descr || !seen_order || !seen_shape)
      fail("the header lacks one of 'descr', 'fortran_order', 'shape'");
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    io::file_error(kNpyOp, name_, "malformed header: " + problem);
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n'))
      ++pos_;
  }
  bool peek(char c) {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  void expect(char c) {
    if (!peek(c))
      fail(fmt::format("expected '{}' at character {}", c, pos_));
    ++pos_;
  }
  std::string quoted() {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"'))
      fail(fmt::format("expected a quoted string at character {}", pos_));
    const char quote = text_[pos_++];
    const std::size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos)
      fail("unterminated string");
    std::string s(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }
  bool boolean() {
    skip_space();
    for (const auto& [word, value] : {std::pair{"True", true}, std::pair{"False", false}}) {
      if (text_.substr(pos_, std::strlen(word)) == word) {
        pos_ += std::strlen(word);
        return value;
      }
    }
    fail(fmt::format("expected True or False at character {}", pos_));
  }
  Shape tuple() {
    expect('(');
    Shape shape;
    while (!peek(')')) {
      if (shape.size() == 32)
        fail("more than 32 dimensions");
      std::size_t value = 0, digits = 0;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        const auto digit = static_cast<std::size_t>(text_[pos_] - '0');
        if (value > (std::numeric_limits<std::uint32_t>::max() - digit) / 10)
          fail("a dimension is too large");
        value = value * 10 + digit;
        ++pos_;
        ++digits;
      }
      if (digits == 0)
        fail(fmt::format("expected a dimension at character {}", pos_));
      shape.push_back(value);
      if (!peek(')'))
        expect(',');
    }
    expect(')');
    return shape;
  }

  std::string_view text_;
  std::string_view name_;
  std::size_t pos_ = 0;
};

std::uint64_t little_endian(const std::uint8_t* p, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = bytes; i > 0; --i)
    value = value << 8 | p[i - 1];
  return value;
}

}  // namespace

template <class T>
std::vector<std::uint8_t> npy_bytes(const Tensor<T>& array) {
  // numpy's tuple spelling: () for a scalar, (3,) for a vector, (3, 4).
  std::string dims;
  for (const std::size_t d : array.shape())
    dims += (dims.empty() ? "" : ", ") + std::to_string(d);
  if (array.dimension() == 1)
    dims += ",";
  std::string header =
      fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}", descr<T>(), dims);
  // Magic (6) + version (2) + length (2) + header + '\n' is a multiple of 64.
  const std::size_t unpadded = kNpyMagic.size() + 4 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::vector<std::uint8_t> out(kNpyMagic.begin(), kNpyMagic.end());
  out.push_back(1);
  out.push_back(0);
  out.push_back(static_cast<std::uint8_t>(header.size() & 0xff));
  out.push_back(static_cast<std::uint8_t>(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  const auto* data = reinterpret_cast<const std::uint8_t*>(array.data());
  out.insert(out.end(), data, data + array.size() * sizeof(T));
  return out;
}

namespace {

// Far above any header this reader accepts (a float array's header is about
// 100 bytes; numpy itself refuses more than 10000 by default), so a hostile
// length field costs no more than this.
constexpr std::uint64_t kMaxHeaderBytes = 65536;

/// Reads the header from the first bytes of `in`, lets `check` refuse its
/// shape, then reads the data straight into the tensor.
template <class T>
Tensor<T> read_array(io::ByteSource& in, std::string_view name, const ShapeCheck& check) {
  std::uint8_t p[12];
  const std::uint64_t size = in.size();
  const std::size_t got = io::read_up_to(in, p, 10);
  if (got < 10 || std::memcmp(p, kNpyMagic.data(), kNpyMagic.size()) != 0)
    io::file_error(kNpyOp, name, "not a .npy file (no \\x93NUMPY magic)");
  const std::uint8_t major = p[6];
  if (major < 1 || major > 3)
    io::file_error(kNpyOp, name, fmt::format("unsupported .npy format version {}.{}", major, p[7]));
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  if (length_bytes == 4 && io::read_up_to(in, p + 10, 2) < 2)
    io::file_error(kNpyOp, name, "truncated header");
  const std::uint64_t header_length = little_endian(p + 8, length_bytes);
  const std::size_t start = 8 + length_bytes;
  if (header_length > size - start) {
    io::file_error(kNpyOp, name,
                   fmt::format("truncated header: it announces {} bytes, the file has {} left",
                               header_length, size - start));
  }
  if (header_length > kMaxHeaderBytes) {
    io::file_error(kNpyOp, name,
                   fmt::format("a header of {} bytes is longer than this reader accepts ({})",
                               header_length, kMaxHeaderBytes));
  }
  std::string text(static_cast<std::size_t>(header_length), '\0');
  if (io::read_up_to(in, reinterpret_cast<std::uint8_t*>(text.data()), text.size()) < text.size())
    io::file_error(kNpyOp, name, "changed while it was read (it is shorter than before)");
  const HeaderParser::Header h = HeaderParser(text, name).parse();
  if (h.descr != descr<T>()) {
    io::file_error(kNpyOp, name,
                   fmt::format("holds dtype '{}', expected '{}' (float{})", h.descr, descr<T>(),
                               8 * sizeof(T)));
  }
  if (h.fortran_order && h.shape.size() > 1)
    io::file_error(kNpyOp, name, "Fortran-ordered arrays are not supported (save in C order)");
  std::uint64_t count = 1;
  for (const std::size_t d : h.shape) {
    if (d != 0 && count > std::numeric_limits<std::uint64_t>::max() / sizeof(T) / d)
      io::file_error(kNpyOp, name, "the header's shape is impossibly large");
    count *= d;
  }
  if (!io::extents_fit(h.shape, sizeof(T)))
    io::file_error(kNpyOp, name, "the header's shape is impossibly large");
  if (check)
    check(h.shape);
  const std::uint64_t payload = size - start - header_length;
  if (count * sizeof(T) != payload) {
    io::file_error(kNpyOp, name,
                   fmt::format("the header's shape {} needs {} bytes of data, the file holds {}",
                               shape_to_string(h.shape), count * sizeof(T), payload));
  }
  Tensor<T> out = io::allocate<T>(h.shape, kNpyOp, name);
  auto* data = reinterpret_cast<std::uint8_t*>(out.data());
  if (io::read_up_to(in, data, static_cast<std::size_t>(payload)) < payload)
    io::file_error(kNpyOp, name, "changed while it was read (it is shorter than before)");
  return out;
}

}  // namespace

template <class T>
Tensor<T> parse_npy(Span<std::uint8_t> bytes, std::string_view name) {
  io::MemorySource in(bytes);
  return io::guard_memory(kNpyOp, name, [&] { return read_array<T>(in, name, {}); });
}

template <class T>
Tensor<T> read_npy_checked(const std::string& path, const ShapeCheck& check) {
  io::InputFile in(path, kNpyOp);
  return io::guard_memory(kNpyOp, path, [&] { return read_array<T>(in, path, check); });
}

template <class T>
Tensor<T> read_npy(const std::string& path) {
  return read_npy_checked<T>(path, {});
}

template <class T>
void write_npy(const std::string& path, const Tensor<T>& array) {
  io::write_file(path, npy_bytes(array), kNpyOp);
}

template std::vector<std::uint8_t> npy_bytes<float>(const Tensor<float>&);
template std::vector<std::uint8_t> npy_bytes<double>(const Tensor<double>&);
template Tensor<float> parse_npy<float>(Span<std::uint8_t>, std::string_view);
template Tensor<double> parse_npy<double>(Span<std::uint8_t>, std::string_view);
template void write_npy<float>(const std::string&, const Tensor<float>&);
template void write_npy<double>(const std::string&, const Tensor<double>&);
template Tensor<float> read_npy_checked<float>(const std::string&, const ShapeCheck&);
template Tensor<double> read_npy_checked<double>(const std::string&, const ShapeCheck&);
template Tensor<float> read_npy<float>(const std::string&);
template Tensor<double> read_npy<double>(const std::string&);

}  // namespace tapegrad::nn
