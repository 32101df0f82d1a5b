#include "tapegrad/core/exclusive_use.hpp"

#include <string>

#include "tapegrad/core/error.hpp"

namespace tapegrad::detail {

void ExclusiveUse::concurrent_use(std::string_view entry) {
  throw ConcurrentUseError(
      "called while another call is inside this tape: from a second thread (a tape is used by "
      "one thread at a time: give each thread its own tape, or hand it over between calls), "
      "or from inside an op's forward or backprop (which must not use the tape)",
      {std::string(entry), std::nullopt, {}});
}

}  // namespace tapegrad::detail
