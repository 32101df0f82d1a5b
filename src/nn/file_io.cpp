#include "nn/file_io.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace tapegrad::nn::io {

void file_error(std::string_view op, std::string_view name, std::string_view problem) {
  throw FileError(fmt::format("{}: {}", name, problem), {std::string(op), std::nullopt, {}});
}

std::vector<std::uint8_t> read_file(const std::string& path, std::string_view op) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    file_error(op, path, "is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    file_error(op, path, fmt::format("cannot be opened ({})", std::strerror(errno)));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0)
    file_error(op, path, "cannot be read (its size is unknown)");
  in.seekg(0, std::ios::beg);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size))
    file_error(op, path, "could not be read to its end");
  return bytes;
}

void write_file(const std::string& path, Span<std::uint8_t> bytes, std::string_view op) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out)
      file_error(op, temporary, fmt::format("cannot be created ({})", std::strerror(errno)));
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      out.close();
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      file_error(op, temporary, "could not be written (disk full?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    file_error(op, path, fmt::format("could not be replaced: {}", ec.message()));
  }
}

bool is_gzip(Span<std::uint8_t> bytes) noexcept {
  return bytes.size() >= 2 && bytes.data()[0] == 0x1f && bytes.data()[1] == 0x8b;
}

std::vector<std::uint8_t> gunzip(Span<std::uint8_t> bytes, std::string_view op,
                                 std::string_view name) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK)  // 16: gzip wrapper only
    file_error(op, name, "zlib could not be initialised");
  std::vector<std::uint8_t> out;
  // The trailer's size field (mod 2³²) is only a hint: never trust it beyond
  // what deflate's maximum ratio allows for this input.
  if (bytes.size() >= 18) {
    const std::uint8_t* tail = bytes.data() + bytes.size() - 4;
    const std::size_t hint = std::size_t{tail[0]} | std::size_t{tail[1]} << 8 |
                             std::size_t{tail[2]} << 16 | std::size_t{tail[3]} << 24;
    out.reserve(std::min(hint, bytes.size() * 1032));
  }
  constexpr std::size_t kChunk = 1 << 16;
  std::size_t consumed = 0;
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    if (stream.avail_in == 0 && consumed < bytes.size()) {
      const std::size_t feed = std::min<std::size_t>(bytes.size() - consumed, UINT_MAX);
      stream.next_in = const_cast<Bytef*>(bytes.data() + consumed);  // zlib's API is not const
      stream.avail_in = static_cast<uInt>(feed);
      consumed += feed;
    }
    const std::size_t before = out.size();
    out.resize(before + kChunk);
    stream.next_out = out.data() + before;
    stream.avail_out = static_cast<uInt>(kChunk);
    status = inflate(&stream, Z_NO_FLUSH);
    out.resize(before + kChunk - stream.avail_out);
    if (status == Z_STREAM_END)
      break;
    if (status == Z_BUF_ERROR && stream.avail_in == 0 && consumed == bytes.size()) {
      inflateEnd(&stream);
      file_error(op, name, "truncated gzip stream (it ends before its end marker)");
    }
    if (status != Z_OK && status != Z_BUF_ERROR) {
      const std::string reason = stream.msg ? stream.msg : "error " + std::to_string(status);
      inflateEnd(&stream);
      file_error(op, name, "corrupt gzip data: " + reason);
    }
  }
  const std::size_t trailing = stream.avail_in + (bytes.size() - consumed);
  inflateEnd(&stream);
  if (trailing != 0)
    file_error(op, name, fmt::format("{} unexpected bytes after the gzip stream", trailing));
  return out;
}

}  // namespace tapegrad::nn::io
