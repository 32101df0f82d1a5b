// format_table() and the fmt formatter: the lecture's tape printed exactly,
// before and after backward, and a long MLP tape summarised.
#include <gtest/gtest.h>

#include <limits>

#include <tapegrad/inspect.hpp>

#include "inspect/inspect_support.hpp"

namespace {

namespace inspect = tapegrad::inspect;

const char* const kLectureBefore =
    "tape: 13 nodes (float64)\n"
    "id  op         label      inputs  shape   dtype    grad?  value\n"
    " 0  constant   x                  (2,)    float64  no     [0.5, 0.1]\n"
    " 1  parameter  W(1)               (2, 2)  float64  yes    [[0.15, 0.2], [0.25, 0.3]]\n"
    " 2  parameter  b(1)               (2,)    float64  yes    [0.35, 0.35]\n"
    " 3  matmul     W(1)·h(0)  1, 0    (2,)    float64  yes    [0.095, 0.155]\n"
    " 4  add        a(1)       3, 2    (2,)    float64  yes    [0.445, 0.505]\n"
    " 5  sigmoid    h(1)       4       (2,)    float64  yes    [0.60945, 0.623634]\n"
    " 6  parameter  W(2)               (2, 2)  float64  yes    [[0.4, 0.45], [0.5, 0.55]]\n"
    " 7  parameter  b(2)               (2,)    float64  yes    [0.6, 0.6]\n"
    " 8  matmul     W(2)·h(1)  6, 5    (2,)    float64  yes    [0.524415, 0.647723]\n"
    " 9  add        a(2)       8, 7    (2,)    float64  yes    [1.12442, 1.24772]\n"
    "10  sigmoid    y          9       (2,)    float64  yes    [0.754807, 0.776906]\n"
    "11  constant   t                  (2,)    float64  no     [0.01, 0.99]\n"
    "12  mse        L          10, 11  ()      float64  yes    0.300073\n";

// The gradients are SEED.md's table to 6 digits (∇W(1), ∇b(1) = ∇a(1), …).
const char* const kLectureAfter =
    "tape: 13 nodes (float64), backward from node 12 'L'\n"
    "id  op         label      inputs  shape   dtype    grad?  value                       "
    "gradient                                                      norm\n"
    " 0  constant   x                  (2,)    float64  no     [0.5, 0.1]                  -\n"
    " 1  parameter  W(1)               (2, 2)  float64  yes    [[0.15, 0.2], [0.25, 0.3]]  "
    "[[0.00436417, 0.000872834], [0.00489568, 0.000979135]]  0.00668836\n"
    " 2  parameter  b(1)               (2,)    float64  yes    [0.35, 0.35]                "
    "[0.00872834, 0.00979135]                                  0.013117\n"
    " 3  matmul     W(1)·h(0)  1, 0    (2,)    float64  yes    [0.095, 0.155]              "
    "[0.00872834, 0.00979135]                                  0.013117\n"
    " 4  add        a(1)       3, 2    (2,)    float64  yes    [0.445, 0.505]              "
    "[0.00872834, 0.00979135]                                  0.013117\n"
    " 5  sigmoid    h(1)       4       (2,)    float64  yes    [0.60945, 0.623634]         "
    "[0.0366705, 0.041716]                                    0.0555423\n"
    " 6  parameter  W(2)               (2, 2)  float64  yes    [[0.4, 0.45], [0.5, 0.55]]  "
    "[[0.084009, 0.0859642], [-0.0225096, -0.0230334]]         0.124437\n"
    " 7  parameter  b(2)               (2,)    float64  yes    [0.6, 0.6]                  "
    "[0.137844, -0.0369342]                                    0.142706\n"
    " 8  matmul     W(2)·h(1)  6, 5    (2,)    float64  yes    [0.524415, 0.647723]        "
    "[0.137844, -0.0369342]                                    0.142706\n"
    " 9  add        a(2)       8, 7    (2,)    float64  yes    [1.12442, 1.24772]          "
    "[0.137844, -0.0369342]                                    0.142706\n"
    "10  sigmoid    y          9       (2,)    float64  yes    [0.754807, 0.776906]        "
    "[0.744807, -0.213094]                                     0.774691\n"
    "11  constant   t                  (2,)    float64  no     [0.01, 0.99]                -\n"
    "12  mse        L          10, 11  ()      float64  yes    0.300073                    "
    "1                                                                1\n";

TEST(FormatTable, LectureTapeBeforeBackward) {
  lecture::Network net;
  tapegrad::Tape<double> tape;
  (void)net.forward(tape);
  EXPECT_EQ(inspect::format_table(inspect::record(tape)), kLectureBefore);
}

TEST(FormatTable, LectureTapeAfterBackwardShowsGradientsAndNorms) {
  lecture::Network net;
  tapegrad::Tape<double> tape;
  tape.backward(net.forward(tape).loss);
  EXPECT_EQ(inspect::format_table(inspect::record(tape)), kLectureAfter);
}

TEST(FormatTable, SmallTensorsShowTheirValuesEvenWhenValuesAreNotKept) {
  lecture::Network net;
  tapegrad::Tape<double> tape;
  (void)net.forward(tape);
  EXPECT_EQ(inspect::format_table(inspect::record(tape, {false, false, nullptr})), kLectureBefore);
}

TEST(FormatTable, LargeTensorsShowMinMeanMax) {
  tapegrad::Tape<float> tape;
  tapegrad::Tensor<float> big{{1, 2, 3, 4}, {-5, 6, 7, 8}};
  auto x = tape.variable(big, "big");
  tape.backward(tapegrad::sum(x * x));
  const std::string table = inspect::format_table(inspect::record(tape));
  const auto rows = inspect_test::lines(table);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[2],
            " 0  variable  big            (2, 4)  float32  yes    min -5 mean 3.25 max 8  "
            "min -10 mean 6.5 max 16  28.5657");
}

