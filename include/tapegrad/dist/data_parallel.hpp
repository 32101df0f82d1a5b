#pragma once
// Data-parallel training: every rank runs the same model on its own shard of
// each batch; gradients are summed across ranks and averaged, so every rank
// applies the same update and the weights stay equal.
//
// Note [Buckets overlapped with the sweep]
// DataParallel is the tape's gradient-ready listener (gradient_ready.hpp):
// the sweep hands it each parameter the moment its gradient is final, last
// layer first. It copies that gradient into a bucket (default 25 MiB, as
// PyTorch DDP); a bucket whose parameters are all in starts a non-blocking
// MPI_Iallreduce at once, so the all-reduce of the last layers runs while
// the sweep still computes the first layers' gradients. finish_step() waits
// for the rest, divides by the number of ranks and lets the wrapped
// optimiser update.
//
// Collectives must start in the same order on every rank, so the buckets'
// layout is the same everywhere and a bucket starts only after the buckets
// before it: the first step uses the parameters in reverse (the order a
// feed-forward sweep reports them), and after it the layout is rebuilt from
// the order rank 0 saw, broadcast to all.
//
// A parameter no gradient reached in this step (on this rank) still takes its
// place in its bucket, as zeros, with a count of the ranks that did have one
// beside it. After the all-reduce every rank sees the same counts: a count of
// 0 means no rank had a gradient, and the optimiser leaves the parameter
// alone (Adam does not advance its step); otherwise its gradient is the sum
// over ranks divided by their number, as DDP. Every bucket is all-reduced
// every step, so no rank waits for one the others skip.
//
// Gradient accumulation: inside a no_sync() scope backward only accumulates
// into parameter.grad() and finish_step() does nothing; the first step after
// it all-reduces what was accumulated.

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include <mpi.h>

#include "tapegrad/core/gradient_ready.hpp"
#include "tapegrad/core/tape.hpp"
#include "tapegrad/dist/export.hpp"
#include "tapegrad/nn/optimizer.hpp"

namespace tapegrad::dist {

struct DataParallelOptions {
  /// Bytes of gradient per bucket (a parameter larger than this has a bucket
  /// of its own).
  std::size_t bucket_bytes = std::size_t{25} << 20;
  MPI_Comm comm = MPI_COMM_WORLD;
};

/// What the last finish_step() saw.
struct StepStats {
  std::size_t buckets = 0;
  /// Buckets whose all-reduce began inside the sweep, and of those, the ones
  /// begun before the sweep reported its last parameter.
  std::size_t started_during_sweep = 0;
  std::size_t started_before_last_report = 0;
  std::size_t parameters_reported = 0;
  /// Time finish_step() spent waiting for all-reduces to complete.
  double wait_seconds = 0;
  std::size_t bytes_reduced = 0;
};

template <class T>
class TAPEGRAD_DIST_EXPORT DataParallel final : public GradientReadyListener<T> {
 public:
  /// Wraps `optimizer` (which must outlive this) for its parameters. Checks
  /// that every rank holds the same parameters (check_same_parameters, which
  /// throws ValueError naming the first difference on every rank) and makes
  /// rank 0's values everyone's. Collective.
  explicit DataParallel(nn::Optimizer<T>& optimizer, const DataParallelOptions& options = {});
  ~DataParallel() override;
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;

  /// tape.backward(loss) with this as listener, then finish_step(). After an
  /// exception inside a step the ranks disagree on what was sent: end the
  /// job (Context::run does), do not step again.
  void backward(Tape<T>& tape, Var<T> loss);
  /// For the tape: copies the gradient into its bucket, starts full buckets.
  void gradient_ready(Parameter<T>& parameter) override;
  /// After the sweep: completes the all-reduces, averages, optimiser step().
  void finish_step();

  /// While alive, backward accumulates locally without communicating.
  class [[nodiscard]] NoSync {
   public:
    explicit NoSync(DataParallel& owner) : owner_(owner) { ++owner_.no_sync_depth_; }
    ~NoSync() { --owner_.no_sync_depth_; }
    NoSync(const NoSync&) = delete;
    NoSync& operator=(const NoSync&) = delete;

   private:
    DataParallel& owner_;
  };
  NoSync no_sync() { return NoSync(*this); }

  int rank() const noexcept { return rank_; }
  int world_size() const noexcept { return size_; }
  std::size_t bucket_count() const noexcept { return buckets_.size(); }
  const StepStats& last_step() const noexcept { return stats_; }

 private:
  struct Bucket {
    std::vector<std::size_t> members;  // parameter indices, in bucket order
    std::vector<T> buffer;             // their gradients, then one count per member
    std::size_t ready = 0;
    MPI_Request request = MPI_REQUEST_NULL;
  };
  struct Slot {
    std::size_t bucket = 0;
    std::size_t offset = 0;  // of the gradient in the bucket's buffer
    std::size_t count_at = 0;
    bool ready = false;
  };

  void build_buckets(const std::vector<std::size_t>& order);
  void put(std::size_t k, bool has_gradient);
  void start_ready_buckets();
  void wait_and_average();
  void adopt_rank0_order();
  void reset_step();

  nn::Optimizer<T>& optimizer_;
  DataParallelOptions options_;
  std::vector<Parameter<T>*> parameters_;
  std::unordered_map<const Parameter<T>*, std::size_t> index_;
  std::vector<Bucket> buckets_;
  std::vector<Slot> slots_;
  std::vector<std::size_t> ready_order_;
  std::size_t next_to_start_ = 0;
  bool layout_from_rank0_ = false;
  int no_sync_depth_ = 0;
  int rank_ = 0;
  int size_ = 1;
  StepStats current_;  // of the step under way
  StepStats stats_;    // of the last finished step
};

}  // namespace tapegrad::dist
