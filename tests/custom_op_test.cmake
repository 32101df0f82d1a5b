# ctest driver for examples/custom_op: installs the built tapegrad into a
# scratch prefix, then configures and builds the example against it with
# -std=c++${STANDARD} and default flags (its own -Wall -Wextra -Wpedantic, with
# warnings as errors), and runs mlp_direct and mlp_plugin through the
# example's own tests.
# Variables: BUILD_DIR, SOURCE_DIR, WORK_DIR, PREFIX, STANDARD.
set(example_build ${WORK_DIR}/build-cxx${STANDARD})
file(REMOVE_RECURSE ${example_build})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${ARGN}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX})
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${example_build}
    -DCMAKE_PREFIX_PATH=${PREFIX} -DCMAKE_CXX_STANDARD=${STANDARD}
    -DCMAKE_CXX_STANDARD_REQUIRED=ON -DCMAKE_BUILD_TYPE= -DCMAKE_COMPILE_WARNING_AS_ERROR=ON)
run(${CMAKE_COMMAND} --build ${example_build})
run(${CMAKE_CTEST_COMMAND} --test-dir ${example_build} --output-on-failure)
