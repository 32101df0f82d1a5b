#pragma once
// Note [Probing a plugin in a child process]
// An exception that leaves a static initialiser of a library that dlopen
// loads cannot be handled safely inside the process. Either it meets a frame
// without a handler entry (a caller that trusts glibc's noexcept declaration
// of dlopen) and std::terminate ends the process, or it unwinds through the
// dynamic loader, which is not built for it: the loader's lock stays held
// (dlopen in any other thread then blocks forever) and the library stays half
// initialised. So load_ops first loads the library in a forked child, whose
// initialisers run and which reports whether dlopen returned; if the child
// ended instead (an exception, abort(), a crash, exit()), nothing is loaded
// here and load_ops throws PluginError saying how the child ended. Both
// dlopen calls sit in noexcept functions (open_library), so an escaping
// exception always means std::terminate, never unwinding into our frames.
// The cost: a fork, and the plugin's static initialisers run twice, so
// effects outside the process (files, sockets) happen twice;
// PluginOptions::probe turns the probe off. As after any fork of a threaded
// program, the child could block on a lock another thread held at the fork;
// the loader's own lock is not one (glibc resets it in the child: a probe
// while another thread sits in a slow dlopen finishes at once, tried).

#include <string>

namespace tapegrad {

struct ProbeOutcome {
  enum class Kind { loads, not_loadable, ends_the_process };
  Kind kind = Kind::loads;
  /// dlerror()'s reason, or how the child ended and its last words on stderr.
  std::string detail;
};

/// dlopen(path, RTLD_NOW | RTLD_LOCAL), with std::terminate for an exception
/// that a static initialiser lets escape (see the note).
void* open_library(const std::string& path) noexcept;

/// Loads the library at `path` in a forked child process (stdin and stdout
/// /dev/null, stderr captured) and says what happened. Throws PluginError when
/// the child cannot be started.
ProbeOutcome probe_in_child(const std::string& path);

}  // namespace tapegrad