TEST(FormatTable, NonFiniteValuesAreCountedApart) {
  tapegrad::Tape<double> tape;
  const double inf = std::numeric_limits<double>::infinity();
  (void)tape.constant(
      tapegrad::Tensor<double>{inf, -inf, std::numeric_limits<double>::quiet_NaN(), 1, 2, 3, 4},
      "bad");
  const auto rows = inspect_test::lines(inspect::format_table(inspect::record(tape)));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2],
            " 0  constant  bad            (7,)   float64  no     min 1 mean 2.5 max 4 nonfinite 3");
}

class LongTape : public ::testing::Test {
 protected:
  void SetUp() override { tape.backward(inspect_test::record_mlp(tape, 25)); }
  tapegrad::Tape<double> tape;
};

TEST_F(LongTape, IsSummarisedWithHeadTailElisionAndCounts) {
  ASSERT_EQ(tape.size(), 102u);
  const auto rows = inspect_test::lines(inspect::format_table(inspect::record(tape)));
  ASSERT_EQ(rows.size(), 1u + 1u + 10u + 1u + 10u + 1u + 5u);
  EXPECT_EQ(rows[0], "tape: 102 nodes (float64), backward from node 101 'L'");
  EXPECT_EQ(rows[2].substr(0, 20), "  0  constant  x    ");
  EXPECT_EQ(rows[11].substr(0, 20), "  9  variable  W2   ");
  EXPECT_EQ(rows[12], "... 82 nodes not shown (ids 10 to 91; print with {:full} or --full)");
  EXPECT_EQ(rows[13].substr(0, 20), " 92  tanh      h22  ");
  EXPECT_EQ(rows[22].substr(0, 20), "101  sum       L    ");
  EXPECT_EQ(rows[23], "nodes by op:");
  EXPECT_EQ(rows[24], "  constant   1");
  EXPECT_EQ(rows[25], "  linear    25");
  EXPECT_EQ(rows[26], "  sum        1");
  EXPECT_EQ(rows[27], "  tanh      25");
  EXPECT_EQ(rows[28], "  variable  50");
}

