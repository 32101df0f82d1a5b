# Assertions shared by the tests written as CMake scripts (cmake -P).
function(expect_contains text fragment)
  string(FIND "${text}" "${fragment}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected to find\n  ${fragment}\nin\n${text}")
  endif()
endfunction()
