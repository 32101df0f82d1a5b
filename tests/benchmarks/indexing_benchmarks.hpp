#pragma once
// The indexing ops' benchmarks (indexing_benchmarks.cpp), registered by
// engine_benchmark.cpp's main.

namespace tapegrad::bench {

/// Registers indexing/… : slice, concat, index, gather and embedding forward
/// and backward in ns per element, and the memcpy and add floors.
void register_indexing_benchmarks();

}  // namespace tapegrad::bench
