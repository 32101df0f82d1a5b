# ctest `explorer_browser`: the tape explorer's pages in headless Chromium
# (explorer_browser.test.cjs, node's own test runner, playwright-core from the
# explorer's npm lock file). Registered only where node, Debian's chromium and
# the npm modules are; with CI=true their absence fails the configure, so CI
# cannot pass without running it.
find_program(TAPEGRAD_NODE node)
find_program(TAPEGRAD_CHROMIUM chromium)
set(playwright ${TAPEGRAD_EXPLORER_NODE_MODULES}/playwright-core)
if(TAPEGRAD_NODE AND TAPEGRAD_CHROMIUM AND EXISTS ${playwright}/package.json)
  add_executable(explorer_tapes ${CMAKE_CURRENT_LIST_DIR}/explorer_tapes.cpp)
  target_link_libraries(explorer_tapes PRIVATE tapegrad::tapegrad)
  tapegrad_target_defaults(explorer_tapes)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/explorer_browser)
  add_test(NAME explorer_browser
    COMMAND ${TAPEGRAD_NODE} --test --test-reporter=spec
      ${CMAKE_CURRENT_LIST_DIR}/explorer_browser.test.cjs)
  set_tests_properties(explorer_browser PROPERTIES
    ENVIRONMENT "NODE_PATH=${TAPEGRAD_EXPLORER_NODE_MODULES};CHROMIUM=${TAPEGRAD_CHROMIUM};LECTURE=$<TARGET_FILE:lecture>;TAPES=$<TARGET_FILE:explorer_tapes>;OUT_DIR=${out}"
    TIMEOUT 900 RUN_SERIAL ON)
elseif("$ENV{CI}" STREQUAL "true")
  message(FATAL_ERROR "CI: the explorer's browser test needs node (${TAPEGRAD_NODE}), "
    "chromium (${TAPEGRAD_CHROMIUM}) and the npm modules (${playwright}); "
    "cmake/install-deps.sh installs them")
else()
  message(STATUS "explorer_browser: not registered (needs node, chromium and npm modules)")
endif()
