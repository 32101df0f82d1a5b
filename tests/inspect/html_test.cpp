// to_html(): the page carries the record's JSON (which loads back equal),
// the attributes by meaning, the embedded script and style, and no label can
// break out of its <script> block or the page's title.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>

#include <tapegrad/inspect.hpp>

#include "inspect/inspect_support.hpp"

namespace {

namespace inspect = tapegrad::inspect;

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

// The text of <script type="application/json" id="ID">…</script>.
std::string data_block(const std::string& page, const std::string& id) {
  const std::string open = "<script type=\"application/json\" id=\"" + id + "\">";
  const std::size_t start = page.find(open);
  EXPECT_NE(start, std::string::npos) << id;
  if (start == std::string::npos)
    return {};
  const std::size_t from = start + open.size();
  return page.substr(from, page.find("</script>", from) - from);
}

inspect::TapeRecord lecture_record() {
  lecture::Network net;
  tapegrad::Tape<double> tape;
  tapegrad::BackpropTrace trace;
  tape.backward(net.forward(tape).loss, {.trace = &trace});
  return inspect::record(tape, {.trace = &trace});
}

TEST(Html, EmbedsTheRecordsJsonWhichLoadsBackEqual) {
  const inspect::TapeRecord record = lecture_record();
  const std::string page = inspect::to_html(record);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>\n", 0), 0u);
  const inspect::TapeRecord back = inspect::from_json_text(data_block(page, "tape-data"));
  EXPECT_EQ(back, record);
  ASSERT_TRUE(back.trace);
  EXPECT_EQ(back.trace->steps.size(), record.trace->steps.size());
  // Compact: one line (to_json's file layout, indented, is a third larger).
  const std::string json = data_block(page, "tape-data");
  EXPECT_EQ(json.find('\n'), json.size() - 1);
  EXPECT_LT(json.size() * 3, inspect::to_json(record).size() * 2);
}

TEST(Html, ShowsAttributesByMeaningNotAsNumbers) {
  const std::string page = inspect::to_html(lecture_record());
  // Node 12 is the mse loss (sum reduction); 3 and 8 the matmuls.
  EXPECT_EQ(data_block(page, "tape-attributes"),
            "{\"12\":[\"reduction: sum\"],\"3\":[\"transpose_a: no\",\"transpose_b: no\"],"
            "\"8\":[\"transpose_a: no\",\"transpose_b: no\"]}");
}

TEST(Html, InlinesTheExplorerScriptAndStyleAndRequestsNothing) {
  const std::string page = inspect::to_html(lecture_record());
  EXPECT_NE(page.find("// The tape explorer (html.cpp inlines this file"), std::string::npos);
  EXPECT_NE(page.find("/* The tape explorer's page (html.cpp inlines this file). */"),
            std::string::npos);
  EXPECT_NE(page.find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(page.find("<script src"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  // Two data blocks, the explorer, and dagre when npm was there at build time.
  EXPECT_EQ(occurrences(page, "<script"), inspect::html_has_layout_library() ? 4u : 3u);
  EXPECT_EQ(occurrences(page, "</script>"), occurrences(page, "<script"));
}

TEST(Html, HostileLabelsCannotCloseTheScriptOrTheTitle) {
  tapegrad::Tape<float> tape;
  const std::string hostile = "</script><script>alert(1)</script><!-- </SCRIPT";
  (void)tape.variable(tapegrad::Tensor<float>{1.0f}, hostile);
  const inspect::TapeRecord record = inspect::record(tape);
  const std::string page = inspect::to_html(record, {.title = "<b>\"t\" & </title>"});
  EXPECT_EQ(page.find(hostile), std::string::npos);
  EXPECT_EQ(page.find("alert(1)</script>"), std::string::npos);
  EXPECT_EQ(occurrences(page, "</script>"), occurrences(page, "<script"));
  EXPECT_NE(page.find("<title>&lt;b&gt;&quot;t&quot; &amp; &lt;/title&gt;</title>"),
            std::string::npos);
  // The escaped JSON still holds the label exactly.
  EXPECT_EQ(inspect::from_json_text(data_block(page, "tape-data")).nodes.at(0).label, hostile);
}

TEST(Html, SaveHtmlWritesThePageOrThrowsFileErrorNamingThePath) {
  const inspect::TapeRecord record = lecture_record();
  try {
    inspect::save_html(record, "/nonexistent-dir/tape.html");
    FAIL() << "expected FileError";
  } catch (const tapegrad::FileError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/tape.html: cannot write the file"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
