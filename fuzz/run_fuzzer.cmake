# SPDX-License-Identifier: GPL-2.0-or-later
# Runs one libFuzzer target for CTest (cmake -P run_fuzzer.cmake).
#   -DFUZZER=<binary> -DMODE=fuzz|regress -DWORK=<scratch dir>
#   -DCORPORA=<dir>|<dir>...  (seed dirs, read only; missing ones are skipped)
#   -DDICT=<file or empty> -DRSS_MB=<n> -DINPUT_TIMEOUT=<seconds> [-DSECONDS=<n>]
# fuzz:    fuzzes for SECONDS, new inputs going to WORK/corpus (the seed
#          dirs are never written), crash inputs to WORK/artifacts/.
# regress: runs every file of the corpora once, no fuzzing.
# Any crash, leak, sanitizer report, timeout or OOM is a non-zero exit of the
# fuzzer and fails this script.
foreach(var FUZZER MODE WORK RSS_MB INPUT_TIMEOUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_fuzzer.cmake: -D${var}= is required")
  endif()
endforeach()

string(REPLACE "|" ";" corpora "${CORPORA}")
set(dirs "")
foreach(dir IN LISTS corpora)
  if(IS_DIRECTORY "${dir}")
    list(APPEND dirs "${dir}")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/corpus" "${WORK}/artifacts")
set(flags -rss_limit_mb=${RSS_MB} -timeout=${INPUT_TIMEOUT} -artifact_prefix=${WORK}/artifacts/)
# Leaks are reports too; UBSan prints a stack for its report.
set(env ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1)

if(MODE STREQUAL "fuzz")
  if(NOT SECONDS)
    message(FATAL_ERROR "run_fuzzer.cmake: MODE=fuzz needs -DSECONDS=")
  endif()
  if(DICT)
    list(APPEND flags -dict=${DICT})
  endif()
  set(command "${FUZZER}" ${flags} -max_total_time=${SECONDS} -print_final_stats=1 "${WORK}/corpus" ${dirs})
elseif(MODE STREQUAL "regress")
  set(inputs "")
  foreach(dir IN LISTS dirs)
    file(GLOB files LIST_DIRECTORIES false "${dir}/*")
    list(APPEND inputs ${files})
  endforeach()
  list(LENGTH inputs count)
  if(count EQUAL 0)
    message(FATAL_ERROR "run_fuzzer.cmake: no inputs in ${CORPORA} (seeds not built?)")
  endif()
  message(STATUS "running ${count} inputs once")
  set(command "${FUZZER}" ${flags} ${inputs})
else()
  message(FATAL_ERROR "run_fuzzer.cmake: MODE must be fuzz or regress")
endif()

execute_process(COMMAND ${CMAKE_COMMAND} -E env ${env} ${command} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(GLOB artifacts "${WORK}/artifacts/*")
  message(FATAL_ERROR "${FUZZER} failed (${rc}); inputs that failed: ${artifacts}")
endif()
