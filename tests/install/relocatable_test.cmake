# ctest driver: the install is relocatable. Installs the built tapegrad into a
# scratch prefix, moves the whole prefix elsewhere, builds pkgconfig_consumer.cpp
# in C++${STANDARD} with only `pkg-config --cflags --libs tapegrad` (found
# through PKG_CONFIG_PATH in the moved prefix) and runs it and the moved
# tapegrad-inspect, both without LD_LIBRARY_PATH, checking what they print
# and that they load the moved libtapegrad.
# Variables: BUILD_DIR, WORK_DIR (scratch, recreated), LIBDIR, BINDIR, CXX,
# PKG_CONFIG, LDD, SOURCE (the consumer), CORPUS (tests/fuzz/corpus/tape_json),
# STANDARD.
set(staged ${WORK_DIR}/staged)
set(moved ${WORK_DIR}/moved)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

# run(<args>...): runs a command with LD_LIBRARY_PATH removed, fails on a
# nonzero exit; sets `out`.
function(run)
  execute_process(COMMAND env -u LD_LIBRARY_PATH ${ARGN} RESULT_VARIABLE status
    OUTPUT_VARIABLE output ERROR_VARIABLE errors WORKING_DIRECTORY ${WORK_DIR})
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${ARGN}\nstdout:\n${output}\nstderr:\n${errors}")
  endif()
  set(out "${output}" PARENT_SCOPE)
endfunction()

include(${CMAKE_CURRENT_LIST_DIR}/../support/expect.cmake)

# ldd's line for libtapegrad must point into the moved prefix.
function(expect_moved_library program)
  run(${LDD} ${program})
  string(REGEX MATCH "libtapegrad\\.so\\.[0-9]+ => [^\n]*" line "${out}")
  string(FIND "${line}" "${moved}/" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${program} does not load the moved libtapegrad:\n${out}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${staged})
file(RENAME ${staged} ${moved})

# The consumer: pkg-config's flags alone (plus warnings as errors).
set(pc_env PKG_CONFIG_PATH=${moved}/${LIBDIR}/pkgconfig)
run(${pc_env} ${PKG_CONFIG} --cflags --libs tapegrad)
string(STRIP "${out}" flags)
expect_contains("${flags}" "-I${moved}/")
string(FIND "${flags}" "${staged}" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "pkg-config still names the original prefix: ${flags}")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
set(consumer ${WORK_DIR}/consumer)
run(${CXX} -std=c++${STANDARD} -Wall -Wextra -Wpedantic -Werror ${SOURCE} ${flags} -o ${consumer})
expect_moved_library(${consumer})
run(${consumer})
expect_contains("${out}" "y = [-1.5, -2.5]\nloss = 8.5\n"
  "dloss/dw[0] = [-1.5, 3]\ndloss/dw[1] = [-2.5, 5]\nfloat32 grad = [1, 2]\n"
  "tape: 5 nodes (float64), backward from node 4")
set(cplusplus_17 201703)
set(cplusplus_20 202002)
expect_contains("${out}" "C++ standard ${cplusplus_${STANDARD}}\n")

# The installed CLI, moved with its prefix.
set(inspect ${moved}/${BINDIR}/tapegrad-inspect)
expect_moved_library(${inspect})
run(${inspect} ${CORPUS}/lecture.json --stats)
expect_contains("${out}" "nodes: 13 (6 leaves, 7 ops")
run(${inspect} ${CORPUS}/trace_cost_nan.json --trace)
expect_contains("${out}" "backward trace: 2 steps from node 2 'L', seed 1\n")
