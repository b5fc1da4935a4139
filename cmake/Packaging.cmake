# SPDX-License-Identifier: GPL-2.0-or-later
# Debian packages with CPack's DEB generator (scripts/package.sh runs it;
# docs/packaging.md says what each package holds). Two components, one .deb each:
#
#   component portclass             package portclass: portclass, portclass-nft,
#                                   man pages, docs, the copyright file, systemd
#                                   units (not enabled)
#   component deb-wireshark-plugin  package wireshark-plugin-portclass: portclass.so
#                                   in the system plugin folder of the Wireshark
#                                   version it was built against
#
# dpkg-shlibdeps computes the library dependencies; the plugin package also
# depends on exactly the Wireshark major.minor its loader accepts (below).
# Install rules without a COMPONENT belong to "portclass"
# (CMAKE_INSTALL_DEFAULT_COMPONENT_NAME, set in the top-level CMakeLists.txt).
set(_pkg_dir ${PROJECT_SOURCE_DIR}/packaging)

# --- what the packages hold beyond `cmake --install` (programs, man pages) ---
# EXCLUDE_FROM_ALL: installed for the packages (CPack installs component by
# component), not by a plain `cmake --install`, which stays as it was: the
# units only make sense with the /usr prefix of the package.
set(_doc ${CMAKE_INSTALL_DATADIR}/doc)
install(FILES ${_pkg_dir}/copyright ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${_doc}/portclass
        COMPONENT portclass EXCLUDE_FROM_ALL)
file(GLOB _docs ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${_docs} DESTINATION ${_doc}/portclass COMPONENT portclass EXCLUDE_FROM_ALL)
install(FILES ${_pkg_dir}/nft.toml DESTINATION ${_doc}/portclass/examples COMPONENT portclass EXCLUDE_FROM_ALL)
# systemd units, never enabled by the package (/usr/lib/systemd/system).
install(FILES
  ${_pkg_dir}/systemd/portclass-nft.service
  ${_pkg_dir}/systemd/portclass-host.service
  ${_pkg_dir}/systemd/portclass-host.timer
  DESTINATION lib/systemd/system COMPONENT portclass EXCLUDE_FROM_ALL)
install(PROGRAMS ${_pkg_dir}/portclass-host-textfile DESTINATION lib/portclass
        COMPONENT portclass EXCLUDE_FROM_ALL)

# --- package metadata ---
# Debian revision: 1~deb12 (bookworm) < 1~deb13 (trixie) < 1 (sid), so that a
# dist-upgrade replaces the packages with those built for the new suite.
if(NOT DEFINED PORTCLASS_DEB_RELEASE)
  set(_rel 1)
  if(EXISTS /etc/os-release)
    file(STRINGS /etc/os-release _os_id REGEX "^ID=")
    file(STRINGS /etc/os-release _os_ver REGEX "^VERSION_ID=")
    if(_os_id STREQUAL "ID=debian" AND _os_ver MATCHES "^VERSION_ID=\"?([0-9]+)")
      set(_rel "1~deb${CMAKE_MATCH_1}")
    endif()
  endif()
  set(PORTCLASS_DEB_RELEASE ${_rel} CACHE STRING "Debian revision of the packages (1~deb12 on bookworm, 1~deb13 on trixie, 1 on sid)")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME portclass)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "portclass")
