#pragma once

#include <string>

namespace tapegrad {

/// The exception being handled (in a catch block or a terminate handler):
/// its type, demangled, and its what() when it is a std::exception, as
/// `std::runtime_error ('x')`; "no exception" when there is none.
std::string describe_current_exception();

}  // namespace tapegrad
