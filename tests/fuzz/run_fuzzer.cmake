# cmake -DFUZZER=<binary> -DSEEDS=<dir> -DREGRESSIONS=<dir> -DDICT=<file>
#       -DWORK_DIR=<dir> -DSECONDS=<n> -P run_fuzzer.cmake
#
# Runs one libFuzzer target for SECONDS: first every seed and every saved
# crash input (REGRESSIONS, when there), then mutations of them. Inputs that
# found new code are kept in WORK_DIR/corpus (never in the repository) so
# the next run starts from there; a crash leaves its input in
# WORK_DIR/artifacts and fails the test with the command that replays it.
file(MAKE_DIRECTORY ${WORK_DIR}/corpus ${WORK_DIR}/artifacts)
file(GLOB old_artifacts ${WORK_DIR}/artifacts/*)
if(old_artifacts)
  file(REMOVE ${old_artifacts})
endif()
set(corpora ${WORK_DIR}/corpus ${SEEDS})
if(EXISTS ${REGRESSIONS})
  list(APPEND corpora ${REGRESSIONS})
endif()
set(options -max_total_time=${SECONDS} -timeout=30 -rss_limit_mb=2048 -print_final_stats=1
    -artifact_prefix=${WORK_DIR}/artifacts/)
if(EXISTS ${DICT})
  list(APPEND options -dict=${DICT})
endif()
execute_process(COMMAND ${FUZZER} ${options} ${corpora} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  file(GLOB artifacts ${WORK_DIR}/artifacts/*)
  set(replay "")
  foreach(artifact ${artifacts})
    string(APPEND replay "\n  ${FUZZER} ${artifact}")
  endforeach()
  message(FATAL_ERROR "${FUZZER} failed (${result}). Replay:${replay}\n"
                      "Fix it with a regression test, and keep the input in ${REGRESSIONS}/.")
endif()
