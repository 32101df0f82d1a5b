// JSON files of records: round trips (lecture and MLP tapes, a trace, NaN),
// and every way a file can be wrong, each with its FileError message.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include <unistd.h>

#include <tapegrad/inspect.hpp>

#include "inspect/inspect_support.hpp"
#include "inspect/json_texts.hpp"

namespace {

namespace inspect = tapegrad::inspect;
using inspect::TapeRecord;
using inspect_test::load_error;
using inspect_test::valid;

TapeRecord round_trip(const TapeRecord& record) {
  return inspect::from_json_text(inspect::to_json(record));
}

tapegrad::BackpropTrace hand_trace() {
  tapegrad::BackpropTrace trace;
  trace.output = 2;
  trace.seed = {{}, {1.0}};
  trace.steps.push_back({2, "mul", "y", {{}, {1.0}}, {{0, 0, {{2}, {3.0, -4.0}}}}});
  return trace;
}

TEST(JsonRoundTrip, LectureTapeComesBackEqualAndPrintsTheSame) {
  lecture::Network net;
  tapegrad::Tape<double> tape;
  tape.backward(net.forward(tape).loss);
  const TapeRecord live = inspect::record(tape);
  const TapeRecord loaded = round_trip(live);
  EXPECT_TRUE(loaded == live);
  EXPECT_EQ(inspect::format_table(loaded), inspect::format_table(live));
  EXPECT_EQ(inspect::to_dot(loaded), inspect::to_dot(tape));
  EXPECT_EQ(fmt::format("{}", loaded), fmt::format("{}", tape));
  EXPECT_EQ(loaded.nodes[1].grad.size(), 4u);
  EXPECT_EQ(loaded.nodes[12].attributes.size(), 1u);
}

TEST(JsonRoundTrip, MlpTapeInBothDtypesAndThroughAFile) {
  tapegrad::Tape<float> tape32;
  tape32.backward(inspect_test::record_mlp(tape32, 30));
  const TapeRecord live32 = inspect::record(tape32);
  EXPECT_EQ(live32.dtype, "float32");
  EXPECT_TRUE(round_trip(live32) == live32);

  tapegrad::Tape<double> tape;
  tape.backward(inspect_test::record_mlp(tape, 30));
  const TapeRecord live = inspect::record(tape, {false, false, nullptr});
  const auto path = std::filesystem::temp_directory_path() /
                    ("tapegrad_json_test_" + std::to_string(::getpid()) + ".json");
  inspect::save_json(live, path);
  const TapeRecord loaded = inspect::load_json(path);
  std::filesystem::remove(path);
  EXPECT_TRUE(loaded == live);
  EXPECT_TRUE(loaded.nodes[1].value.empty());  // 9 elements, values not kept
  inspect::TableOptions full;
  full.full = true;
  EXPECT_EQ(inspect::format_table(loaded, full), inspect::format_table(live, full));
}

TEST(JsonRoundTrip, KeepsTraceNonFiniteNumbersAndCost) {
  tapegrad::Tape<double> tape;
  auto x = tape.variable(tapegrad::Tensor<double>{std::numeric_limits<double>::quiet_NaN(),
                                                  -std::numeric_limits<double>::infinity()},
                         "x");
  tape.backward(tapegrad::sum(x * 2.0));
  const tapegrad::BackpropTrace trace = hand_trace();
  TapeRecord live = inspect::record(tape, {true, true, &trace});
  live.nodes[1].cost = tapegrad::OpCost{1, 2, 3, std::numeric_limits<std::uint64_t>::max()};
  const TapeRecord loaded = round_trip(live);
  EXPECT_TRUE(loaded == live);
  ASSERT_TRUE(loaded.trace.has_value());
  EXPECT_EQ(loaded.trace->steps[0].contributions[0].gradient.values[1], -4.0);
  EXPECT_TRUE(std::isnan(loaded.nodes[0].value[0]));
  EXPECT_EQ(loaded.nodes[1].cost->backprop_bytes, std::numeric_limits<std::uint64_t>::max());
  live.nodes[1].label = "changed";
  EXPECT_FALSE(loaded == live);
}

TEST(JsonLoad, ValidTextLoads) {
  const TapeRecord r = inspect::from_json_text(valid(), "t.json");
  ASSERT_EQ(r.nodes.size(), 1u);
  EXPECT_EQ(r.nodes[0].value, (std::vector<double>{1, 2}));
}

TEST(JsonLoad, MissingFileNamesTheFile) {
  EXPECT_THROW((void)inspect::load_json("/nonexistent/tape.json"), tapegrad::FileError);
  try {
    (void)inspect::load_json("/nonexistent/tape.json");
  } catch (const tapegrad::FileError& e) {
    EXPECT_EQ(std::string(e.what()), "tapegrad: /nonexistent/tape.json: no such file");
  }
  EXPECT_EQ(std::string(load_error("")).find("t.json: not valid JSON"), 10u);
}

TEST(JsonLoad, DirectoryIsNotARegularFile) {
  try {
    (void)inspect::load_json(std::filesystem::temp_directory_path());
    FAIL() << "no error";
  } catch (const tapegrad::FileError& e) {
    EXPECT_NE(std::string(e.what()).find(": is a directory, not a regular file"),
              std::string::npos);
  }
}

struct BadCase {
  const char* name;
  std::string text;
  const char* message;  // the expected what() after "tapegrad: t.json: "
};

class JsonLoadErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(JsonLoadErrors, ThrowFileErrorSayingWhatIsWrong) {
  const std::string what = load_error(GetParam().text);
  const std::string prefix = "tapegrad: t.json: ";
  EXPECT_EQ(what.substr(0, prefix.size()), prefix) << what;
  EXPECT_NE(what.find(GetParam().message), std::string::npos) << what;
}

const std::string kLeafNode = R"({"id": 0, "kind": "constant", "op": "", "label": "", "inputs": [],
  "shape": [], "requires_grad": false, "attributes": [], "formula": "", "saved_bytes": 0,
  "value_summary": {"count": 1, "min": 0, "mean": 0, "max": 0, "norm": 0, "nonfinite": 0}})";

