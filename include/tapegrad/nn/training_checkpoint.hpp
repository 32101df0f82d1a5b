#pragma once
// Checkpoints that resume training exactly: the same next steps, bit for
// bit, in this process or another. A training checkpoint is a directory:
//
//   <label>.npy                     each parameter (as save_checkpoint writes it,
//                                   so load_checkpoint reads it too)
//   optimizer/<label>.<name>.npy    the optimiser's tensors (Adam's m and v,
//                                   momentum's velocity)
//   manifest.txt                    the format version, the dtype, the optimiser's
//                                   kind, its groups' rates and decays, each
//                                   parameter's group and counters (Adam's step),
//                                   the scheduler's position, the data loader's
//                                   position and generator, and each named
//                                   generator (Dropout masks), one line each,
//                                   then "end"
//
// Loading is all or nothing: every file is read and every entry checked
// against what it is loaded into before anything is assigned. A missing or
// truncated file, a bad version, a different dtype, optimiser kind, group,
// parameter name or shape, a scheduler or loader the checkpoint has not (or
// has and the state lacks), a loader over other data, or a generator missing
// is a FileError naming the file and what did not match, and nothing changes.

#include <string>
#include <utility>
#include <vector>

#include "tapegrad/core/parameter.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/nn/data_loader.hpp"
#include "tapegrad/nn/module.hpp"
#include "tapegrad/nn/optimizer.hpp"
#include "tapegrad/nn/random.hpp"
#include "tapegrad/nn/scheduler.hpp"

namespace tapegrad::nn {

/// What a training checkpoint saves and restores; null members are left out.
template <class T>
struct TrainingState {
  std::vector<Parameter<T>*> parameters;  ///< usually model.parameters()
  Optimizer<T>* optimizer = nullptr;      ///< its parameters must be among `parameters`
  LrScheduler<T>* scheduler = nullptr;
  DataLoader<T>* loader = nullptr;
  /// Other generators by name, such as random_generators(model).
  std::vector<std::pair<std::string, Rng*>> generators;
};

/// The mask generator of every Dropout in `module` and below, named by its
/// dotted path ("blocks.0.dropout"; the module's own name, or "dropout", for
/// `module` itself).
template <class T>
TAPEGRAD_EXPORT std::vector<std::pair<std::string, Rng*>> random_generators(Module<T>& module);

/// Writes `state` to `directory` (creating it); the manifest last, so a save
/// that fails part way leaves no manifest that claims the new files.
template <class T>
TAPEGRAD_EXPORT void save_training_checkpoint(const std::string& directory,
                                              const TrainingState<T>& state);

/// Restores `state` from `directory`, or changes nothing (see the top).
template <class T>
TAPEGRAD_EXPORT void load_training_checkpoint(const std::string& directory,
                                              const TrainingState<T>& state);

}  // namespace tapegrad::nn
