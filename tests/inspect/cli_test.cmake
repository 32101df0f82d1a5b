# ctest driver for tapegrad-inspect: runs one CASE and checks its exit code,
# stdout and stderr. Variables: CASE, INSPECT, LECTURE (the lecture example),
# WORK_DIR (scratch, recreated), CORPUS (the JSON fuzz seeds, valid and not).
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

# run(<expected exit code> <args>...): sets `out` and `err`.
macro(run expected)
  execute_process(COMMAND ${INSPECT} ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out
    ERROR_VARIABLE err WORKING_DIRECTORY ${WORK_DIR})
  if(NOT code EQUAL ${expected})
    message(FATAL_ERROR "tapegrad-inspect ${ARGN}: exit ${code}, expected ${expected}\n"
      "stdout:\n${out}\nstderr:\n${err}")
  endif()
endmacro()

include(${CMAKE_CURRENT_LIST_DIR}/../support/expect.cmake)

# The lecture example's stdout and files, for the cases that compare with it.
macro(run_lecture)
  execute_process(COMMAND ${LECTURE} --out ${WORK_DIR} RESULT_VARIABLE code
    OUTPUT_VARIABLE lecture_out)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "lecture failed (${code})")
  endif()
endmacro()

if(CASE STREQUAL "help")
  run(0 --help)
  expect_contains("${out}" "Usage: tapegrad-inspect FILE.json [MODE]")
  expect_contains("${out}" "  1  the file is missing, unreadable, not a tape file, or invalid")
  expect_contains("${out}" "  2  usage error")
elseif(CASE STREQUAL "usage")
  run(2)
  expect_contains("${err}" "tapegrad-inspect: no file given")
  run(2 a.json --bogus)
  expect_contains("${err}" "tapegrad-inspect: unknown option '--bogus'")
  run(2 a.json b.json)
  run(2 a.json --dot --table)
  expect_contains("${err}" "choose one mode, not --dot and --table")
elseif(CASE STREQUAL "missing")
  run(1 absent.json --table)
  expect_contains("${err}" "tapegrad-inspect: absent.json: no such file")
  if(NOT out STREQUAL "")
    message(FATAL_ERROR "stdout should be empty, got: ${out}")
  endif()
elseif(CASE STREQUAL "corrupt")
  file(WRITE ${WORK_DIR}/corrupt.json "{\"format\": \"tapegrad-tape\", \"nodes\": [")
  run(1 corrupt.json)
  expect_contains("${err}" "tapegrad-inspect: corrupt.json: not valid JSON")
elseif(CASE STREQUAL "wrong_version")
  file(WRITE ${WORK_DIR}/v9.json
    "{\"format\": \"tapegrad-tape\", \"version\": 9, \"dtype\": \"float64\", \"nodes\": []}")
  run(1 v9.json --dot)
  expect_contains("${err}"
    "v9.json: version: unsupported format version 9 (this library reads version 1)")
elseif(CASE STREQUAL "trace_and_stats")
  run(0 ${CORPUS}/trace_cost_nan.json --trace)
  expect_contains("${out}" "backward trace: 2 steps from node 2 'L', seed 1\n"
    "step 1: node 2 sum 'L'\n  g = 1\n  -> input 0 (node 1 'x^3'): [1, 1]\n"
    "step 2: node 1 pow 'x^3'\n  g = [1, 1]\n  -> input 0 (node 0 'x'): [3, inf]\n")
  run(0 ${CORPUS}/trace_cost_nan.json --stats)
  expect_contains("${out}" "nodes: 3 (1 leaf, 2 ops; 1 without a cost estimate)\n"
    "forward:  4 flops, 32 bytes\nbackprop: 6 flops, 48 bytes\n")
  run(1 ${CORPUS}/one_node.json --trace)
  expect_contains("${err}" "one_node.json: the file holds no backprop trace")
  run(1 ${CORPUS}/broken_input_order.json --full)
  expect_contains("${err}" "nodes[1].inputs[0]: input id 1 is not less than the node's own id 1")
elseif(CASE STREQUAL "lecture_table")
  run_lecture()
  run(0 lecture.json --table)
  expect_contains("${lecture_out}" "The tape\n${out}")
  expect_contains("${out}" "12  mse        L          10, 11  ()      float64  yes    0.300073")
  run(0 lecture.json)
  expect_contains("${lecture_out}" "The tape\n${out}")
  run(0 lecture.json --stats)
  expect_contains("${out}" "nodes: 13 (6 leaves, 7 ops")
elseif(CASE STREQUAL "lecture_dot")
  run_lecture()
  run(0 lecture.json --dot)
  file(READ ${WORK_DIR}/lecture.dot written)
  if(NOT out STREQUAL written)
    message(FATAL_ERROR "--dot differs from the lecture's lecture.dot:\n${out}\n---\n${written}")
  endif()
  expect_contains("${out}" "n10 -> n12 [label=\"(2,)\"];")
