#include <gtest/gtest.h>

#include <string>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

TEST(Threads, SetAndReadBack) {
  set_num_threads(2);
  EXPECT_EQ(num_threads(), 2);
  set_num_threads(1);
  EXPECT_EQ(num_threads(), 1);
}

TEST(Threads, FewerThanOneIsAValueError) {
  try {
    set_num_threads(0);
    FAIL() << "0 threads were accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("at least 1 thread, got 0"), std::string::npos);
  }
  EXPECT_GE(num_threads(), 1);
}

}  // namespace
}  // namespace tapegrad
