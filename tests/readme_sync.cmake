# ctest: fails unless README.md contains FILE verbatim inside a ```cpp block,
# so the README's example is exactly the one the build compiles and runs.
# Variables: README, FILE.
file(READ ${README} readme)
file(READ ${FILE} code)
string(FIND "${readme}" "```cpp\n${code}```" position)
if(position EQUAL -1)
  message(FATAL_ERROR "README.md does not show ${FILE} verbatim in a ```cpp block")
endif()
