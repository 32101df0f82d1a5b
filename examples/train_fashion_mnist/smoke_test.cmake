# ctest: runs train_fashion_mnist briefly and fails unless it exits 0 and
# prints an epoch line with a test accuracy (and the --count-subnormals
# line). Variables: PROGRAM, OUT, and
# DTYPE (float32 unless given), which the first line must name.
if(NOT DEFINED DTYPE)
  set(DTYPE float32)
endif()
execute_process(
  COMMAND ${PROGRAM} --epochs 1 --limit 2000 --out ${OUT} --dtype ${DTYPE} --count-subnormals
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE errors)
message("${output}${errors}")
if(NOT result EQUAL 0)
  message(FATAL_ERROR "train_fashion_mnist exited with ${result}")
endif()
if(NOT output MATCHES "images \\(loaded in [0-9.]+ s\\); ${DTYPE}, ")
  message(FATAL_ERROR "the first line does not say the run is in ${DTYPE}")
endif()
if(NOT output MATCHES "epoch  1/1  loss [0-9.]+  train acc [0-9.]+%  test acc [0-9.]+%  [0-9]+ examples/s \\([0-9]+ per CPU second\\)")
  message(FATAL_ERROR "no epoch line with a test accuracy and both speeds in the output")
endif()
if(NOT output MATCHES "subnormal values: [0-9]+ on the last step's tape, [0-9]+ in parameters, [0-9]+ in optimiser state")
  message(FATAL_ERROR "--count-subnormals printed no count")
endif()
file(STRINGS ${OUT}/curves.csv csv)
if(NOT csv MATCHES "examples_per_second,examples_per_cpu_second,")
  message(FATAL_ERROR "curves.csv has no examples_per_cpu_second column")
endif()
if(NOT EXISTS ${OUT}/curves.csv OR NOT EXISTS ${OUT}/checkpoint/fc1.W.npy)
  message(FATAL_ERROR "curves.csv or the checkpoint is missing in ${OUT}")
endif()
file(READ ${OUT}/tape.html page LIMIT 400000)
if(NOT page MATCHES "<title>Fashion-MNIST MLP, 8 test images</title>" OR
   NOT output MATCHES "tape: [^\n]*/tape.html")
  message(FATAL_ERROR "tape.html (the explorer page of the trained network) is missing")
endif()
