#include "tapegrad/dist/data_parallel.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>

#include <fmt/format.h>

#include "dist/mpi_type.hpp"
#include "tapegrad/core/error.hpp"
#include "tapegrad/dist/parameters.hpp"

namespace tapegrad::dist {

// See Note [Buckets overlapped with the sweep] in data_parallel.hpp.

template <class T>
DataParallel<T>::DataParallel(nn::Optimizer<T>& optimizer, const DataParallelOptions& options)
    : optimizer_(optimizer), options_(options), parameters_(optimizer.parameters()) {
  MPI_Comm_rank(options_.comm, &rank_);
  MPI_Comm_size(options_.comm, &size_);
  check_same_parameters(parameters_, "dist::DataParallel", options_.comm);
  broadcast_parameters(parameters_, 0, options_.comm);
  for (std::size_t k = 0; k < parameters_.size(); ++k)
    index_.emplace(parameters_[k], k);
  std::vector<std::size_t> reversed(parameters_.size());
  for (std::size_t k = 0; k < reversed.size(); ++k)
    reversed[k] = reversed.size() - 1 - k;
  build_buckets(reversed);
}

template <class T>
DataParallel<T>::~DataParallel() {
  // Only after an exception between a bucket's start and finish_step():
  // all-reduces still in flight. Waiting could hang (the other ranks may
  // never join them) and MPI may still write into the buffers, so they are
  // leaked on purpose; Context::run then ends the job.
  for (Bucket& bucket : buckets_) {
    if (bucket.request != MPI_REQUEST_NULL)
      static_cast<void>(new std::vector<T>(std::move(bucket.buffer)));
  }
}

template <class T>
void DataParallel<T>::build_buckets(const std::vector<std::size_t>& order) {
  buckets_.clear();
  slots_.assign(parameters_.size(), Slot{});
  const std::size_t capacity = std::max<std::size_t>(1, options_.bucket_bytes / sizeof(T));
  std::size_t filled = 0;
  for (std::size_t k : order) {
    const std::size_t n = parameters_[k]->value().size();
    if (buckets_.empty() || (filled > 0 && filled + n > capacity)) {
      buckets_.emplace_back();
      filled = 0;
    }
    buckets_.back().members.push_back(k);
    filled += n;
  }
  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    Bucket& bucket = buckets_[b];
    std::size_t offset = 0;
    for (std::size_t k : bucket.members) {
      slots_[k].bucket = b;
      slots_[k].offset = offset;
      offset += parameters_[k]->value().size();
    }
    for (std::size_t i = 0; i < bucket.members.size(); ++i)
      slots_[bucket.members[i]].count_at = offset + i;
    if (offset + bucket.members.size() > static_cast<std::size_t>(INT_MAX)) {
      throw ValueError(fmt::format("the bucket of '{}' holds {} elements, more than one MPI call "
                                   "takes ({}): lower bucket_bytes",
                                   parameters_[bucket.members[0]]->label(),
                                   offset + bucket.members.size(), INT_MAX),
                       {"dist::DataParallel", std::nullopt, {}});
    }
    bucket.buffer.assign(offset + bucket.members.size(), T(0));
  }
  ready_order_.reserve(parameters_.size());
}

template <class T>
void DataParallel<T>::backward(Tape<T>& tape, Var<T> loss) {
  tape.backward(loss, {.gradient_ready = this});
  finish_step();
}

template <class T>
void DataParallel<T>::gradient_ready(Parameter<T>& parameter) {
  if (no_sync_depth_ > 0)
    return;  // accumulate in parameter.grad() for a later step
  const auto found = index_.find(&parameter);
  if (found == index_.end() || slots_[found->second].ready)
    return;
  ++current_.parameters_reported;
  current_.started_before_last_report = current_.started_during_sweep;
  ready_order_.push_back(found->second);
  put(found->second, true);
  const std::size_t before = next_to_start_;
  start_ready_buckets();
  current_.started_during_sweep += next_to_start_ - before;
  // OpenMPI progresses a non-blocking collective only inside MPI calls.
  for (std::size_t b = 0; b < next_to_start_; ++b) {
    if (buckets_[b].request != MPI_REQUEST_NULL) {
      int done = 0;
      MPI_Test(&buckets_[b].request, &done, MPI_STATUS_IGNORE);
    }
  }
}

