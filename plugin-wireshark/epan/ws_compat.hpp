// SPDX-License-Identifier: GPL-2.0-or-later
// Every difference between the Wireshark versions the plugin builds against
// (4.0 in Debian 12, 4.4 in Debian 13, 4.6 in unstable), in one place: the
// rest of plugin-wireshark/ includes this header and is written once.
//
// Features are detected from the headers themselves (__has_include, macros),
// not from version numbers, so a backport that has the feature gets it.
#pragma once

// ws_in6_addr: wsutil/inet_ipv6.h until 4.2, which folded it into
// wsutil/inet_addr.h; 4.0's inet_addr.h includes inet_ipv6.h, so this one
// include gives the type on every version.
#include <wsutil/inet_addr.h>

// plugin_describe(): since 4.2 the loader asks a plugin what it is (Help >
// About > Plugins and `tshark -G plugins` show "unknown" without it). 4.0 has
// no wsutil/plugins.h installed and never looks the symbol up.
#if __has_include(<wsutil/plugins.h>)
#include <wsutil/plugins.h>
#endif
#ifdef WS_PLUGIN_DESC_DISSECTOR
#define PORTCLASS_WS_PLUGIN_DESCRIBE 1
#else
#define PORTCLASS_WS_PLUGIN_DESCRIBE 0
#endif
