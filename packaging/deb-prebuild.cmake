# SPDX-License-Identifier: GPL-2.0-or-later
# CPACK_PRE_BUILD_SCRIPTS: runs after CPack installed each component into its
# staging folder, before the .deb files are made. Debian policy: man pages
# and changelogs compressed with gzip -9n (12.1, 12.7); every package carries
# /usr/share/doc/<package>/changelog.Debian.gz.
file(GLOB _stages LIST_DIRECTORIES true "${CPACK_TEMPORARY_DIRECTORY}/*")
foreach(_stage IN LISTS _stages)
  file(GLOB_RECURSE _man "${_stage}/usr/share/man/*")
  foreach(_page IN LISTS _man)
    if(NOT _page MATCHES "\\.gz$")
      execute_process(COMMAND gzip -9nf "${_page}" COMMAND_ERROR_IS_FATAL ANY)
    endif()
  endforeach()
  file(GLOB _docdirs LIST_DIRECTORIES true "${_stage}/usr/share/doc/*")
  foreach(_doc IN LISTS _docdirs)
    if(IS_DIRECTORY "${_doc}" AND EXISTS "${_doc}/copyright")
      file(COPY_FILE "${CPACK_PORTCLASS_CHANGELOG}" "${_doc}/changelog.Debian")
      execute_process(COMMAND gzip -9nf "${_doc}/changelog.Debian" COMMAND_ERROR_IS_FATAL ANY)
    endif()
  endforeach()
endforeach()
