#pragma once
// Scratch directories and byte helpers for the reader and checkpoint tests.

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "tapegrad/core/error.hpp"

namespace tapegrad::testing {

using Bytes = std::vector<std::uint8_t>;

inline Bytes operator+(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// An IDX header: type code and dimensions.
inline Bytes idx_header(std::uint8_t code, std::initializer_list<std::uint32_t> dims) {
  Bytes b{0, 0, code, static_cast<std::uint8_t>(dims.size())};
  for (const std::uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8)
      b.push_back(static_cast<std::uint8_t>(d >> shift));
  }
  return b;
}

/// A .npy file with a hand-written header (padded like numpy) and `data_bytes` zeros.
inline Bytes npy_file(std::string dict, std::size_t data_bytes, std::uint8_t major = 1) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  dict.append((64 - (prefix + dict.size() + 1) % 64) % 64, ' ');
  dict.push_back('\n');
  Bytes b{0x93, 'N', 'U', 'M', 'P', 'Y', major, 0};
  for (std::size_t i = 0; i < prefix - 8; ++i)
    b.push_back(static_cast<std::uint8_t>(dict.size() >> (8 * i)));
  b.insert(b.end(), dict.begin(), dict.end());
  b.resize(b.size() + data_bytes, 0);
  return b;
}

/// A fresh directory under the system's temporary directory, removed with
/// everything in it when the object dies. Named after the running test.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("tapegrad_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
             std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string file(std::string_view name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// `bytes` in a gzip wrapper, compressed by zlib.
inline std::vector<std::uint8_t> gzip(const std::vector<std::uint8_t>& bytes) {
  z_stream s{};
  EXPECT_EQ(deflateInit2(&s, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::vector<std::uint8_t> out(deflateBound(&s, bytes.size()) + 32);
  s.next_in = const_cast<Bytef*>(bytes.data());
  s.avail_in = static_cast<uInt>(bytes.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

/// Runs f, which must throw FileError raised by `op` whose message contains
/// every fragment.
template <class F>
void expect_file_error(F&& f, std::string_view op,
                       std::initializer_list<std::string_view> fragments) {
  try {
    f();
    ADD_FAILURE() << "expected a FileError from " << op << ", nothing was thrown";
  } catch (const FileError& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.op(), op) << message;
    for (std::string_view fragment : fragments) {
      EXPECT_NE(message.find(std::string(fragment)), std::string::npos)
          << "message lacks \"" << fragment << "\": " << message;
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected a FileError from " << op << ", got: " << e.what();
  }
}

}  // namespace tapegrad::testing
