# ctest driver: installs the built tapegrad into a scratch prefix, then
# configures, builds and runs tests/consumer against it with -std=c++${STANDARD}.
# Variables: BUILD_DIR, SOURCE_DIR, WORK_DIR, STANDARD.
set(prefix ${WORK_DIR}/prefix)
set(consumer_build ${WORK_DIR}/build-cxx${STANDARD})
file(REMOVE_RECURSE ${consumer_build})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${ARGN}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${consumer_build}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_STANDARD=${STANDARD}
    -DCMAKE_CXX_STANDARD_REQUIRED=ON -DCMAKE_BUILD_TYPE=)
run(${CMAKE_COMMAND} --build ${consumer_build})
run(${consumer_build}/consumer)
