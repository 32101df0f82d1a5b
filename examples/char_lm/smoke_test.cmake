# ctest: trains char_lm on 300 words for 2 epochs twice — straight through,
# and stopped after epoch 1 then resumed from its checkpoint — and fails
# unless both write their files and print the same losses (the checkpoint
# resumes bit for bit, so the printed digits must agree exactly).
# Variables: PROGRAM, OUT, MODEL (lstm or transformer).
set(common --model ${MODEL} --limit 300 --epochs 2 --hidden 32 --embed-dim 16 --samples 3)

function(run_char_lm out_var)
  execute_process(COMMAND ${PROGRAM} ${common} ${ARGN}
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  message("${output}${errors}")
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "char_lm ${ARGN} exited with ${result}")
  endif()
  set(${out_var} "${output}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${OUT})
run_char_lm(straight --out ${OUT}/straight)
run_char_lm(first --out ${OUT}/resumed --stop-after 1)
run_char_lm(second --out ${OUT}/resumed --resume)

foreach(dir straight resumed)
  foreach(file curves.csv tape.html checkpoint/manifest.txt checkpoint/head.W.npy)
    if(NOT EXISTS ${OUT}/${dir}/${file})
      message(FATAL_ERROR "${OUT}/${dir}/${file} is missing")
    endif()
  endforeach()
endforeach()
if(NOT straight MATCHES "3-gram baseline [^\n]*validation [0-9.]+, test [0-9.]+ nats/symbol")
  message(FATAL_ERROR "no 3-gram baseline line")
endif()
if(NOT first MATCHES "stopped after epoch 1" OR first MATCHES "epoch  2/2")
  message(FATAL_ERROR "--stop-after 1 did not stop after epoch 1")
endif()
if(NOT second MATCHES "resumed from [^\n]* after epoch 1" OR second MATCHES "epoch  1/2")
  message(FATAL_ERROR "--resume did not continue after epoch 1")
endif()

# The losses of epoch 2, the test loss and the samples of both runs.
set(pattern "epoch  2/2  train [0-9.]+  validation [0-9.]+")
foreach(run straight second)
  string(REGEX MATCH "${pattern}" ${run}_epoch "${${run}}")
  string(REGEX MATCH "test [0-9.]+ nats/symbol" ${run}_test "${${run}}")
  string(REGEX MATCH "samples [^\n]*" ${run}_samples "${${run}}")
  if(NOT ${run}_epoch OR NOT ${run}_test OR NOT ${run}_samples)
    message(FATAL_ERROR "the ${run} run printed no epoch 2 line, test loss or samples")
  endif()
endforeach()
if(NOT straight_epoch STREQUAL second_epoch OR NOT straight_test STREQUAL second_test OR
   NOT straight_samples STREQUAL second_samples)
  message(FATAL_ERROR "resumed run differs from the straight one:\n"
    "  ${straight_epoch} | ${straight_test} | ${straight_samples}\n"
    "  ${second_epoch} | ${second_test} | ${second_samples}")
endif()
# The resumed run's curves keep epoch 1 from before the interruption.
file(STRINGS ${OUT}/resumed/curves.csv rows)
list(LENGTH rows count)
if(NOT count EQUAL 3)
  message(FATAL_ERROR "resumed curves.csv has ${count} lines, not a header and 2 epochs")
endif()
message("resumed run matches the straight one: ${second_epoch}, ${second_test}")
