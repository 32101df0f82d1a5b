#pragma once
// Note [A plugin's registrations are pending until load_ops commits them]
// While load_ops() loads a library, every registration made on the loading
// thread (OpRegistration and Registry::add from static initialisers, and
// PluginRegistrar from the entry point, tapegrad_register_ops) joins one
// PendingRegistrations instead of the registry. load_ops then commits the
// whole set, both value types, or none of it. So a refused entry never leaves
// its siblings registered, and nothing refused in a static initialiser has to
// be thrown there, where a throw ends the program.

#include <string>
#include <vector>

#include "tapegrad/core/registry.hpp"

namespace tapegrad {

struct PendingRegistrations {
  std::vector<OpInfo<float>> floats;
  std::vector<OpInfo<double>> doubles;
  /// Entries refused before they could join (incomplete ones), with why.
  std::vector<std::string> refusals;

  template <class T>
  std::vector<OpInfo<T>>& of() {
    if constexpr (sizeof(T) == sizeof(float))
      return floats;
    else
      return doubles;
  }
};

/// The set this thread's registrations join, or nullptr when no load_ops()
/// is loading a library on this thread.
PendingRegistrations* collecting_registrations() noexcept;

/// Routes this thread's registrations into `pending` while alive.
class CollectRegistrations {
 public:
  explicit CollectRegistrations(PendingRegistrations& pending) noexcept;
  ~CollectRegistrations();
  CollectRegistrations(const CollectRegistrations&) = delete;
  CollectRegistrations& operator=(const CollectRegistrations&) = delete;

 private:
  PendingRegistrations* previous_;
};

struct CommitResult {
  /// The names added (float, double or both), sorted; empty when refused.
  std::vector<std::string> names;
  /// Why the set was refused (names taken, or taken twice within the set);
  /// when not empty, nothing was added.
  std::vector<std::string> refusals;
};

/// Adds every pending entry to the global registries, or none of them.
class RegistryTransaction {
 public:
  static CommitResult commit(PendingRegistrations&& pending);
};

}  // namespace tapegrad
