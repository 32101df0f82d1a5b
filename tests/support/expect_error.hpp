#pragma once
// The message of the exception of type E that f() throws (a test failure,
// and an empty message, when it throws none), and a check that a message
// holds a fragment.

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace tapegrad::testing {

template <class E, class F>
std::string expect_error(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an exception";
  return {};
}

inline void expect_contains(const std::string& message, const std::string& fragment) {
  EXPECT_NE(message.find(fragment), std::string::npos)
      << "\"" << fragment << "\" not in: " << message;
}

/// That f() throws E with `fragment` in its message.
template <class E, class F>
void expect_error(F&& f, const std::string& fragment) {
  expect_contains(expect_error<E>(std::forward<F>(f)), fragment);
}

}  // namespace tapegrad::testing
