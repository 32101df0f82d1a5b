// The tape reader as a streaming parser (src/inspect/json_read.cpp): fields
// the layout lacks, duplicates, the order in which problems are reported
// whatever the file's key order, and JSON syntax (escapes, UTF-8, nesting,
// trailing text, numbers out of range), each with its FileError message.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <tapegrad/inspect.hpp>

#include "inspect/json_texts.hpp"

namespace {

namespace inspect = tapegrad::inspect;
using inspect_test::load_error;
using inspect_test::valid;

struct BadText {
  const char* name;
  std::string text;
  const char* message;  // expected in what(), after "tapegrad: t.json: "
};

class JsonStreamErrors : public ::testing::TestWithParam<BadText> {};

TEST_P(JsonStreamErrors, ThrowFileErrorSayingWhatIsWrong) {
  const std::string what = load_error(GetParam().text);
  const std::string prefix = "tapegrad: t.json: ";
  EXPECT_EQ(what.substr(0, prefix.size()), prefix) << what;
  EXPECT_NE(what.find(GetParam().message), std::string::npos) << what;
}

INSTANTIATE_TEST_SUITE_P(
    EveryPath, JsonStreamErrors,
    ::testing::Values(
        BadText{"duplicate_field", valid(R"("shape": [2], "label": "y")"),
                "nodes[0]: duplicate field 'label'"},
        BadText{"unknown_field", valid(R"("shape": [2], "colour": "red")"),
                "nodes[0]: unknown field 'colour'"},
        BadText{"unknown_top_field", valid(R"("shape": [2])", R"("version": 1, "junk": [[]])"),
                "unknown field 'junk'"},
        // Whatever comes first in the file, a wrong version is what is reported.
        BadText{"version_last", valid(R"("shape": [2], "colour": "red")", R"("version": 3)"),
                "version: unsupported format version 3"},
        BadText{"syntax_after_an_error", valid(R"("shape": [2], "colour": "red")") + ",",
                "not valid JSON (at byte"},
        BadText{"trailing_text", valid() + " x", "unexpected 'x' after the end of the document"},
        BadText{"bad_escape",
                std::string(valid()).replace(valid().find(R"("x")"), 3, R"("\ud800")"),
                "a high surrogate not followed by a low one"},
        BadText{"bad_utf8", std::string(valid()).replace(valid().find(R"("x")"), 3, "\"\xc0\xaf\""),
                "invalid UTF-8"},
        BadText{"huge_number", valid(R"("shape": [2], "value": [1, 1e999])"),
                "nodes[0].value[1]: 1e999 is out of the range of a 64-bit float"},
        BadText{"too_deep_inside",
                valid(R"("shape": [2], "value": )" + std::string(100, '[') + std::string(100, ']')),
                "nested deeper than 32 levels"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(JsonStream, KeyOrderDoesNotMatterAndEscapesDecode) {
  const std::string text = R"({"nodes": [{"value_summary": {"nonfinite": 0, "norm": 0, "max": 0,
      "mean": 0, "min": 0, "count": 1}, "saved_bytes": 0, "formula": "", "attributes": [["a\u00e9\ud83d\ude00", 1.5e0]],
      "requires_grad": false, "shape": [], "inputs": [], "label": "tab\there \"q\" \\ \/", "op": "", "kind": "constant",
      "id": 0, "value": [-0.0]}], "output": 0, "dtype": "float32", "version": 1,
      "format": "tapegrad-tape"})";
  const inspect::TapeRecord r = inspect::from_json_text(text, "t.json");
  ASSERT_EQ(r.nodes.size(), 1u);
  EXPECT_EQ(r.nodes[0].label, "tab\there \"q\" \\ /");
  EXPECT_EQ(r.nodes[0].attributes.at(0).first, "a\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(r.nodes[0].attributes.at(0).second, 1.5);
  EXPECT_TRUE(std::signbit(r.nodes[0].value.at(0)));
  EXPECT_EQ(r.output, tapegrad::NodeId{0});
}

}  // namespace
