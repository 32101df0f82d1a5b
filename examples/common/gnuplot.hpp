#pragma once
// Plots drawn by gnuplot when it is on PATH (Debian: gnuplot-nox); the
// examples write their curves as CSV either way, so gnuplot stays optional.

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

/// Whether an executable `name` is in one of PATH's directories.
inline bool on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path)
    return false;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && access((dir + "/" + name).c_str(), X_OK) == 0)
      return true;
  }
  return false;
}

/// Writes `commands` to the file `script` and runs gnuplot on it; false
/// without gnuplot or when it fails.
inline bool run_gnuplot(const std::string& script, const std::string& commands) {
  if (!on_path("gnuplot"))
    return false;
  std::ofstream(script) << commands;
  const std::string command = "gnuplot '" + script + "'";
  return std::system(command.c_str()) == 0;
}
