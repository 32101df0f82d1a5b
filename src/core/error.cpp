#include "tapegrad/core/error.hpp"

#include <utility>

#include <fmt/format.h>

namespace tapegrad {
namespace {

std::string compose(const std::string& detail, const ErrorSite& site) {
  std::string message = "tapegrad: ";
  if (!site.op.empty())
    message += fmt::format("{}: ", site.op);
  message += detail;
  if (site.node) {
    message += fmt::format(" [node {}", *site.node);
    if (!site.label.empty())
      message += fmt::format(" '{}'", site.label);
    message += "]";
  }
  return message;
}

}  // namespace

Error::Error(const std::string& detail, ErrorSite site)
    : std::runtime_error(compose(detail, site)), site_(std::move(site)), detail_(detail) {}

// Out-of-line destructors anchor each class's vtable and typeinfo in the
// shared library, so a consumer's catch clause matches what we throw.
Error::~Error() = default;
ShapeError::~ShapeError() = default;
ValueError::~ValueError() = default;
TapeMismatchError::~TapeMismatchError() = default;
StaleVarError::~StaleVarError() = default;
CapacityError::~CapacityError() = default;
ConcurrentUseError::~ConcurrentUseError() = default;
GradientError::~GradientError() = default;
ReplayError::~ReplayError() = default;
StateReleasedError::~StateReleasedError() = default;
AnomalyError::~AnomalyError() = default;
FileError::~FileError() = default;
UnknownOpError::~UnknownOpError() = default;
RegistryError::~RegistryError() = default;

}  // namespace tapegrad
