# portclass_embed_text(<out-var> <file>): sets <out-var> to a C++ initializer
# list of raw string literals that together hold <file>'s text. The file is cut
# at line ends into pieces under 60,000 bytes each: C++ compilers need only
# accept literals up to 65,536 characters (clang's -Woverlength-strings under
# -Wpedantic), and adjacent literals count as one, so the pieces stay separate
# and the reader joins them (builtin_data.cpp).
function(portclass_embed_text out_var file)
  file(READ "${file}" text)
  string(FIND "${text}" ")portclass_data\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file} contains the raw-string delimiter )portclass_data\"")
  endif()
  set(limit 60000)
  set(pieces "")
  string(LENGTH "${text}" left)
  while(left GREATER 0)
    if(left GREATER limit)
      string(SUBSTRING "${text}" 0 ${limit} head)
      string(FIND "${head}" "\n" cut REVERSE)
      if(cut EQUAL -1)
        message(FATAL_ERROR "${file} has a line longer than ${limit} bytes")
      endif()
      math(EXPR cut "${cut} + 1")
    else()
      set(cut ${left})
    endif()
    string(SUBSTRING "${text}" 0 ${cut} piece)
    string(SUBSTRING "${text}" ${cut} -1 text)
    string(APPEND pieces "R\"portclass_data(${piece})portclass_data\",\n")
    math(EXPR left "${left} - ${cut}")
  endwhile()
  set(${out_var} "${pieces}" PARENT_SCOPE)
endfunction()
