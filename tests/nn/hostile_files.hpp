#pragma once
// Hostile files made at test time (nothing large is committed): sparse files
// that claim gigabytes without using the disk, and gzip bombs compressed as
// they are written, so making them costs no more memory than reading them
// should.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tapegrad::testing {

/// A file of `total` bytes whose first bytes are `prefix` and the rest a hole
/// (reads as zeros, takes no disk space).
inline void write_sparse(const std::string& path, const std::vector<std::uint8_t>& prefix,
                         std::uint64_t total) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0) << path;
  if (!prefix.empty()) {
    ASSERT_EQ(::write(fd, prefix.data(), prefix.size()), static_cast<ssize_t>(prefix.size()));
  }
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(total)), 0) << path;
  ::close(fd);
}

/// A gzip file that inflates to `prefix` followed by `zeros` zero bytes, written
/// in chunks (about 1 KB on disk per MB inflated).
inline void write_gzip_bomb(const std::string& path, const std::vector<std::uint8_t>& prefix,
                            std::uint64_t zeros) {
  gzFile out = gzopen(path.c_str(), "wb9");
  ASSERT_NE(out, nullptr) << path;
  if (!prefix.empty()) {
    ASSERT_EQ(gzwrite(out, prefix.data(), static_cast<unsigned>(prefix.size())),
              static_cast<int>(prefix.size()));
  }
  const std::vector<std::uint8_t> chunk(1 << 20, 0);
  for (std::uint64_t left = zeros; left > 0;) {
    const auto n = static_cast<unsigned>(std::min<std::uint64_t>(left, chunk.size()));
    ASSERT_EQ(gzwrite(out, chunk.data(), n), static_cast<int>(n));
    left -= n;
  }
  ASSERT_EQ(gzclose(out), Z_OK);
}

/// A named pipe: opening it for reading blocks until a writer comes.
inline void make_fifo(const std::string& path) {
  ASSERT_EQ(::mkfifo(path.c_str(), 0644), 0) << path;
}

}  // namespace tapegrad::testing
