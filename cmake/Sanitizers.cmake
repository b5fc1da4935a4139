# PORTCLASS_SANITIZE applies ASan + UBSan to everything built in this tree, so
# that a report anywhere in the test suite fails the run.
if(PORTCLASS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
