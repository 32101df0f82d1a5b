#include "nn/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace tapegrad::nn::io {

void file_error(std::string_view op, std::string_view name, std::string_view problem) {
  throw FileError(fmt::format("{}: {}", name, problem), {std::string(op), std::nullopt, {}});
}

std::size_t MemorySource::read(std::uint8_t* out, std::size_t n) {
  const std::size_t count = std::min(n, bytes_.size() - position_);
  if (count > 0)
    std::memcpy(out, bytes_.data() + position_, count);
  position_ += count;
  return count;
}

namespace {

const char* file_kind(mode_t mode) {
  if (S_ISFIFO(mode))
    return "a FIFO";
  if (S_ISCHR(mode))
    return "a character device";
  if (S_ISBLK(mode))
    return "a block device";
  if (S_ISSOCK(mode))
    return "a socket";
  return "not a file";
}

}  // namespace

InputFile::InputFile(const std::string& path, std::string_view op) : path_(path), op_(op) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) {
    const int error = errno;
    if (error == ENOENT)
      file_error(op_, path_, "no such file");
    file_error(op_, path_, fmt::format("cannot be opened ({})", std::strerror(error)));
  }
  struct stat status {};
  if (::fstat(fd_, &status) != 0 || !S_ISREG(status.st_mode)) {
    const bool directory = S_ISDIR(status.st_mode);
    const char* kind = file_kind(status.st_mode);
    ::close(fd_);
    fd_ = -1;
    if (directory)
      file_error(op_, path_, "is a directory, not a regular file");
    file_error(op_, path_, fmt::format("is not a regular file ({})", kind));
  }
  size_ = static_cast<std::uint64_t>(status.st_size);
}

InputFile::~InputFile() {
  if (fd_ >= 0)
    ::close(fd_);
}

std::size_t InputFile::read(std::uint8_t* out, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    const ssize_t got = ::read(fd_, out + done, std::min<std::size_t>(n - done, 1 << 30));
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      file_error(op_, path_, fmt::format("could not be read ({})", std::strerror(errno)));
    if (got == 0)
      break;
    done += static_cast<std::size_t>(got);
  }
  return done;
}

void InputFile::rewind() {
  if (::lseek(fd_, 0, SEEK_SET) != 0)
    file_error(op_, path_, fmt::format("could not be read ({})", std::strerror(errno)));
}

std::size_t read_up_to(ByteSource& source, std::uint8_t* out, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    const std::size_t got = source.read(out + done, n - done);
    if (got == 0)
      break;
    done += got;
  }
  return done;
}

bool is_gzip(ByteSource& source) {
  std::uint8_t magic[2] = {0, 0};
  const std::size_t got = read_up_to(source, magic, 2);
  source.rewind();
  return got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

namespace {
constexpr std::size_t kChunk = std::size_t{1} << 16;
}  // namespace

GzipReader::GzipReader(ByteSource& compressed, std::string_view op, std::string_view name)
    : compressed_(compressed), op_(op), name_(name), input_(kChunk) {
  if (inflateInit2(&stream_, 16 + MAX_WBITS) != Z_OK)  // 16: gzip wrapper only
    fail("zlib could not be initialised");
}

GzipReader::~GzipReader() {
  inflateEnd(&stream_);
}

void GzipReader::fail(std::string_view problem) const {
  file_error(op_, name_, problem);
}

std::size_t GzipReader::read(std::uint8_t* out, std::size_t n) {
  std::size_t produced = 0;
  while (produced < n && !ended_) {
    if (stream_.avail_in == 0 && !source_done_) {
      const std::size_t got = compressed_.read(input_.data(), input_.size());
      pulled_ += got;
      source_done_ = got == 0;
      stream_.next_in = input_.data();
      stream_.avail_in = static_cast<uInt>(got);
    }
    const auto room = static_cast<uInt>(std::min<std::size_t>(n - produced, UINT_MAX));
    stream_.next_out = out + produced;
    stream_.avail_out = room;
    const int status = inflate(&stream_, Z_NO_FLUSH);
    produced += room - stream_.avail_out;
    if (status == Z_STREAM_END) {
      ended_ = true;
    } else if (status == Z_BUF_ERROR && stream_.avail_in == 0 && source_done_) {
      fail("truncated gzip stream (it ends before its end marker)");
    } else if (status != Z_OK && status != Z_BUF_ERROR) {
      fail("corrupt gzip data: " +
           std::string(stream_.msg ? stream_.msg : "error " + std::to_string(status)));
    }
  }
  return produced;
}

std::uint64_t GzipReader::skip(std::uint64_t n) {
  std::vector<std::uint8_t> scratch(kChunk);
  std::uint64_t skipped = 0;
  while (skipped < n) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n - skipped, kChunk));
    const std::size_t got = read(scratch.data(), want);
    skipped += got;
    if (got < want)
      break;
  }
  return skipped;
}

void GzipReader::expect_end() {
  std::uint8_t probe;
  if (!ended_ && read(&probe, 1) != 0)
    fail("the gzip stream holds more than its header announces");
  const std::uint64_t trailing = stream_.avail_in + (compressed_.size() - pulled_);
  if (trailing != 0)
    fail(fmt::format("{} unexpected bytes after the gzip stream", trailing));
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

void check_fits_memory(std::uint64_t bytes, std::string_view what, std::string_view op,
                       std::string_view name) {
  struct sysinfo info {};
  if (::sysinfo(&info) != 0)
    return;  // unknown: the allocation itself will tell
  const std::uint64_t memory =
      (static_cast<std::uint64_t>(info.totalram) + info.totalswap) * info.mem_unit;
  if (bytes > memory) {
    file_error(op, name,
               fmt::format("its data {} needs {} bytes, more than this machine's memory ({} bytes "
                           "of RAM and swap)",
                           what, bytes, memory));
  }
}

}  // namespace tapegrad::nn::io
