// SPDX-License-Identifier: GPL-2.0-or-later
// The display-filter fields, subtrees and expert infos of protocol portclass.
// docs/plugin.md lists every one with its meaning; keep the two in step.
#pragma once

#include <array>

#include <epan/expert.h>
#include <epan/proto.h>

#include "findings.hpp"

namespace portclass::ws::plugin {

struct FieldIds {
  // Per packet: ports and client side.
  int src_cat = -1;          // portclass.src.cat
  int dst_cat = -1;          // portclass.dst.cat
  int client = -1;           // portclass.client ("src" / "dst")
  int client_ip = -1;        // portclass.client.ip (IPv4)
  int client_ipv6 = -1;      // portclass.client.ipv6
  int client_port = -1;      // portclass.client.port
  int server_port = -1;      // portclass.server.port
  int service = -1;          // portclass.service
  int method = -1;           // portclass.client.method
  int confidence = -1;       // portclass.client.conf
  int handshake = -1;        // portclass.client.handshake
  int range_of = -1;         // portclass.client.range_of ("linux,android,...")
  int in_no_range = -1;      // portclass.client.no_default
  int signature = -1;        // portclass.signature (p0f raw_sig of this SYN or SYN+ACK)
  int signature_match = -1;  // portclass.signature.match
  // The sending host.
  int host_ip = -1;       // portclass.host.ip (IPv4)
  int host_ipv6 = -1;     // portclass.host.ipv6
  int host_os = -1;       // portclass.host.os
  int host_profile = -1;  // portclass.host.profile
  int host_conf = -1;     // portclass.host.conf
  int host_range = -1;    // portclass.host.range
  int host_tuned = -1;    // portclass.host.tuned
  int host_by_pref = -1;  // portclass.host.by_pref
  int host_summary = -1;  // portclass.host.summary
  int host_finding = -1;  // portclass.host.finding (one per finding)
  // ICMP/ICMPv6 errors: the quoted header.
  int quoted = -1;          // portclass.quoted
  int quoted_srcport = -1;  // portclass.quoted.srcport
  int quoted_dstport = -1;  // portclass.quoted.dstport
  int quoted_src_cat = -1;  // portclass.quoted.src.cat
  int quoted_dst_cat = -1;  // portclass.quoted.dst.cat
  // The ids above are registered as one array, so Wireshark numbers them
  // consecutively from `first` (checked at registration; count = 0 if not).
  int first = -1;
  int count = 0;
};

struct SubtreeIds {
  int top = -1;
  int host = -1;
};

FieldIds& fields();
SubtreeIds& subtrees();
// One expert field per ExpertKind, indexed by the enum.
std::array<expert_field, kExpertKinds>& experts();

void register_fields(int proto);

}  // namespace portclass::ws::plugin
