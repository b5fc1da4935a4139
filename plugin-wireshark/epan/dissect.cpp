// SPDX-License-Identifier: GPL-2.0-or-later
// The post-dissector: runs after every other dissector on every packet.
//
// Cost: a field is added only when someone can see it (wanted_fields.hpp:
// what a visible tree shows, what filters and custom columns reference, what
// `tshark -T fields -e` lists), and its value is computed only then: the
// sending host's judgement only for the host's fields, the service name only
// for portclass.service, the summary line only when it is shown. What is
// added is lean: addresses as address fields (no text), the profile list as
// one string precomputed per port class, the host's texts computed once per
// judgement, flags only where they say something.
#include "dissect.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <string>

#include <epan/expert.h>
#include <epan/tap.h>

#include "extract.hpp"
#include "fields.hpp"
#include "portclass/category.hpp"
#include "registration.hpp"
#include "report.hpp"
#include "tap_record.hpp"
#include "wanted_fields.hpp"
#include "ws_compat.hpp"

namespace portclass::ws::plugin {
namespace {

// The library's and the core's names are string literals: NUL-terminated, as
// proto_tree_add_string wants.
const char* category_name(Port port) { return to_string(category_of(port)).data(); }

const char* method_name(Method m) { return to_string(m).data(); }

guint8 percent(double p) { return static_cast<guint8>(std::lround(std::clamp(p, 0.0, 1.0) * 100)); }

// Items of a post-dissector are all derived from other layers: generated.
proto_item* generated(proto_item* item) {
  if (item) proto_item_set_generated(item);
  return item;
}

proto_item* add_string(proto_tree* tree, int hf, tvbuff_t* tvb, const char* value) {
  return generated(proto_tree_add_string(tree, hf, tvb, 0, 0, value));
}
proto_item* add_uint(proto_tree* tree, int hf, tvbuff_t* tvb, guint32 value) {
  return generated(proto_tree_add_uint(tree, hf, tvb, 0, 0, value));
}
proto_item* add_bool(proto_tree* tree, int hf, tvbuff_t* tvb, bool value) {
  return generated(proto_tree_add_boolean(tree, hf, tvb, 0, 0, value ? 1 : 0));
}
// One of a pair of IPv4/IPv6 fields, by the address's family.
proto_item* add_address(proto_tree* tree, int hf_v4, int hf_v6, tvbuff_t* tvb, const IpAddress& a) {
  if (a.is_v4()) {
    guint32 v4;  // network order, as Wireshark keeps IPv4 addresses
    std::memcpy(&v4, a.bytes().data(), 4);
    return generated(proto_tree_add_ipv4(tree, hf_v4, tvb, 0, 0, v4));
  }
  ws_in6_addr v6;
  std::memcpy(v6.bytes, a.bytes().data(), 16);
  return generated(proto_tree_add_ipv6(tree, hf_v6, tvb, 0, 0, &v6));
}

int dissect_quoted(tvbuff_t* tvb, proto_tree* tree) {
  const WantedFields w = wanted_fields(tree);
  if (!w.protocol()) return 0;
  const auto quoted = extract_quoted(tvb);
  if (!quoted) return 0;
  const Port sport = quoted->src_port, dport = quoted->dst_port;
  const FieldIds& f = fields();
  proto_item* top = generated(proto_tree_add_item(tree, state().proto, tvb, 0, 0, ENC_NA));
  if (w.label()) proto_item_append_text(top, ": quoted header of an ICMP error, ports %u -> %u", sport, dport);
  proto_tree* t = proto_item_add_subtree(top, subtrees().top);
  if (w.has(f.quoted)) add_bool(t, f.quoted, tvb, true);
  if (w.has(f.quoted_srcport)) add_uint(t, f.quoted_srcport, tvb, sport);
  if (w.has(f.quoted_dstport)) add_uint(t, f.quoted_dstport, tvb, dport);
  if (w.has(f.quoted_src_cat)) add_string(t, f.quoted_src_cat, tvb, category_name(sport));
  if (w.has(f.quoted_dst_cat)) add_string(t, f.quoted_dst_cat, tvb, category_name(dport));
  return static_cast<int>(tvb_captured_length(tvb));
}

// The host's item is the parent of its fields: added whenever one of them is.
void add_host(proto_tree* tree, tvbuff_t* tvb, const IpAddress& address, const HostJudgement& j,
              const WantedFields& w) {
  const FieldIds& f = fields();
  proto_item* item = add_address(tree, f.host_ip, f.host_ipv6, tvb, address);
  proto_tree* t = proto_item_add_subtree(item, subtrees().host);
  if (j.has_os) {
    if (w.has(f.host_os)) add_string(t, f.host_os, tvb, j.label.c_str());
    if (!j.profile_id.empty() && w.has(f.host_profile)) add_string(t, f.host_profile, tvb, j.profile_id.c_str());
    if (w.has(f.host_conf)) add_uint(t, f.host_conf, tvb, percent(j.confidence));
    if (!j.range_text.empty() && w.has(f.host_range)) add_string(t, f.host_range, tvb, j.range_text.c_str());
    if (j.tuned && w.has(f.host_tuned)) add_bool(t, f.host_tuned, tvb, true);
    if (j.by_preference && w.has(f.host_by_pref)) add_bool(t, f.host_by_pref, tvb, true);
    if (w.has(f.host_summary)) add_string(t, f.host_summary, tvb, j.summary.c_str());
  }
  if (w.has(f.host_finding))
    for (const std::string& id : j.ids) add_string(t, f.host_finding, tvb, id.c_str());
}

proto_item* add_packet_tree(proto_tree* tree, tvbuff_t* tvb, const PacketIn& in, const PacketOut& out,
                            const Config& config, const WantedFields& w) {
  const FieldIds& f = fields();
  const PacketFacts& pf = in.facts;
  const ClientDecision& d = out.decision;
  const bool src_client = d.client == Endpoint::source;
  const Port client_port = d.client_port(pf.src_port, pf.dst_port);
  const Port server_port = d.server_port(pf.src_port, pf.dst_port);

  proto_item* top = generated(proto_tree_add_item(tree, state().proto, tvb, 0, 0, ENC_NA));
  // The registry's names are whole std::strings, so .data() ends in NUL.
  const char* service_name = nullptr;
  if (w.label() || w.has(f.service)) {
    const auto service = config.knowledge->services().name(server_port, pf.transport);
    service_name = service ? service->data() : nullptr;
  }
  if (w.label())
    proto_item_append_text(top, ": client port %u (%s), service port %u%s%s%s, by %s", client_port,
                           category_name(client_port), server_port, service_name ? " (" : "",
                           service_name ? service_name : "", service_name ? ")" : "", method_name(out.method));
  proto_tree* t = proto_item_add_subtree(top, subtrees().top);

  if (w.has(f.src_cat)) add_string(t, f.src_cat, tvb, category_name(pf.src_port));
  if (w.has(f.dst_cat)) add_string(t, f.dst_cat, tvb, category_name(pf.dst_port));
  if (w.has(f.client)) add_string(t, f.client, tvb, src_client ? "src" : "dst");
  const IpAddress& client_address = src_client ? pf.src : pf.dst;
  if (w.has(client_address.is_v4() ? f.client_ip : f.client_ipv6))
    add_address(t, f.client_ip, f.client_ipv6, tvb, client_address);
  if (w.has(f.client_port)) add_uint(t, f.client_port, tvb, client_port);
  if (w.has(f.server_port)) add_uint(t, f.server_port, tvb, server_port);
  if (service_name && w.has(f.service)) add_string(t, f.service, tvb, service_name);
  if (w.has(f.method)) add_string(t, f.method, tvb, method_name(out.method));
  if (w.has(f.confidence)) add_uint(t, f.confidence, tvb, percent(d.confidence));
  if (out.method == Method::flow && w.has(f.handshake))
    generated(proto_tree_add_uint(t, f.handshake, tvb, 0, 0, out.handshake_frame));
  if (w.has(f.range_of)) {
    const std::string& ranges = config.ranges.joined(client_port);
    if (!ranges.empty()) add_string(t, f.range_of, tvb, ranges.c_str());
  }
  if (w.has(f.in_no_range) && !config.knowledge->in_any_ephemeral_range(client_port))
    add_bool(t, f.in_no_range, tvb, true);
  if (pf.signature) {
    // Once per SYN or SYN+ACK, and only when a tree is built.
    if (w.has(f.signature)) add_string(t, f.signature, tvb, pf.signature->to_p0f().c_str());
    if (w.has(f.signature_match))
      if (const auto m = config.signatures->db.match(*pf.signature); m && m->label) {
        const std::string text =
            m->label->origin + " " + m->label->display() + " (" + std::string(to_string(m->kind)) + ")";
        add_string(t, f.signature_match, tvb, text.c_str());
      }
  }
  if (out.sender && w.host()) add_host(t, tvb, pf.src, *out.sender, w);
  return top;
}

void queue_tap(packet_info* pinfo, const PacketIn& in, const PacketOut& out) {
  const int tap = state().tap;
  if (!have_tap_listener(tap)) return;
  void* memory = wmem_alloc(pinfo->pool, sizeof(TapRecord));
  const FlowTuple& flow = in.facts;
  auto* record = new (memory) TapRecord{flow, out.decision.client == Endpoint::source, !in.first_pass};
  tap_queue_packet(tap, pinfo, record);
}

int dissect(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree) {
  switch (classify(pinfo)) {
    case PacketKind::none: return 0;
    case PacketKind::quoted: return dissect_quoted(tvb, tree);
    case PacketKind::own: break;
  }
  const PluginState& s = state();
  WantedFields w = wanted_fields(tree);
  const bool tapped = have_tap_listener(s.tap) || (s.expert_tap > 0 && have_tap_listener(s.expert_tap));
  const bool first_pass = !PINFO_FD_VISITED(pinfo);
  // A later pass that nobody looks at (tshark -2 -T fields without portclass
  // fields): the first pass already learnt everything this packet teaches.
  if (!first_pass && !w.protocol() && !tapped) return 0;

  WireFacts wire;
  PacketIn in = extract_packet(tvb, pinfo, wire);
  // Findings are judged whenever a tap or a tree can show them (-z expert,
  // the expert dialog, expert fields in filters and -e); not in a -T fields
  // run that prints nothing of portclass. The sender's judgement only when
  // its fields are shown.
  in.wanted = tapped || (tree && (w.protocol() || !s.listing.fields_only || s.listing.lists_own));
  in.wants_sender = w.host();
  CaptureAnalysis& a = analysis();
  PacketOut out = a.process(in);

  // A packet that raises a finding gets the whole tree, so that expert fields
  // (_ws.expert.*) and the finding's context are there; such packets are rare.
  if (tree && !out.raised.empty()) {
    w = WantedFields::everything();
    if (!out.sender) out.sender = a.judgement(in.facts.src, !in.first_pass);
  }
  proto_item* top = w.protocol() ? add_packet_tree(tree, tvb, in, out, a.config(), w) : nullptr;
  for (const RaisedFinding& r : out.raised)
    expert_add_info_format(pinfo, top, &experts()[static_cast<std::size_t>(r.kind)], "%s", r.text.c_str());
  queue_tap(pinfo, in, out);
  return static_cast<int>(tvb_captured_length(tvb));
}

}  // namespace

int dissect_portclass(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void* /*data*/) {
  // No C++ exception may cross into Wireshark's C code.
  try {
    return dissect(tvb, pinfo, tree);
  } catch (const std::exception& e) {
    report_failure_once("dissector", e);
    return 0;
  }
}

}  // namespace portclass::ws::plugin
