// The README's "Built-in ops" table names every registered built-in, so a
// reader looking for an op finds it there (the op table of tests/ops/op_cases
// is the other half of "stated once": it drives the numeric tests).

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "ops/op_cases.hpp"

namespace tapegrad {
namespace {

/// The README's text from `### Built-in ops` up to the next heading of any level.
std::string builtin_ops_section() {
  std::ifstream in(TAPEGRAD_README);
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const std::string heading = "\n### Built-in ops\n";
  const std::size_t begin = readme.find(heading);
  if (begin == std::string::npos)
    return {};
  const std::size_t end = readme.find("\n#", begin + heading.size());
  return readme.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

TEST(ReadmeOpTable, NamesEveryRegisteredBuiltin) {
  const std::string section = builtin_ops_section();
  ASSERT_FALSE(section.empty()) << "README.md (" << TAPEGRAD_README
                                << ") has no '### Built-in ops' section";
  for (const std::string& name : testing::builtin_names()) {
    EXPECT_NE(section.find("`" + name + "`"), std::string::npos)
        << "README.md's Built-in ops table does not name the registered op `" << name << "`";
  }
}

}  // namespace
}  // namespace tapegrad
