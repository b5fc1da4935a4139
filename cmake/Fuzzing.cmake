# PORTCLASS_FUZZ: a build tree of libFuzzer targets (fuzz/), clang only.
#
# Everything compiled in this tree gets libFuzzer's coverage instrumentation
# (-fsanitize=fuzzer-no-link) plus ASan and UBSan, so an input that misbehaves
# anywhere in the libraries stops the fuzzer with a report; only the fuzz
# targets themselves link libFuzzer's main (fuzz/CMakeLists.txt). The tree
# builds what the targets need: the plugin, the benchmarks and the normal test
# suite are left out (they are built and run in the other trees).
#
# Included from the top-level CMakeLists.txt after the options and before any
# add_subdirectory(), so the flags reach every library.
if(NOT PORTCLASS_FUZZ)
  return()
endif()

if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR
    "PORTCLASS_FUZZ=ON needs clang (libFuzzer ships with it), but the C++ compiler is "
    "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER}. Configure a separate tree with "
    "-DCMAKE_CXX_COMPILER=clang++-14 (Debian packages clang-14 and libclang-rt-14-dev).")
endif()
if(PORTCLASS_SANITIZE)
  message(FATAL_ERROR "PORTCLASS_FUZZ=ON already builds with ASan and UBSan: leave PORTCLASS_SANITIZE off")
endif()

# Fail now, with the package to install, rather than at the first fuzz target's link.
include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer")
set(CMAKE_REQUIRED_LINK_OPTIONS "-fsanitize=fuzzer")
check_cxx_source_compiles([=[
#include <cstddef>
#include <cstdint>
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }
]=] PORTCLASS_HAVE_LIBFUZZER)
unset(CMAKE_REQUIRED_FLAGS)
unset(CMAKE_REQUIRED_LINK_OPTIONS)
if(NOT PORTCLASS_HAVE_LIBFUZZER)
  message(FATAL_ERROR "PORTCLASS_FUZZ=ON: ${CMAKE_CXX_COMPILER} cannot link -fsanitize=fuzzer "
                      "(install libclang-rt-14-dev, the compiler-rt runtime with libFuzzer)")
endif()

add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                    -fno-omit-frame-pointer -g)
add_link_options(-fsanitize=address,undefined)

# Normal variables shadow the cache: this tree never builds these.
set(PORTCLASS_BUILD_PLUGIN OFF)
set(PORTCLASS_BUILD_BENCH OFF)
set(PORTCLASS_BUILD_TESTS OFF)
message(STATUS "PORTCLASS_FUZZ: libFuzzer+ASan+UBSan tree; plugin, benchmarks and the normal tests are not built here")

# The fuzz targets register CTest tests; ctest looks for them from the top.
enable_testing()
