// SPDX-License-Identifier: GPL-2.0-or-later
#include "fields.hpp"

#include <epan/unit_strings.h>

namespace portclass::ws::plugin {

FieldIds& fields() {
  static FieldIds ids;
  return ids;
}

SubtreeIds& subtrees() {
  static SubtreeIds ids;
  return ids;
}

std::array<expert_field, kExpertKinds>& experts() {
  static std::array<expert_field, kExpertKinds> ids{{EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT}};
  return ids;
}

namespace {

hf_register_info field(int* id, const char* name, const char* abbrev, ftenum type, int display, const char* blurb,
                       const void* strings = nullptr) {
  return hf_register_info{id, {name, abbrev, type, display, strings, 0x0, blurb, HFILL}};
}

}  // namespace

void register_fields(int proto) {
  FieldIds& f = fields();
  const void* percent = &units_percent;
  const int pct = BASE_DEC | BASE_UNIT_STRING;
  // Wireshark keeps pointers into this array: it must outlive registration.
  static hf_register_info hf[] = {
      field(&f.src_cat, "Source port category", "portclass.src.cat", FT_STRING, BASE_NONE,
            "IANA category of the source port: system (0-1023), user (1024-49151) or dynamic (49152-65535)"),
      field(&f.dst_cat, "Destination port category", "portclass.dst.cat", FT_STRING, BASE_NONE,
            "IANA category of the destination port: system, user or dynamic"),
      field(&f.client, "Client side", "portclass.client", FT_STRING, BASE_NONE,
            "Which end is the client (the side with the ephemeral port): src or dst"),
      field(&f.client_ip, "Client address", "portclass.client.ip", FT_IPv4, BASE_NONE,
            "IPv4 address of the client end"),
      field(&f.client_ipv6, "Client address", "portclass.client.ipv6", FT_IPv6, BASE_NONE,
            "IPv6 address of the client end"),
      field(&f.client_port, "Client (ephemeral) port", "portclass.client.port", FT_UINT16, BASE_DEC,
            "The client's port, normally taken from its ephemeral range"),
      field(&f.server_port, "Service port", "portclass.server.port", FT_UINT16, BASE_DEC,
            "The server's (service) port"),
      field(&f.service, "Service", "portclass.service", FT_STRING, BASE_NONE,
            "IANA service name registered for the service port on this transport"),
      field(&f.method, "Client decided by", "portclass.client.method", FT_STRING, BASE_NONE,
            "syn: this packet is the SYN; syn-ack: this packet is the SYN+ACK; flow: the connection's handshake "
            "was seen earlier; heuristic: port heuristic (UDP, or the connection started before the capture)"),
      field(&f.confidence, "Client decision confidence", "portclass.client.conf", FT_UINT8, pct,
            "100 when the handshake decided, 50-99 for the port heuristic", percent),
      field(&f.signature, "TCP signature", "portclass.signature", FT_STRING, BASE_NONE,
            "This SYN's or SYN+ACK's signature in p0f 3's raw_sig form (ver:ttl+dist:olen:mss:wsize,scale:olayout:"
            "quirks:pclass), to compare with p0f's output"),
      field(&f.signature_match, "TCP signature match", "portclass.signature.match", FT_STRING, BASE_NONE,
            "The signature database entry this SYN or SYN+ACK matches: origin, label and how (exact, generic, fuzzy)"),
      field(&f.handshake, "Handshake frame", "portclass.client.handshake", FT_FRAMENUM, BASE_NONE,
            "The SYN or SYN+ACK that decided the client side of this connection"),
      field(&f.range_of, "Inside the default range of", "portclass.client.range_of", FT_STRING, BASE_NONE,
            "The OS profiles whose default ephemeral range contains the client port, comma-separated "
            "(filter with: portclass.client.range_of matches \"(^|,)windows(,|$)\")"),
      field(&f.in_no_range, "Outside every default range", "portclass.client.no_default", FT_BOOLEAN, BASE_NONE,
            "The client port lies in no known OS default ephemeral range"),
      field(&f.host_ip, "Sending host", "portclass.host.ip", FT_IPv4, BASE_NONE,
            "The packet's IPv4 source, whose judgement the following fields give"),
      field(&f.host_ipv6, "Sending host", "portclass.host.ipv6", FT_IPv6, BASE_NONE,
            "The packet's IPv6 source, whose judgement the following fields give"),
      field(&f.host_os, "Sending host OS", "portclass.host.os", FT_STRING, BASE_NONE,
            "Inferred OS family of the sending host, or unknown / several"),
      field(&f.host_profile, "Sending host OS profile", "portclass.host.profile", FT_STRING, BASE_NONE,
            "Most likely OS profile id (e.g. linux, windows-xp)"),
      field(&f.host_conf, "Sending host OS confidence", "portclass.host.conf", FT_UINT8, pct,
            "Posterior probability of the inferred OS family", percent),
      field(&f.host_range, "Sending host ephemeral range", "portclass.host.range", FT_STRING, BASE_NONE,
            "Ephemeral port range judged for the sending host"),
      field(&f.host_tuned, "Range tuned", "portclass.host.tuned", FT_BOOLEAN, BASE_NONE,
            "The host's ports lie outside its OS's default range (tuned host or NAT), or a preference set the range"),
      field(&f.host_by_pref, "Set by preference", "portclass.host.by_pref", FT_BOOLEAN, BASE_NONE,
            "The OS or range comes from the portclass.subnets preference, not from inference"),
      field(&f.host_summary, "Evidence", "portclass.host.summary", FT_STRING, BASE_NONE,
            "The verdict and the evidence behind it, in words"),
      field(&f.host_finding, "Host finding", "portclass.host.finding", FT_STRING, BASE_NONE,
            "A finding about the sending host, by id: server-in-ephemeral-range, dns-fixed-port, dns-low-entropy, "
            "dns-sequential, sequential-ports, outside-known-ranges, several-stacks"),
      field(&f.quoted, "Quoted header", "portclass.quoted", FT_BOOLEAN, BASE_NONE,
            "The ports belong to the header quoted inside an ICMP/ICMPv6 error, not to this packet"),
      field(&f.quoted_srcport, "Quoted source port", "portclass.quoted.srcport", FT_UINT16, BASE_DEC,
            "Source port of the quoted (offending) packet"),
      field(&f.quoted_dstport, "Quoted destination port", "portclass.quoted.dstport", FT_UINT16, BASE_DEC,
            "Destination port of the quoted (offending) packet"),
      field(&f.quoted_src_cat, "Quoted source port category", "portclass.quoted.src.cat", FT_STRING, BASE_NONE,
            "IANA category of the quoted source port"),
      field(&f.quoted_dst_cat, "Quoted destination port category", "portclass.quoted.dst.cat", FT_STRING, BASE_NONE,
            "IANA category of the quoted destination port"),
  };
  proto_register_field_array(proto, hf, static_cast<int>(G_N_ELEMENTS(hf)));
  // Consecutive ids let a dissection say which fields it wants in one word
  // (wanted_fields.hpp); anything else and it simply adds them all.
  static_assert(G_N_ELEMENTS(hf) <= 64);
  f.first = *hf[0].p_id;
  f.count = static_cast<int>(G_N_ELEMENTS(hf));
  for (int i = 0; i < f.count; ++i)
    if (*hf[i].p_id != f.first + i) f.count = 0;

  static int* ett[] = {&subtrees().top, &subtrees().host};
  proto_register_subtree_array(ett, static_cast<int>(G_N_ELEMENTS(ett)));

  auto& ei = experts();
  auto at = [&ei](ExpertKind which) { return &ei[static_cast<std::size_t>(which)]; };
  static ei_register_info expert_infos[] = {
      {at(ExpertKind::server_in_ephemeral),
       {"portclass.server_in_ephemeral", PI_PROTOCOL, PI_WARN,
        "Server listening inside its host's ephemeral port range", EXPFILL}},
      {at(ExpertKind::dns_fixed_port),
       {"portclass.dns_fixed_port", PI_SECURITY, PI_WARN,
        "DNS client using a fixed or low-entropy UDP source port (RFC 5452)", EXPFILL}},
      {at(ExpertKind::sequential_ports),
       {"portclass.sequential_ports", PI_SEQUENCE, PI_NOTE, "Host allocates source ports sequentially (predictable)",
        EXPFILL}},
      {at(ExpertKind::outside_range),
       {"portclass.outside_range", PI_ASSUMPTION, PI_NOTE,
        "Client port outside every default range of its inferred OS (NAT, tuned host or proxy)", EXPFILL}},
      {at(ExpertKind::several_stacks),
       {"portclass.several_stacks", PI_ASSUMPTION, PI_WARN, "Host looks like several OSes at once (NAT)", EXPFILL}},
  };
  expert_module_t* module = expert_register_protocol(proto);
  expert_register_field_array(module, expert_infos, static_cast<int>(G_N_ELEMENTS(expert_infos)));
}

}  // namespace portclass::ws::plugin
