// A plugin whose entry point registers an op, then throws.
#include <stdexcept>

#include "doubling_op.hpp"

namespace {
struct Name {
  static constexpr std::string_view value = "plugin_test_entry_throws";
};
}  // namespace

TAPEGRAD_PLUGIN(registrar) {
  registrar.add<test_plugins::Doubling<Name>::Op>();
  throw std::runtime_error("no configuration found");
}
