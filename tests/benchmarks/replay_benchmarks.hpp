#pragma once
// Tape::replay's benchmarks (replay_benchmarks.cpp), registered by
// engine_benchmark.cpp's main.

namespace tapegrad::bench {

/// Registers replay/scalar_chain (replay + backward of the recorded chain, in
/// ns per op, beside scalar_chain's record + backward) and replay/mlp_step/…
/// (a new mini-batch replayed through the recorded MLP step, beside
/// mlp_step/…, which records it).
void register_replay_benchmarks();

}  // namespace tapegrad::bench
