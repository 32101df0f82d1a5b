// load_json against hostile tape files made at test time: JSON bombs (an
// unknown key holding millions of empty arrays, a top-level array of zeros,
// oversized arrays where the layout has small ones), a sparse file, a FIFO.
// Each is measured in a forked child (tests/support/child_run.hpp): a file
// that is refused may cost buffers, not the file; a valid file may cost a
// small multiple of the record it describes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <tapegrad/inspect.hpp>

#include "nn/file_support.hpp"
#include "nn/hostile_files.hpp"
#include "support/child_run.hpp"

namespace tapegrad {
namespace {

constexpr long kSmallMib = 16;
constexpr std::size_t kMiB = std::size_t{1} << 20;

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

/// `count` copies of `item` separated by commas.
std::string repeated(const std::string& item, std::size_t count) {
  std::string out;
  out.reserve(count * (item.size() + 1));
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0)
      out += ',';
    out += item;
  }
  return out;
}

const std::string kTop = R"({"format": "tapegrad-tape", "version": 1, "dtype": "float64", )";
const std::string kLeaf = R"({"id": 0, "kind": "constant", "op": "", "label": "", "inputs": [],
  "shape": [], "requires_grad": false, "attributes": [], "formula": "", "saved_bytes": 0,
  "value_summary": {"count": 1, "min": 0, "mean": 0, "max": 0, "norm": 0, "nonfinite": 0}})";

/// A node 1 of kind `kind` whose inputs are `inputs` (a JSON array's contents).
std::string second_node(const std::string& kind, const std::string& inputs) {
  return R"({"id": 1, "kind": ")" + kind + R"(", "op": ")" + (kind == "op" ? "add" : "") +
         R"(", "label": "", "inputs": [)" + inputs +
         R"(], "shape": [], "requires_grad": false, "attributes": [], "formula": "",
  "saved_bytes": 0, "value_summary": {"count": 1, "min": 0, "mean": 0, "max": 0, "norm": 0,
  "nonfinite": 0}})";
}

template <class F>
testing::ChildRun expect_file_error(F&& load, const std::string& fragment) {
  testing::ChildRun run = testing::run_in_child(load);
  EXPECT_EQ(run.outcome, "FileError") << run;
  EXPECT_NE(run.message.find(fragment), std::string::npos) << "lacks '" << fragment << "': " << run;
  return run;
}

TEST(JsonHostile, UnknownKeyHoldingMillionsOfEmptyArraysIsRefusedAtTheKey) {
  const testing::ScratchDir dir;
  const std::string path = dir.file("junk.json");
  write_text(path, kTop + R"("output": null, "nodes": [], "junk": [)" +
                       repeated("[]", 32 * kMiB / 3) + "]}");
  const auto run =
      expect_file_error([&] { (void)inspect::load_json(path); }, "unknown field 'junk'");
  EXPECT_LE(run.peak_growth_mib, kSmallMib) << run;
}

TEST(JsonHostile, ATopLevelArrayOfZerosIsRefusedWithoutBuildingIt) {
  const testing::ScratchDir dir;
  const std::string path = dir.file("zeros.json");
  write_text(path, "[" + repeated("0", 16 * kMiB) + "]");
  const auto run = expect_file_error([&] { (void)inspect::load_json(path); },
                                     "expected a JSON object, got array");
  EXPECT_LE(run.peak_growth_mib, kSmallMib) << run;
}

TEST(JsonHostile, ALeafWithMillionsOfInputsIsRefusedAtTheFirst) {
  const testing::ScratchDir dir;
  const std::string path = dir.file("leaf_inputs.json");
  write_text(path, kTop + R"("output": null, "nodes": [)" + kLeaf + ", " +
                       second_node("variable", repeated("0", 16 * kMiB)) + "]}");
  const auto run = expect_file_error([&] { (void)inspect::load_json(path); },
                                     "nodes[1].inputs: a leaf has no inputs");
  EXPECT_LE(run.peak_growth_mib, kSmallMib) << run;
}

TEST(JsonHostile, MoreValuesThanTheShapeHoldsAreCountedNotKept) {
  const testing::ScratchDir dir;
  const std::string path = dir.file("values.json");
  std::string node = kLeaf;
  node.insert(node.size() - 1, R"(, "value": [)" + repeated("0", 16 * kMiB) + "]");
  write_text(path, kTop + R"("output": null, "nodes": [)" + node + "]}");
  const auto run = expect_file_error([&] { (void)inspect::load_json(path); },
                                     "nodes[0].value: 16777216 values for shape (), which has 1");
  EXPECT_LE(run.peak_growth_mib, kSmallMib) << run;
}

// Valid: an op node with 16 M inputs (all node 0). The record needs 64 MiB
// for them; loading may cost a small multiple of that, not the 20× a JSON
// document of the file would.
TEST(JsonHostile, AValidTapeWithAHugeInputListCostsAMultipleOfItsRecord) {
  const testing::ScratchDir dir;
  const std::string path = dir.file("many_inputs.json");
  const std::size_t inputs = 16 * kMiB;
  write_text(path, kTop + R"("output": null, "nodes": [)" + kLeaf + ", " +
                       second_node("op", repeated("0", inputs)) + "]}");
  const testing::ChildRun run = testing::run_in_child([&] {
    const inspect::TapeRecord record = inspect::load_json(path);
    if (record.nodes.at(1).inputs.size() != inputs)
      throw std::runtime_error("wrong input count");
  });
  EXPECT_EQ(run.outcome, "returned") << run;
  const long record_mib = static_cast<long>(inputs * sizeof(NodeId) / kMiB);
  EXPECT_LE(run.peak_growth_mib, 3 * record_mib + kSmallMib) << run;
}

// AddressSanitizer ends the process on a failed allocation by design, so
// this test is compiled only in the builds without it.
#if !defined(__SANITIZE_ADDRESS__)
TEST(JsonHostile, AllocationFailureWhileLoadingIsAFileError) {
  const testing::ScratchDir dir;
  const std::string path = dir.file("many_inputs.json");
  write_text(path, kTop + R"("output": null, "nodes": [)" + kLeaf + ", " +
                       second_node("op", repeated("0", 32 * kMiB)) + "]}");
  expect_file_error(
      [&] {
        testing::limit_address_space_growth(64 * kMiB);
        (void)inspect::load_json(path);
      },
      path + ": not enough memory to load it");
}
#endif

TEST(JsonHostile, SparseFileIsRefusedFromItsFirstByte) {
  const testing::ScratchDir dir;
  const std::string path = dir.file("sparse.json");
  testing::write_sparse(path, {}, 256 * kMiB);
  const auto run = expect_file_error([&] { (void)inspect::load_json(path); }, "not valid JSON");
  EXPECT_LE(run.peak_growth_mib, kSmallMib) << run;
}

TEST(JsonHostile, FifoAndDeviceAreRefusedWithoutBlocking) {
  const testing::ScratchDir dir;
  const std::string fifo = dir.file("pipe.json");
  testing::make_fifo(fifo);
  for (const std::string& path : {fifo, std::string("/dev/zero")})
    expect_file_error([&] { (void)inspect::load_json(path); }, path + ": is not a regular file");
}

}  // namespace
}  // namespace tapegrad
