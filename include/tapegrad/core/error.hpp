#pragma once
// tapegrad's exception types. Every error raised on behalf of a node says
// which op, which node (id and label) and, for shape problems, which shapes,
// so the message alone tells the user what to fix.

#include <optional>
#include <stdexcept>
#include <string>

#include "tapegrad/core/node_id.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad {

/// Where an error happened: the op being recorded or swept, and its node.
struct ErrorSite {
  std::string op;
  std::optional<NodeId> node;
  std::string label;
};

class TAPEGRAD_EXPORT Error : public std::runtime_error {
 public:
  explicit Error(const std::string& detail, ErrorSite site = {});
  ~Error() override;

  /// The op that failed ("" when the error is not about an op).
  const std::string& op() const noexcept { return site_.op; }
  /// The node the op was recording or sweeping, when there is one.
  std::optional<NodeId> node() const noexcept { return site_.node; }
  const std::string& label() const noexcept { return site_.label; }
  /// The message without the "tapegrad: op:" prefix and node suffix.
  const std::string& detail() const noexcept { return detail_; }

 private:
  ErrorSite site_;
  std::string detail_;
};

/// Operand shapes that an op cannot combine, or a tensor of the wrong rank.
class TAPEGRAD_EXPORT ShapeError : public Error {
 public:
  using Error::Error;
  ~ShapeError() override;
};

/// An argument outside what the op accepts (a class label out of range, an
/// axis the tensor does not have, an empty tensor where one is needed).
class TAPEGRAD_EXPORT ValueError : public Error {
 public:
  using Error::Error;
  ~ValueError() override;
};

/// Vars of two different tapes combined in one op.
class TAPEGRAD_EXPORT TapeMismatchError : public Error {
 public:
  using Error::Error;
  ~TapeMismatchError() override;
};

/// A handle used after what it names is gone: a Var after its tape's
/// reset() or destruction, a watch after its parameter's destruction.
class TAPEGRAD_EXPORT StaleVarError : public Error {
 public:
  using Error::Error;
  ~StaleVarError() override;
};

/// A tape called from a second thread while another thread is inside it
/// (see exclusive_use.hpp).
class TAPEGRAD_EXPORT ConcurrentUseError : public Error {
 public:
  using Error::Error;
  ~ConcurrentUseError() override;
};

/// A tape asked to hold more than it can address (2³² nodes or edges).
class TAPEGRAD_EXPORT CapacityError : public Error {
 public:
  using Error::Error;
  ~CapacityError() override;
};

/// A backward pass that cannot run as asked: a non-scalar output without a
/// seed, a seed of the wrong shape, a gradient asked of a node without one.
class TAPEGRAD_EXPORT GradientError : public Error {
 public:
  using Error::Error;
  ~GradientError() override;
};

/// Tape::replay() refused or failed: the tape holds nodes computed from
/// recorded values that replay cannot recompute, or the last replay stopped
/// part-way and the tape's values are mixed.
class TAPEGRAD_EXPORT ReplayError : public Error {
 public:
  using Error::Error;
  ~ReplayError() override;
};

/// A second backward through nodes whose saved state a previous backward
/// released (backward with release_saved = true).
class TAPEGRAD_EXPORT StateReleasedError : public Error {
 public:
  using Error::Error;
  ~StateReleasedError() override;
};

/// A NaN or Inf produced while anomaly mode is on (Tape::set_detect_anomaly).
class TAPEGRAD_EXPORT AnomalyError : public Error {
 public:
  using Error::Error;
  ~AnomalyError() override;
};

/// A file that cannot be used: missing or unreadable, corrupt, of a version
/// or layout this library does not read, or not matching what it should fill
/// (a checkpoint of the wrong shape). The message names the file.
class TAPEGRAD_EXPORT FileError : public Error {
 public:
  using Error::Error;
  ~FileError() override;
};

/// A name the op registry does not know; the message lists the closest names.
class TAPEGRAD_EXPORT UnknownOpError : public Error {
 public:
  using Error::Error;
  ~UnknownOpError() override;
};

/// A registration the registry refuses (a duplicate name, no factory).
class TAPEGRAD_EXPORT RegistryError : public Error {
 public:
  using Error::Error;
  ~RegistryError() override;
};

}  // namespace tapegrad
