// A plugin registering one name twice from its entry point.
#include "doubling_op.hpp"

namespace {
struct Name {
  static constexpr std::string_view value = "plugin_test_registered_twice";
};
}  // namespace

TAPEGRAD_PLUGIN(registrar) {
  registrar.add<test_plugins::Doubling<Name>::Op>("first");
  registrar.add<test_plugins::Doubling<Name>::Op>("second");
}