std::string two_nodes(const std::string& second_inputs) {
  std::string second = kLeafNode;
  second.replace(second.find(R"("id": 0)"), 7, R"("id": 1)");
  second.replace(second.find(R"("kind": "constant", "op": "")"), 28,
                 R"("kind": "op", "op": "neg")");
  second.replace(second.find(R"("inputs": [])"), 12, R"("inputs": )" + second_inputs);
  return R"({"format": "tapegrad-tape", "version": 1, "dtype": "float32", "output": null,
    "nodes": [)" +
         kLeafNode + ", " + second + "]}";
}

INSTANTIATE_TEST_SUITE_P(
    EveryPath, JsonLoadErrors,
    ::testing::Values(
        BadCase{"not_json", "{\"format\": ", "not valid JSON"},
        BadCase{"garbage", "\x01\x02\xff", "not valid JSON"},
        BadCase{"not_object", "[1, 2]",
                "not a tapegrad tape file (expected a JSON object, got array)"},
        BadCase{"too_deep", std::string(100, '[') + std::string(100, ']'),
                "nested deeper than 32 levels"},
        BadCase{"no_format", "{}", "missing field 'format'"},
        BadCase{"wrong_format", R"({"format": "npy"})", "format: not a tapegrad tape file"},
        BadCase{"no_version", R"({"format": "tapegrad-tape"})", "missing field 'version'"},
        BadCase{"version_text", valid(R"("shape": [2])", R"("version": "1")"),
                "version: expected an integer, got \"1\""},
        BadCase{"version_2", valid(R"("shape": [2])", R"("version": 2)"),
                "version: unsupported format version 2 (this library reads version 1)"},
        BadCase{"version_negative", valid(R"("shape": [2])", R"("version": -1)"),
                "unsupported format version -1"},
        BadCase{"bad_dtype",
                R"({"format": "tapegrad-tape", "version": 1, "dtype": "int8", "nodes": []})",
                "dtype: unknown dtype 'int8'"},
        BadCase{"no_nodes", R"({"format": "tapegrad-tape", "version": 1, "dtype": "float32"})",
                "missing field 'nodes'"},
        BadCase{"nodes_not_array",
                R"({"format": "tapegrad-tape", "version": 1, "dtype": "float32", "nodes": 3})",
                "nodes: expected an array, got number"},
        BadCase{"no_output",
                R"({"format": "tapegrad-tape", "version": 1, "dtype": "float32", "nodes": []})",
                "missing field 'output'"},
        BadCase{"output_out_of_range",
                R"({"format": "tapegrad-tape", "version": 1, "dtype": "float32", "nodes": [],
                    "output": 0})",
                "output: node 0 does not exist (the tape has 0 nodes)"},
        BadCase{"missing_shape", valid(R"("value": [1, 2])"), "nodes[0]: missing field 'shape'"},
        BadCase{"shape_not_array", valid(R"("shape": 2)"),
                "nodes[0].shape: expected an array, got number"},
        BadCase{"negative_dim", valid(R"("shape": [-2])"),
                "nodes[0].shape[0]: expected a non-negative integer, got -2"},
        BadCase{"fractional_dim", valid(R"("shape": [2.5])"),
                "nodes[0].shape[0]: expected a non-negative integer, got 2.5"},
        BadCase{"absurd_dim", valid(R"("shape": [99999999999999])"),
                "nodes[0].shape[0]: 99999999999999 is out of range (at most 1099511627776)"},
        BadCase{"absurd_product", valid(R"("shape": [1048576, 1048576, 2])"),
                "nodes[0].shape: shape has more than 1099511627776 elements"},
        BadCase{"absurd_rank", valid(R"("shape": [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1])"),
                "nodes[0].shape: rank 17 is absurd (at most 16)"},
        BadCase{"values_count", valid(R"("shape": [3], "value": [1, 2])"),
                "nodes[0].value_summary.count: 2 does not match shape (3,)"},
        BadCase{"value_vs_shape", valid(R"("shape": [2], "value": [1, 2, 3])"),
                "nodes[0].value: 3 values for shape (2,), which has 2 elements"},
        BadCase{"value_not_number", valid(R"("shape": [2], "value": [1, true])"),
                "nodes[0].value[1]: expected a number, got true"},
        BadCase{"grad_without_summary", valid(R"("shape": [2], "grad": [1, 2])"),
                "nodes[0].grad: gradient values without a grad_summary"},
        BadCase{"bad_cost", valid(R"("shape": [2], "cost": {"forward_flops": 1})"),
                "nodes[0].cost: missing field 'forward_bytes'"},
        BadCase{"label_type",
                std::string(valid()).replace(valid().find(R"("label": "x")"), 12, R"("label": 7)"),
                "nodes[0].label: expected a string, got number"},
        BadCase{"input_not_earlier", two_nodes("[1]"),
                "nodes[1].inputs[0]: input id 1 is not less than the node's own id 1"},
        BadCase{"input_later", two_nodes("[0, 7]"),
                "nodes[1].inputs[1]: input id 7 is not less than the node's own id 1"},
        BadCase{"inputs_type", two_nodes("{}"), "nodes[1].inputs: expected an array, got object"},
        BadCase{"leaf_with_inputs",
                valid(R"("shape": [2], "inputs": [0])")
                    .replace(valid().find(R"("inputs": [],)"), 14, ""),
                "nodes[0].inputs: a leaf has no inputs"},
        BadCase{"unknown_kind", std::string(valid()).replace(valid().find("variable"), 8, "wizard"),
                "nodes[0].kind: unknown node kind 'wizard'"},
        BadCase{"id_mismatch",
                std::string(valid()).replace(valid().find(R"("id": 0)"), 7, R"("id": 5)"),
                "nodes[0].id: id 5 does not match the node's position 0"},
        BadCase{"op_without_name",
                std::string(valid()).replace(valid().find(R"("kind": "variable")"), 18,
                                             R"("kind": "op")"),
                "nodes[0].op: an op node needs an op name"},
        BadCase{"trace_bad_node",
                R"({"format": "tapegrad-tape", "version": 1, "dtype": "float32", "nodes": [],
                    "output": null, "trace": {"output": null, "seed": {"shape": [], "values": [1]},
                    "steps": [{"node": 3}]}})",
                "trace.steps[0].node: node 3 does not exist (the tape has 0 nodes)"},
        BadCase{"trace_values", R"({"format": "tapegrad-tape", "version": 1, "dtype": "float32",
                    "nodes": [], "output": null,
                    "trace": {"output": null, "seed": {"shape": [2], "values": [1]}, "steps": []}})",
                "trace.seed.values: 1 values for shape (2,), which has 2 elements"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
