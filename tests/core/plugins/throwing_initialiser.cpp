// A plugin with an op registration and a global whose constructor throws:
// loaded in the process, it would end it with std::terminate.
#include <stdexcept>

#include "doubling_op.hpp"

namespace {
struct Name {
  static constexpr std::string_view value = "plugin_test_throwing_initialiser";
};
const tapegrad::OpRegistration<test_plugins::Doubling<Name>::Op> registration("throwing plugin");

struct Throws {
  Throws() { throw std::runtime_error("the plugin's global could not start"); }
} throws;
}  // namespace