set(CPACK_PACKAGE_CONTACT "portclass maintainers <maintainers@users.noreply.b-seed-39403142.example>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING IGNORE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${PORTCLASS_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# gzip -9n of man pages and changelogs, after the install into the staging
# folder and before the package is made (Debian policy 12.1, 12.7).
# The Debian changelog of each package is this one entry, for this version
# and suite (date from SOURCE_DATE_EPOCH when set, for reproducible builds).
set(CPACK_PRE_BUILD_SCRIPTS ${_pkg_dir}/deb-prebuild.cmake)
set(PORTCLASS_DEB_VERSION "${PROJECT_VERSION}-${PORTCLASS_DEB_RELEASE}")
set(PORTCLASS_DEB_SUITE unstable)  # sid's os-release has no VERSION_ID
if(EXISTS /etc/os-release)
  file(STRINGS /etc/os-release _os_ver REGEX "^VERSION_ID=")
  file(STRINGS /etc/os-release _codename REGEX "^VERSION_CODENAME=")
  if(_os_ver AND _codename MATCHES "^VERSION_CODENAME=\"?([a-z]+)")
    set(PORTCLASS_DEB_SUITE ${CMAKE_MATCH_1})
  endif()
endif()
string(TIMESTAMP PORTCLASS_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
set(CPACK_PORTCLASS_CHANGELOG ${PROJECT_BINARY_DIR}/packaging/changelog.Debian)
configure_file(${_pkg_dir}/changelog.Debian.in ${CPACK_PORTCLASS_CHANGELOG} @ONLY)

set(CPACK_DEBIAN_PORTCLASS_PACKAGE_NAME portclass)
set(CPACK_DEBIAN_PORTCLASS_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PORTCLASS_PACKAGE_SUGGESTS "nftables, prometheus-node-exporter")
set(CPACK_DEBIAN_PORTCLASS_PACKAGE_CONTROL_EXTRA
  ${_pkg_dir}/deb/postinst ${_pkg_dir}/deb/prerm ${_pkg_dir}/deb/postrm)
set(CPACK_DEBIAN_PORTCLASS_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_COMPONENT_PORTCLASS_DESCRIPTION "explain port numbers and ephemeral port ranges
portclass tells the fixed service port of a TCP or UDP flow from the
short-lived ephemeral port, using every operating system's default
ephemeral range and the IANA registry compiled in.
.
This package holds two command lines:
 - portclass: explain a port, check this host's ephemeral-port use
   (text, JSON or Prometheus), profile the hosts of captures;
 - portclass-nft: nftables rulesets that accept return traffic only on
   each host's ephemeral range (generate, check, atomic apply, audit).
.
systemd units to apply the ruleset at boot and to export the host check
to node_exporter's textfile collector are included, not enabled.")
set(CPACK_COMPONENTS_ALL portclass)

if(TARGET portclass_plugin)
  # The plugin's own CMakeLists found Wireshark in its directory scope; the
  # version, the system plugin folder and the library it links are needed here.
  find_package(Wireshark 4.0 CONFIG REQUIRED)
  set(_ws "${Wireshark_MAJOR_VERSION}.${Wireshark_MINOR_VERSION}")
  math(EXPR _ws_next "${Wireshark_MINOR_VERSION} + 1")
  # The package's plugin goes into the system folder of this Wireshark
  # version whatever PORTCLASS_PLUGIN_INSTALL_SYSTEM says (that option is for
  # `cmake --install`, whose default is the user's folder).
  install(TARGETS portclass_plugin LIBRARY DESTINATION "${Wireshark_PLUGIN_INSTALL_DIR}/epan"
          COMPONENT deb-wireshark-plugin EXCLUDE_FROM_ALL)
  install(FILES ${_pkg_dir}/copyright DESTINATION ${_doc}/wireshark-plugin-portclass
          COMPONENT deb-wireshark-plugin EXCLUDE_FROM_ALL)
  # The loader accepts a plugin only for its own major.minor: depend on the
  # Debian package of the libwireshark this build links, in that range
  # (dpkg-shlibdeps alone says only ">= some version").
  get_target_property(_epan_so epan LOCATION)
  file(REAL_PATH "${_epan_so}" _epan_so)
  execute_process(COMMAND dpkg-query -S "${_epan_so}"
    OUTPUT_VARIABLE _owner RESULT_VARIABLE _rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(_rc EQUAL 0 AND _owner MATCHES "^([a-z0-9.+-]+)(:[a-z0-9]+)?: ")
    set(PORTCLASS_LIBWIRESHARK_PACKAGE ${CMAKE_MATCH_1})
    set(CPACK_DEBIAN_DEB-WIRESHARK-PLUGIN_PACKAGE_NAME wireshark-plugin-portclass)
    set(CPACK_DEBIAN_DEB-WIRESHARK-PLUGIN_PACKAGE_SECTION net)
    set(CPACK_DEBIAN_DEB-WIRESHARK-PLUGIN_PACKAGE_DEPENDS
      "${PORTCLASS_LIBWIRESHARK_PACKAGE} (>= ${_ws}), ${PORTCLASS_LIBWIRESHARK_PACKAGE} (<< ${Wireshark_MAJOR_VERSION}.${_ws_next}~)")
    # Debian's own dissector plugin packages (libvirt-wireshark) depend on the
    # library only; the programs that load it are a hint.
    set(CPACK_DEBIAN_DEB-WIRESHARK-PLUGIN_PACKAGE_ENHANCES "wireshark, tshark")
    set(CPACK_COMPONENT_DEB-WIRESHARK-PLUGIN_DESCRIPTION "portclass dissector plugin for Wireshark ${_ws}
Adds per-packet portclass fields to Wireshark and tshark ${_ws}: which side
of a TCP or UDP flow is the client, its ephemeral port and the default
range it falls in, each host's inferred operating system with confidence
and evidence, expert findings and -z portclass statistics.
.
Built for Wireshark ${_ws} (${PORTCLASS_LIBWIRESHARK_PACKAGE}); the plugin
loader accepts a plugin only for the version it was built for.")
    list(APPEND CPACK_COMPONENTS_ALL deb-wireshark-plugin)
  else()
    message(STATUS "packaging: no plugin package: no Debian package owns ${_epan_so} (dpkg-query -S)")
  endif()
endif()

include(CPack)
