// to_dot(): the lecture's graph has the expected nodes, edges, styles and
// gradient norms, escapes hostile labels, and Graphviz accepts it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <tapegrad/inspect.hpp>

#include "inspect/inspect_support.hpp"

namespace {

namespace inspect = tapegrad::inspect;

class LectureDot : public ::testing::Test {
 protected:
  void SetUp() override {
    tape.backward(net.forward(tape).loss);
    dot = inspect::to_dot(tape);
  }
  lecture::Network net;
  tapegrad::Tape<double> tape;
  std::string dot;
};

TEST_F(LectureDot, HasEveryNodeStyledByKind) {
  EXPECT_EQ(dot.rfind("digraph tape {\n", 0), 0u);
  EXPECT_NE(dot.find("  n0 [label=\"x\\nconstant\\n(2,)\", shape=box, style=filled, "
                     "fillcolor=\"#e0e0e0\"];\n"),
            std::string::npos);
  EXPECT_NE(dot.find("  n1 [label=\"W(1)\\nparameter\\n(2, 2)\\ngrad norm 0.00668836\", "
                     "shape=box3d, style=filled, fillcolor=\"#ffe082\"];\n"),
            std::string::npos);
  EXPECT_NE(dot.find("  n5 [label=\"h(1)\\nsigmoid\\n(2,)\\ngrad norm 0.0555423\", "
                     "shape=ellipse, style=filled, fillcolor=\"#bbdefb\"];\n"),
            std::string::npos);
  // The output: its attribute by meaning (the mse reduction, not "mean = 0"), double border.
  EXPECT_NE(dot.find("  n12 [label=\"L\\nmse\\nreduction: sum\\n()\\ngrad norm 1\", shape=ellipse, "
                     "style=filled, fillcolor=\"#bbdefb\", peripheries=2, color=\"#c62828\", "
                     "penwidth=2];\n"),
            std::string::npos);
  EXPECT_EQ(dot.substr(dot.size() - 2), "}\n");
}

TEST_F(LectureDot, HasOneEdgePerInputLabelledWithItsShape) {
  for (const char* edge :
       {"n1 -> n3 [label=\"(2, 2)\"]", "n0 -> n3 [label=\"(2,)\"]", "n3 -> n4 [label=\"(2,)\"]",
        "n2 -> n4 [label=\"(2,)\"]", "n4 -> n5", "n6 -> n8 [label=\"(2, 2)\"]", "n5 -> n8",
        "n8 -> n9", "n7 -> n9", "n9 -> n10", "n10 -> n12", "n11 -> n12"}) {
    EXPECT_NE(dot.find(edge), std::string::npos) << edge;
  }
  std::size_t edges = 0;
  for (std::size_t at = dot.find(" -> "); at != std::string::npos; at = dot.find(" -> ", at + 1))
    ++edges;
  EXPECT_EQ(edges, 12u);
}

TEST(Dot, BeforeBackwardHasNoGradientsAndNoOutput) {
  lecture::Network net;
  tapegrad::Tape<double> tape;
  (void)net.forward(tape);
  const std::string dot = inspect::to_dot(tape);
  EXPECT_EQ(dot.find("grad norm"), std::string::npos);
  EXPECT_EQ(dot.find("peripheries"), std::string::npos);
}

TEST(Dot, EscapesQuotesBackslashesAndControlCharacters) {
  tapegrad::Tape<float> tape;
  (void)tape.variable(tapegrad::Tensor<float>{1.0f}, "say \"hi\"\\n\tnow\nnext");
  const std::string dot = inspect::to_dot(tape);
  EXPECT_NE(dot.find("[label=\"say \\\"hi\\\"\\\\n now\\nnext\\nvariable\\n(1,)\", shape=box, "
                     "style=filled, fillcolor=\"#c8e6c9\"]"),
            std::string::npos)
      << dot;
}

TEST(Dot, GraphvizAcceptsIt) {
  if (std::system("command -v dot >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "Graphviz's dot is not on PATH";
  lecture::Network net;
  tapegrad::Tape<double> tape;
  tape.backward(net.forward(tape).loss);
  (void)tape.variable(tapegrad::Tensor<double>{1.0}, "quote \" backslash \\ brace } <html>");
  const auto dir =
      std::filesystem::temp_directory_path() / ("tapegrad_dot_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "tape.dot") << inspect::to_dot(tape);
  const std::string command = "dot -Tsvg '" + (dir / "tape.dot").string() + "' -o '" +
                              (dir / "tape.svg").string() + "' 2>/dev/null";
  EXPECT_EQ(std::system(command.c_str()), 0);
  EXPECT_GT(std::filesystem::file_size(dir / "tape.svg"), 1000u);
  std::filesystem::remove_all(dir);
}

}  // namespace
