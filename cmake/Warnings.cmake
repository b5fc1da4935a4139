# portclass_set_warnings(<target>): the project's warning policy for its own code.
function(portclass_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow)
  if(PORTCLASS_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