TEST_F(LongTape, FullOptionAndHeadTailSizes) {
  inspect::TableOptions full;
  full.full = true;
  EXPECT_EQ(inspect_test::lines(inspect::format_table(inspect::record(tape), full)).size(), 104u);
  inspect::TableOptions short_view;
  short_view.head = 2;
  short_view.tail = 1;
  const auto rows = inspect_test::lines(inspect::format_table(inspect::record(tape), short_view));
  ASSERT_EQ(rows.size(), 1u + 1u + 2u + 1u + 1u + 1u + 5u);
  EXPECT_EQ(rows[4], "... 99 nodes not shown (ids 2 to 100; print with {:full} or --full)");
}

TEST(FormatTable, FortyNodesAreNotSummarised) {
  tapegrad::Tape<double> tape;
  (void)inspect_test::record_mlp(tape, 9);  // 38 nodes
  (void)tapegrad::sum(tape.constant(tapegrad::Tensor<double>{1.0}));
  ASSERT_EQ(tape.size(), 40u);
  EXPECT_EQ(inspect_test::lines(inspect::format_table(inspect::record(tape))).size(), 42u);
}

TEST(Formatter, PrintsTapesAndRecordsAsTheTable) {
  lecture::Network net;
  tapegrad::Tape<double> tape;
  tape.backward(net.forward(tape).loss);
  EXPECT_EQ(fmt::format("{}", tape), kLectureAfter);
  EXPECT_EQ(fmt::format("{:full}", tape), kLectureAfter);
  EXPECT_EQ(fmt::format("{}", inspect::record(tape)), kLectureAfter);
}

TEST(Formatter, FullSpecPrintsEveryNode) {
  tapegrad::Tape<float> tape;
  (void)inspect_test::record_mlp(tape, 25);
  EXPECT_EQ(inspect_test::lines(fmt::format("{}", tape)).size(), 29u);
  EXPECT_EQ(inspect_test::lines(fmt::format("{:full}", tape)).size(), 104u);
  EXPECT_EQ(inspect_test::lines(fmt::format("{:full}", inspect::record(tape))).size(), 104u);
}

TEST(Formatter, RejectsOtherSpecs) {
  tapegrad::Tape<double> tape;
  (void)tape.constant(tapegrad::Tensor<double>{1.0});
  EXPECT_THROW((void)fmt::format(fmt::runtime("{:fu}"), tape), fmt::format_error);
  EXPECT_THROW((void)fmt::format(fmt::runtime("{:>10}"), tape), fmt::format_error);
  EXPECT_THROW((void)fmt::format(fmt::runtime("{:fullx}"), inspect::record(tape)),
               fmt::format_error);
}

}  // namespace

namespace {

TEST(FormatTable, EmptyTensorWithAHugeDimensionPrintsAtOnce) {
  // A loaded file may pair a dimension of 2⁴⁰ with a zero: nothing to print.
  inspect::TapeRecord record;
  record.dtype = "float64";
  record.nodes.emplace_back();
  record.nodes[0].kind = inspect::NodeKind::constant;
  record.nodes[0].shape = {std::size_t{1} << 40, 0};
  const auto rows = inspect_test::lines(inspect::format_table(record));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2], " 0  constant                 (1099511627776, 0)  float64  no     []");
}

TEST(FormatTable, ControlCharactersInLabelsAndOpsAreEscaped) {
  // Labels are user text and files can hold anything: none reaches the
  // terminal raw (ESC, BEL, tab, newline, and U+009B, the one-byte CSI).
  inspect::TapeRecord record;
  record.dtype = "float64";
  record.output = 1;
  record.nodes.resize(2);
  record.nodes[0].kind = inspect::NodeKind::variable;
  record.nodes[0].label = "\x1b[2Jx\ty";
  record.nodes[1].id = 1;
  record.nodes[1].kind = inspect::NodeKind::op;
  record.nodes[1].op = "neg\u009b";
  record.nodes[1].label = "L\a\n";
  record.nodes[1].inputs = {0};
  const auto rows = inspect_test::lines(inspect::format_table(record));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], "tape: 2 nodes (float64), backward from node 1 'L\\x07\\n'");
  EXPECT_EQ(rows[2],
            " 0  variable   \\x1b[2Jx\\ty          ()     float64  no     min 0 mean 0 max 0");
  EXPECT_EQ(rows[3],
            " 1  neg\\u009b  L\\x07\\n      0       ()     float64  no     min 0 mean 0 max 0");
}

}  // namespace
