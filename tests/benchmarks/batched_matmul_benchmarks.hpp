#pragma once
// The rank-3 matmul benchmarks (batched_matmul_benchmarks.cpp), registered
// by engine_benchmark.cpp's main.

namespace tapegrad::bench {

/// Registers batched_matmul_vs_loop/…: rank-3 × rank-3 and rank-3 × matrix
/// products, forward and forward + backward, each against the same GEMMs
/// called in a loop, interleaved, as a median ratio.
void register_batched_matmul_benchmarks();

}  // namespace tapegrad::bench
