// A plugin whose static initialiser says why on stderr, then aborts.
#include <cstdio>
#include <cstdlib>

#include "doubling_op.hpp"

namespace {
struct Name {
  static constexpr std::string_view value = "plugin_test_aborting_initialiser";
};
const tapegrad::OpRegistration<test_plugins::Doubling<Name>::Op> registration("aborting plugin");

struct Aborts {
  Aborts() {
    std::fputs("aborting plugin: giving up\n", stderr);
    std::abort();
  }
} aborts;
}  // namespace
