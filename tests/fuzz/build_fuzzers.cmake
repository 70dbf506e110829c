# cmake -DSOURCE_DIR=<repo> -DBINARY_DIR=<dir> -DCOMPILER=clang++-14 -P build_fuzzers.cmake
#
# Configures (once) and builds the fuzz tree: the libFuzzer targets and the
# libraries they link, compiled by clang with ASan+UBSan (SOFDIR_FUZZ=ON).
# A rebuild compiles only what changed.
find_program(fuzz_compiler ${COMPILER})
if(NOT fuzz_compiler)
  message(FATAL_ERROR "${COMPILER} not found; the fuzz tests need clang and its libFuzzer "
                      "runtime (Debian: clang-14 libclang-rt-14-dev, see deploy/install-deps.sh)")
endif()
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BINARY_DIR} -DSOFDIR_FUZZ=ON
    -DCMAKE_CXX_COMPILER=${fuzz_compiler} -DCMAKE_BUILD_TYPE=RelWithDebInfo
  RESULT_VARIABLE configured)
if(NOT configured EQUAL 0)
  message(FATAL_ERROR "configuring the fuzz tree in ${BINARY_DIR} failed")
endif()
cmake_host_system_information(RESULT cores QUERY NUMBER_OF_LOGICAL_CORES)
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BINARY_DIR} -j ${cores}
  RESULT_VARIABLE built)
if(NOT built EQUAL 0)
  message(FATAL_ERROR "building the fuzz tree in ${BINARY_DIR} failed")
endif()
