# ctest driver for a project outside tapegrad's tree (tests/consumer,
# examples/custom_op): installs the built tapegrad into a scratch prefix,
# then configures the project against it with -std=c++${STANDARD} and default
# flags (warnings as errors), builds it and runs the project's own tests.
# Variables: BUILD_DIR, SOURCE_DIR, WORK_DIR, PREFIX, STANDARD.
set(project_build ${WORK_DIR}/build-cxx${STANDARD})
file(REMOVE_RECURSE ${project_build})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${ARGN}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX})
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${project_build}
    -DCMAKE_PREFIX_PATH=${PREFIX} -DCMAKE_CXX_STANDARD=${STANDARD}
    -DCMAKE_CXX_STANDARD_REQUIRED=ON -DCMAKE_BUILD_TYPE= -DCMAKE_COMPILE_WARNING_AS_ERROR=ON)
run(${CMAKE_COMMAND} --build ${project_build})
run(${CMAKE_CTEST_COMMAND} --test-dir ${project_build} --output-on-failure)
