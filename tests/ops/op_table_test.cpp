// Every case of the op table (op_cases.hpp) against finite differences in
// float64: the typed function, and the op by name where the case is one call
// of it.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "ops/op_cases.hpp"
#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

TEST(OpTable, EveryCasePassesGradcheck) {
  std::set<std::string> covered;
  for (const testing::OpCase<double>& c : testing::op_cases<double>()) {
    TG_EXPECT_GRADCHECK(gradcheck(testing::gradcheck_function(c), c.inputs),
                        c.op << " " << c.label);
    if (c.by_name && c.constants.empty()) {
      TG_EXPECT_GRADCHECK(gradcheck(c.op, c.inputs, *c.by_name),
                          c.op << " " << c.label << " by name");
    }
    covered.insert(c.op);
  }
  testing::expect_covers_builtins(covered, "gradcheck");
}

}  // namespace
}  // namespace tapegrad