template <class T>
void DataParallel<T>::put(std::size_t k, bool has_gradient) {
  Slot& slot = slots_[k];
  Bucket& bucket = buckets_[slot.bucket];
  T* out = bucket.buffer.data() + slot.offset;
  const Parameter<T>& p = *parameters_[k];
  if (has_gradient)
    std::copy_n(p.grad().data(), p.grad().size(), out);
  else
    std::fill_n(out, p.value().size(), T(0));
  bucket.buffer[slot.count_at] = has_gradient ? T(1) : T(0);
  slot.ready = true;
  ++bucket.ready;
}

template <class T>
void DataParallel<T>::start_ready_buckets() {
  while (next_to_start_ < buckets_.size() &&
         buckets_[next_to_start_].ready == buckets_[next_to_start_].members.size()) {
    Bucket& bucket = buckets_[next_to_start_++];
    MPI_Iallreduce(MPI_IN_PLACE, bucket.buffer.data(), static_cast<int>(bucket.buffer.size()),
                   detail::mpi_type<T>(), MPI_SUM, options_.comm, &bucket.request);
    current_.bytes_reduced += bucket.buffer.size() * sizeof(T);
  }
}

template <class T>
void DataParallel<T>::finish_step() {
  if (no_sync_depth_ > 0)
    return;
  // Parameters the sweep did not report: what they accumulated under
  // no_sync, or zeros with a count of 0.
  for (std::size_t k = 0; k < parameters_.size(); ++k) {
    if (!slots_[k].ready)
      put(k, !parameters_[k]->grad_is_zero());
  }
  start_ready_buckets();
  wait_and_average();
  optimizer_.step();
  current_.buckets = buckets_.size();
  stats_ = current_;
  current_ = StepStats{};
  if (!layout_from_rank0_)
    adopt_rank0_order();
  reset_step();
}

template <class T>
void DataParallel<T>::wait_and_average() {
  const auto begin = std::chrono::steady_clock::now();
  for (Bucket& bucket : buckets_)
    MPI_Wait(&bucket.request, MPI_STATUS_IGNORE);
  current_.wait_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  const T ranks = static_cast<T>(size_);
  for (std::size_t k = 0; k < parameters_.size(); ++k) {
    const Slot& slot = slots_[k];
    const Bucket& bucket = buckets_[slot.bucket];
    Parameter<T>& p = *parameters_[k];
    if (bucket.buffer[slot.count_at] == T(0)) {
      p.zero_grad();  // no rank had a gradient: the optimiser skips it
      continue;
    }
    T* grad = p.accumulation_target().first->data();
    const T* sum = bucket.buffer.data() + slot.offset;
    for (std::size_t i = 0, n = p.value().size(); i < n; ++i)
      grad[i] = sum[i] / ranks;
  }
}

template <class T>
void DataParallel<T>::adopt_rank0_order() {
  // Rank 0's ready order, then what it never reported, in the first layout.
  std::vector<std::uint64_t> order(ready_order_.begin(), ready_order_.end());
  for (const Bucket& bucket : buckets_) {
    for (std::size_t k : bucket.members) {
      if (std::find(ready_order_.begin(), ready_order_.end(), k) == ready_order_.end())
        order.push_back(k);
    }
  }
  MPI_Bcast(order.data(), static_cast<int>(order.size()), MPI_UINT64_T, 0, options_.comm);
  build_buckets(std::vector<std::size_t>(order.begin(), order.end()));
  layout_from_rank0_ = true;
}

template <class T>
void DataParallel<T>::reset_step() {
  for (Slot& slot : slots_)
    slot.ready = false;
  for (Bucket& bucket : buckets_)
    bucket.ready = 0;
  ready_order_.clear();
  next_to_start_ = 0;
}

template class DataParallel<float>;
template class DataParallel<double>;

}  // namespace tapegrad::dist
