# Every third-party package the build uses, found in one place.
find_package(xtensor REQUIRED)
find_package(xsimd REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json REQUIRED)
set(BLA_VENDOR OpenBLAS)
find_package(BLAS REQUIRED)
# gzip for the IDX reader (linked privately; no public header sees it).
find_package(ZLIB REQUIRED)
if(TAPEGRAD_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(TAPEGRAD_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
if(TAPEGRAD_BUILD_EXAMPLES)
  # Command-line parsing for examples/train_fashion_mnist only.
  find_package(CLI11 CONFIG REQUIRED)
endif()

# Optional: tapegrad::dist (data-parallel training) is built when MPI is found.
# Only MPI's C API is used; its C++ bindings are skipped.
if(TAPEGRAD_DIST)
  set(MPI_CXX_SKIP_MPICXX ON)
  find_package(MPI COMPONENTS CXX)
endif()