elseif(CASE STREQUAL "lecture_html")
  run_lecture()
  run(0 lecture.json --html lecture.html)
  file(READ ${WORK_DIR}/lecture.html page)
  expect_contains("${page}" "<title>lecture.json</title>")
  expect_contains("${page}" "<script type=\"application/json\" id=\"tape-data\">")
  expect_contains("${page}" "\"label\":\"W(1)\"")
  expect_contains("${page}" "[\"reduction: sum\"]")
  run(2 lecture.json --html)
  expect_contains("${err}" "tapegrad-inspect: --html needs the output file name (--html OUT.html)")
  run(1 lecture.json --html no-such-dir/x.html)
  expect_contains("${err}" "tapegrad-inspect: no-such-dir/x.html: cannot write the file")
elseif(CASE STREQUAL "full_output")
  # Output that cannot be written is an error, whether stdio buffered it or not.
  foreach(args "${CORPUS}/one_node.json" "--help" "${CORPUS}/lecture.json;--full")
    execute_process(COMMAND ${INSPECT} ${args} OUTPUT_FILE /dev/full RESULT_VARIABLE code
      ERROR_VARIABLE err)
    if(NOT code EQUAL 1)
      message(FATAL_ERROR "tapegrad-inspect ${args} > /dev/full: exit ${code}, expected 1")
    endif()
    expect_contains("${err}" "tapegrad-inspect: cannot write the output: No space left on device")
  endforeach()
elseif(CASE STREQUAL "hostile_text")
  # Labels and op names with terminal escapes (ESC, BEL, the C1 CSI) and costs
  # whose sums pass 2^64.
  set(summary "\"value_summary\": {\"count\": 2, \"min\": 1, \"mean\": 1.5, \"max\": 2, \"norm\": 2.2, \"nonfinite\": 0}")
  set(huge "\"cost\": {\"forward_flops\": 18446744073709551615, \"forward_bytes\": 1, \"backprop_flops\": 18446744073709551615, \"backprop_bytes\": 1}")
  set(common "\"requires_grad\": true, \"attributes\": [], \"formula\": \"\", \"saved_bytes\": 0")
  file(WRITE ${WORK_DIR}/hostile.json "{\"format\": \"tapegrad-tape\", \"version\": 1, \"dtype\": \"float64\", \"output\": 2, \"nodes\": ["
    "{\"id\": 0, \"kind\": \"variable\", \"op\": \"\", \"label\": \"\\u001b[2Jx\", \"inputs\": [], \"shape\": [2], ${common}, \"value\": [1, 2], ${summary}}, "
    "{\"id\": 1, \"kind\": \"op\", \"op\": \"neg\\u009b31m\", \"label\": \"n\", \"inputs\": [0], \"shape\": [2], ${common}, \"value\": [1, 2], ${summary}, ${huge}}, "
    "{\"id\": 2, \"kind\": \"op\", \"op\": \"neg\\u009b31m\", \"label\": \"L\\u0007\", \"inputs\": [1], \"shape\": [2], ${common}, \"value\": [1, 2], ${summary}, ${huge}}], "
    "\"trace\": {\"output\": 2, \"seed\": {\"shape\": [2], \"values\": [1, 1]}, \"steps\": [{\"node\": 2, \"op\": \"neg\\u009b31m\", \"label\": \"L\\u0007\", "
    "\"grad_output\": {\"shape\": [2], \"values\": [1, 1]}, \"contributions\": [{\"position\": 0, \"input\": 1, \"gradient\": {\"shape\": [2], \"values\": [1, 1]}}]}]}}")
  string(ASCII 27 escape)
  string(ASCII 7 bell)
  string(ASCII 194 155 csi)  # U+009B in UTF-8
  foreach(mode --table --trace --stats)
    run(0 hostile.json ${mode})
    foreach(raw "${escape}" "${bell}" "${csi}")
      string(FIND "${out}" "${raw}" at)
      if(NOT at EQUAL -1)
        message(FATAL_ERROR "${mode} printed a control character raw:\n${out}")
      endif()
    endforeach()
    set(output_${mode} "${out}")
  endforeach()
  expect_contains("${output_--table}" "backward from node 2 'L\\x07'")
  expect_contains("${output_--table}" " 0  variable      \\x1b[2Jx          (2,)")
  expect_contains("${output_--table}" " 1  neg\\u009b31m  n         0       (2,)")
  expect_contains("${output_--trace}" "step 1: node 2 neg\\u009b31m 'L\\x07'")
  expect_contains("${output_--trace}" "-> input 0 (node 1 'n')")
  expect_contains("${output_--stats}" "forward:  18446744073709551615 flops, 2 bytes\n"
    "backprop: 18446744073709551615 flops, 2 bytes\n")
  expect_contains("${output_--stats}" "neg\\u009b31m      2        0  18446744073709551615")
else()
  message(FATAL_ERROR "unknown CASE ${CASE}")
endif()
