// SPDX-License-Identifier: GPL-2.0-or-later
// Field extraction: what one packet tells portclass, read from packet_info and
// the raw frame (see frame_headers.hpp for why not from other dissectors'
// fields).
#pragma once

#include <epan/packet.h>

#include "capture_analysis.hpp"
#include "frame_headers.hpp"

namespace portclass::ws::plugin {

enum class PacketKind {
  none,    // no TCP/UDP ports, or not over IPv4/IPv6: no portclass tree
  quoted,  // ICMP/ICMPv6 in the frame: its error may quote a TCP/UDP header
  own,     // the packet's own TCP/UDP header
};

PacketKind classify(const packet_info* pinfo);

// Converts an AT_IPv4/AT_IPv6 address; false for any other kind.
bool to_ip(const address& a, IpAddress& out);

// The header quoted in a `quoted` packet's ICMP error, if it quotes TCP/UDP.
std::optional<QuotedHeader> extract_quoted(tvbuff_t* tvb);

// The analysis input for an `own` packet. `wire` receives the header facts
// and must outlive the returned PacketIn (it holds the SYN signature).
PacketIn extract_packet(tvbuff_t* tvb, const packet_info* pinfo, WireFacts& wire);

}  // namespace portclass::ws::plugin
