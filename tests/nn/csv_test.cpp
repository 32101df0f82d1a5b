#include <gtest/gtest.h>

#include <fmt/format.h>

#include "nn/file_support.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using testing::expect_file_error;

TEST(Csv, FeaturesAndLabelsWithHeaderBlankLinesAndCrlf) {
  const std::string text = "a,b,label\r\n1.5, -2 ,0\r\n\r\n+3,4e-1,1\r\n  \n5,6,2";
  nn::CsvOptions options;
  options.header = true;
  const nn::Dataset<double> data = nn::parse_csv<double>(text, options);
  EXPECT_EQ(data.features, (Tensor<double>{{1.5, -2.0}, {3.0, 0.4}, {5.0, 6.0}}));
  EXPECT_EQ(data.labels, (Tensor<double>{0.0, 1.0, 2.0}));
  EXPECT_EQ(data.size(), 3u);

  options.header = false;
  options.label_column = 0;
  options.delimiter = ';';
  const nn::Dataset<float> first = nn::parse_csv<float>("7;1;2\n8;3;4\n", options);
  EXPECT_EQ(first.labels, (Tensor<float>{7.0f, 8.0f}));
  EXPECT_EQ(first.features, (Tensor<float>{{1.0f, 2.0f}, {3.0f, 4.0f}}));

  options.label_column = nn::CsvOptions::kNoLabel;
  options.delimiter = ',';
  const nn::Dataset<double> unlabelled = nn::parse_csv<double>("1,2\n3,4\n", options);
  EXPECT_EQ(unlabelled.features.shape(), (Shape{2, 2}));
  EXPECT_EQ(unlabelled.labels.shape(), (Shape{0}));

  options.label_column = -2;  // from the end
  EXPECT_EQ(nn::parse_csv<double>("1,2,3\n", options).labels, (Tensor<double>{2.0}));
}

TEST(Csv, ReadsAFile) {
  const testing::ScratchDir dir;
  const std::string text = "0.5,1\n0.25,0\n";
  testing::write_bytes(dir.file("d.csv"), {text.begin(), text.end()});
  const nn::Dataset<float> data = nn::read_csv<float>(dir.file("d.csv"));
  EXPECT_EQ(data.features.shape(), (Shape{2, 1}));
  EXPECT_EQ(data.features(0, 0), 0.5f);
  EXPECT_EQ(data.features(1, 0), 0.25f);
  EXPECT_EQ(data.labels, (Tensor<float>{1.0f, 0.0f}));
}

TEST(Csv, EveryBrokenFileIsAFileErrorNamingLineAndColumn) {
  const auto bad = [](std::string_view text, std::initializer_list<std::string_view> fragments,
                      nn::CsvOptions options = {}) {
    expect_file_error([&] { (void)nn::parse_csv<float>(text, options, "d.csv"); }, "csv",
                      fragments);
  };
  bad("1,2\n3,x\n", {"d.csv", "line 2, column 2", "'x' is not a finite 32-bit number"});
  bad("1,2\n3,\n", {"line 2, column 2", "''"});
  bad("1,2\n3,nan\n", {"'nan'"});
  bad("1,2\n1e39,0\n", {"'1e39'", "32-bit"});
  bad("1,2\n3,4,5\n", {"line 2 has 3 fields, line 1 has 2"});
  bad("\n\n  \n", {"no data rows"});
  bad("", {"no data rows"});
  nn::CsvOptions header;
  header.header = true;
  bad("a,b\n", {"no data rows"}, header);
  nn::CsvOptions far;
  far.label_column = 5;
  bad("1,2\n", {"label column 5 does not exist in rows of 2 fields"}, far);
  far.label_column = -3;
  bad("1,2\n", {"label column -3"}, far);
  const std::string missing = "/nonexistent/tapegrad/d.csv";
  expect_file_error([&] { (void)nn::read_csv<double>(missing); }, "csv", {missing, "no such file"});
  // 1e39 fits a double.
  EXPECT_EQ(nn::parse_csv<double>("1e39,0\n").features(0, 0), 1e39);
  // No number needs more than 1024 characters: refused before it is buffered.
  // (Appended, not `std::string(2000, '0') + …`: GCC 12 then warns of a
  // memcpy out of bounds that cannot happen, -Warray-bounds.)
  std::string long_number(2000, '0');
  long_number += ",1\n";
  bad(long_number, {"line 1, column 1", "more than 1024 characters"});
}

// The rule for magnitudes T cannot hold: beyond its range is an overflow,
// non-zero but rounding to 0 an underflow, both refused; subnormals are kept.
TEST(Csv, OverflowAndUnderflowAreRefusedAsSuchSubnormalsKept) {
  const auto refused = [](auto zero, std::string_view field, std::string_view problem) {
    using T = decltype(zero);
    const std::string text = fmt::format("1,{}\n", field);
    const std::string quoted = fmt::format("'{}'", field);
    expect_file_error(
        [&] { (void)nn::parse_csv<T>(text, {}, "d.csv"); }, "csv",
        {"line 1, column 2", quoted, problem, sizeof(T) == 4 ? "32-bit float" : "64-bit float"});
  };
  refused(0.0, "1e-400", "underflows: it is finite, but too small");
  refused(0.0, "-2e-324", "underflows");  // below half the smallest subnormal
  refused(0.0, "0.0000001e-320", "underflows");
  refused(0.0f, "1e-50", "underflows");
  refused(0.0f, "-1e-46", "underflows");
  refused(0.0, "1e400", "overflows");
  refused(0.0, "-123.5e307", "overflows");
  refused(0.0f, "1e39", "overflows");
  refused(0.0f, "3.5e38", "overflows");

  nn::CsvOptions unlabelled;
  unlabelled.label_column = nn::CsvOptions::kNoLabel;
  const auto kept = [&](auto zero, const char* field) {
    using T = decltype(zero);
    return nn::parse_csv<T>(field, unlabelled).features(0, 0);
  };
  EXPECT_EQ(kept(0.0, "1e-50"), 1e-50);  // a normal double
  EXPECT_EQ(kept(0.0, "4e-324"), std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(kept(0.0f, "1e-40"), 1e-40f);  // a subnormal float
  EXPECT_EQ(kept(0.0f, "1.4e-45"), std::numeric_limits<float>::denorm_min());
  EXPECT_EQ(kept(0.0f, "0e-999"), 0.0f);  // zero is no underflow
  EXPECT_EQ(kept(0.0f, "3.4028234e38"), std::numeric_limits<float>::max());
}

// A file is read in 64 KiB chunks: fields and lines cut at a chunk's end
// must come out whole.
TEST(Csv, FieldsCutByTheReadersChunksComeOutWhole) {
  const testing::ScratchDir dir;
  std::string text = "x,y,label\n";
  for (int i = 0; i < 30000; ++i)
    text += std::to_string(i) + ", " + std::to_string(i) + ".25 ," + std::to_string(i % 7) + "\r\n";
  testing::write_bytes(dir.file("big.csv"), {text.begin(), text.end()});
  nn::CsvOptions options;
  options.header = true;
  const nn::Dataset<double> data = nn::read_csv<double>(dir.file("big.csv"), options);
  ASSERT_EQ(data.features.shape(), (Shape{30000, 2}));
  for (std::size_t i = 0; i < 30000; ++i) {
    ASSERT_EQ(data.features(i, 0), static_cast<double>(i)) << i;
    ASSERT_EQ(data.features(i, 1), static_cast<double>(i) + 0.25) << i;
    ASSERT_EQ(data.labels(i), static_cast<double>(i % 7)) << i;
  }
}

}  // namespace
}  // namespace tapegrad
