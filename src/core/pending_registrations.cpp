#include "core/pending_registrations.hpp"

namespace tapegrad {
namespace {
thread_local PendingRegistrations* collecting = nullptr;
}  // namespace

PendingRegistrations* collecting_registrations() noexcept {
  return collecting;
}

CollectRegistrations::CollectRegistrations(PendingRegistrations& pending) noexcept
    : previous_(collecting) {
  collecting = &pending;
}

CollectRegistrations::~CollectRegistrations() {
  collecting = previous_;
}

}  // namespace tapegrad
