# Warning and sanitizer flags for tapegrad's own targets (never exported).
add_library(tapegrad_warnings INTERFACE)
target_compile_options(tapegrad_warnings INTERFACE -Wall -Wextra -Wpedantic)

add_library(tapegrad_sanitize INTERFACE)
if(TAPEGRAD_SANITIZE)
  target_compile_options(tapegrad_sanitize INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(tapegrad_sanitize INTERFACE -fsanitize=address,undefined)
  # Out-of-bounds xtensor accesses become exceptions instead of silent reads.
  target_compile_definitions(tapegrad_sanitize INTERFACE XTENSOR_ENABLE_ASSERT)
endif()

# ThreadSanitizer (the `tsan` preset, which builds only the thread tests).
if(TAPEGRAD_TSAN)
  if(TAPEGRAD_SANITIZE OR TAPEGRAD_FUZZ)
    message(FATAL_ERROR "TAPEGRAD_TSAN cannot be combined with ASan (TAPEGRAD_SANITIZE, TAPEGRAD_FUZZ)")
  endif()
  target_compile_options(tapegrad_sanitize INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(tapegrad_sanitize INTERFACE -fsanitize=thread)
endif()

# Fuzzing: coverage for libFuzzer plus ASan and UBSan on everything we build;
# the fuzz targets add -fsanitize=fuzzer when linking (tests/fuzz).
if(TAPEGRAD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "TAPEGRAD_FUZZ needs clang++ (libFuzzer); use the `fuzz` preset")
  endif()
  # -Wno-pass-failed: at -O1 under sanitizers clang cannot always honour
  # `#pragma omp simd` (src/tensor/blas.cpp) and says so; speed is not the
  # point of this build.
  target_compile_options(tapegrad_sanitize INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=all -Wno-pass-failed)
  target_link_options(tapegrad_sanitize INTERFACE -fsanitize=address,undefined)
endif()

# Applies tapegrad's flags to one of its own targets.
function(tapegrad_target_defaults target)
  target_link_libraries(${target} PRIVATE tapegrad_warnings tapegrad_sanitize)
endfunction()
