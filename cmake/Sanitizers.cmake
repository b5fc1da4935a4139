# PORTCLASS_SANITIZE applies ASan + UBSan to everything built in this tree, so
# that a report anywhere in the test suite fails the run.
if(PORTCLASS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  # GCC's flow analysis sees through the sanitizers' instrumentation poorly and
  # reports false "may be used uninitialized" in libstdc++ itself (<regex>, via
  # Catch2) at -O2; GCC's manual warns that -fsanitize makes such warnings
  # unreliable. The normal -Werror build keeps the warning.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()
