// SPDX-License-Identifier: GPL-2.0-or-later
// The portclass post-dissector (registered with register_postdissector).
//
// For every packet with its own TCP/UDP header over IPv4/IPv6: feeds the
// capture analysis on the first pass, adds the portclass tree (ports, client
// side, sending host), raises findings as expert info and queues the packet
// for the "portclass" tap. ICMP/ICMPv6 errors get only a "quoted" tree for the
// header they quote; everything else gets nothing.
#pragma once

#include <epan/packet.h>

namespace portclass::ws::plugin {

int dissect_portclass(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void* data);

}  // namespace portclass::ws::plugin
