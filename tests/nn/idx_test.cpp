#include <gtest/gtest.h>

#include <cstring>

#include "nn/file_support.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using Bytes = std::vector<std::uint8_t>;
using testing::expect_file_error;
using testing::idx_header;
using testing::operator+;

TEST(Idx, ReadsEveryElementTypeBigEndian) {
  // u8 (2, 3)
  Tensor<float> u8 = nn::parse_idx<float>(idx_header(0x08, {2, 3}) + Bytes{0, 1, 2, 127, 128, 255});
  EXPECT_EQ(u8, (Tensor<float>{{0, 1, 2}, {127, 128, 255}}));
  // i8 (2,)
  EXPECT_EQ(nn::parse_idx<double>(idx_header(0x09, {2}) + Bytes{0xff, 0x80}),
            (Tensor<double>{-1, -128}));
  // i16 (2,): 0x0102 = 258, 0xfffe = −2
  EXPECT_EQ(nn::parse_idx<double>(idx_header(0x0B, {2}) + Bytes{1, 2, 0xff, 0xfe}),
            (Tensor<double>{258, -2}));
  // i32 (1, 1, 1): 0x00010000 = 65536
  const Tensor<double> i32 = nn::parse_idx<double>(idx_header(0x0C, {1, 1, 1}) + Bytes{0, 1, 0, 0});
  EXPECT_EQ(i32.shape(), (Shape{1, 1, 1}));
  EXPECT_EQ(i32(0, 0, 0), 65536.0);
  // f32 1.5 = 0x3fc00000, f64 −2.25 = 0xc002000000000000
  EXPECT_EQ(nn::parse_idx<double>(idx_header(0x0D, {1}) + Bytes{0x3f, 0xc0, 0, 0}),
            (Tensor<double>{1.5}));
  EXPECT_EQ(nn::parse_idx<float>(idx_header(0x0E, {1}) + Bytes{0xc0, 0x02, 0, 0, 0, 0, 0, 0}),
            (Tensor<float>{-2.25f}));
  // A double beyond float's range becomes inf, not undefined behaviour.
  EXPECT_EQ(nn::parse_idx<float>(idx_header(0x0E, {1}) + Bytes{0x7f, 0xe0, 0, 0, 0, 0, 0, 0})(0),
            std::numeric_limits<float>::infinity());
  // Empty dimension: an empty array.
  EXPECT_EQ(nn::parse_idx<float>(idx_header(0x08, {0, 28})).shape(), (Shape{0, 28}));
}

TEST(Idx, ReadsPlainAndGzippedFiles) {
  const testing::ScratchDir dir;
  Bytes pixels;
  for (int i = 0; i < 3 * 4 * 5; ++i)
    pixels.push_back(static_cast<std::uint8_t>(i * 4));
  const Bytes file = idx_header(0x08, {3, 4, 5}) + pixels;
  testing::write_bytes(dir.file("images-idx3-ubyte"), file);
  testing::write_bytes(dir.file("images-idx3-ubyte.gz"), testing::gzip(file));
  for (const char* name : {"images-idx3-ubyte", "images-idx3-ubyte.gz"}) {
    const Tensor<float> t = nn::read_idx<float>(dir.file(name));
    ASSERT_EQ(t.shape(), (Shape{3, 4, 5})) << name;
    for (std::size_t i = 0; i < t.size(); ++i)
      EXPECT_EQ(t.data()[i], static_cast<float>(pixels[i])) << name;
  }
  // The contents decide, not the name: a gzipped file without ".gz".
  testing::write_bytes(dir.file("packed"), testing::gzip(file));
  EXPECT_EQ(nn::read_idx<double>(dir.file("packed")).shape(), (Shape{3, 4, 5}));
}

TEST(Idx, EveryBrokenFileIsAFileErrorNamingIt) {
  const testing::ScratchDir dir;
  const std::string missing = dir.file("nope.idx");
  expect_file_error([&] { (void)nn::read_idx<float>(missing); }, "idx", {missing, "no such file"});
  expect_file_error([&] { (void)nn::read_idx<float>(dir.path().string()); }, "idx",
                    {"is a directory"});
  const auto bad = [](const Bytes& bytes, std::initializer_list<std::string_view> fragments) {
    expect_file_error([&] { (void)nn::parse_idx<float>(bytes, "data.idx"); }, "idx", fragments);
  };
  bad({0, 0, 8}, {"data.idx", "too short", "3 bytes"});
  bad({1, 2, 8, 1, 0, 0, 0, 0}, {"not an IDX file", "0x0102"});
  bad(idx_header(0x07, {1}) + Bytes{0}, {"unknown IDX element type 0x07"});
  bad({0, 0, 8, 0}, {"no dimensions"});
  bad({0, 0, 8, 3, 0, 0, 0, 1}, {"truncated header", "3 dimensions need 16 bytes", "has 8"});
  bad(idx_header(0x08, {2, 3}) + Bytes{1, 2, 3},
      {"(2, 3)", "announces 6 bytes", "holds 3", "truncated"});
  bad(idx_header(0x0C, {2}) + Bytes(9, 0), {"announces 8 bytes", "holds 9"});
  // A header claiming 2^32 × 2^32 × 2^32 elements: refused, nothing allocated.
  bad(idx_header(0x0E, {0xffffffff, 0xffffffff, 0xffffffff}), {"more than 2^64"});
  bad(idx_header(0x08, {60000, 28, 28}), {"announces 47040000 bytes", "holds 0"});

  const Bytes good = idx_header(0x08, {4}) + Bytes{1, 2, 3, 4};
  const Bytes zipped = testing::gzip(good);
  bad(Bytes(zipped.begin(), zipped.end() - 12), {"truncated gzip stream"});
  Bytes corrupt = zipped;
  corrupt[3] = 0xff;  // reserved flag bits
  bad(corrupt, {"corrupt gzip data"});
  bad(zipped + Bytes{0, 0, 0}, {"3 unexpected bytes after the gzip stream"});
  bad(testing::gzip(idx_header(0x08, {5}) + Bytes{1, 2}), {"announces 5 bytes", "holds 2"});
}

// Found by idx_fuzz: no elements (a zero extent) but extents whose product
// overflows xtensor's strides.
TEST(Idx, AZeroExtentBesideHugeOnesIsRefused) {
  const Bytes file{0, 0, 0x0e, 3, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xf2, 0xff, 0xff, 0xff, 0xf2};
  try {
    (void)nn::parse_idx<float>(Span<std::uint8_t>(file.data(), file.size()), "huge.idx");
    ADD_FAILURE() << "accepted";
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("huge.idx"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("more than 2^64"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tapegrad
