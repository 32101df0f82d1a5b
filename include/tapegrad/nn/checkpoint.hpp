#pragma once
// Checkpoints: every parameter saved as "<label>.npy" in one directory
// (numpy.load reads each file), and loaded back by label. Loading is all or
// nothing: every file is read and checked (present, well-formed, the
// parameter's dtype and shape) before any parameter is assigned, so a bad
// checkpoint raises FileError and leaves the model exactly as it was.

#include <string>
#include <vector>

#include "tapegrad/core/parameter.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad::nn {

/// Writes each parameter to directory/<label>.npy (creating the directory).
/// Labels must be non-empty, unique, and made of letters, digits, '.', '_'
/// and '-' (they become file names): ValueError otherwise.
template <class T>
TAPEGRAD_EXPORT void save_checkpoint(const std::string& directory,
                                     const std::vector<Parameter<T>*>& parameters);

/// Reads directory/<label>.npy into each parameter (clearing its gradient),
/// or changes nothing.
template <class T>
TAPEGRAD_EXPORT void load_checkpoint(const std::string& directory,
                                     const std::vector<Parameter<T>*>& parameters);

}  // namespace tapegrad::nn
