// SPDX-License-Identifier: GPL-2.0-or-later
// The post-dissector: runs after every other dissector on every packet.
//
// Cost note: `tshark -T fields` builds a *visible* protocol tree for every
// packet in Wireshark 4.0, so every item added here is really allocated even
// when nobody asks for portclass fields. The tree is therefore kept lean:
// addresses as address fields (no text), the profile list as one string
// precomputed per port class, flags only where they say something, and no
// per-item label formatting except the top line.
#include "dissect.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <string>

#include <epan/expert.h>
#include <epan/tap.h>
#include <wsutil/inet_ipv6.h>

#include "extract.hpp"
#include "fields.hpp"
#include "portclass/category.hpp"
#include "registration.hpp"
#include "tap_record.hpp"

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

// No tree; an invisible one where no portclass field is asked for (a
// display filter on other protocols); or tshark printing only -e fields,
// none of them ours: nobody can see what would be built.
bool wants_tree(proto_tree* tree) {
  const PluginState& s = state();
  if (!tree || !proto_field_is_referenced(tree, s.proto)) return false;
  if (!s.skip_unless_primed) return true;
  // Filters and custom columns prime their fields: a field of ours marks the
  // protocol as referenced; expert fields hang on the expert pseudo-protocol.
  auto primed = [](int hf) { return hf > 0 && proto_registrar_get_nth(static_cast<guint>(hf))->ref_type != HF_REF_TYPE_NONE; };
  if (primed(s.proto)) return true;
  for (const expert_field& e : experts())
    if (primed(e.hf)) return true;
  return false;
}

int dissect_quoted(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree) {
  if (!wants_tree(tree)) return 0;
  const FieldIds& f = fields();
  proto_item* top = generated(proto_tree_add_item(tree, state().proto, tvb, 0, 0, ENC_NA));
  proto_item_append_text(top, ": quoted header of an ICMP error, ports %u -> %u", pinfo->srcport, pinfo->destport);
  proto_tree* t = proto_item_add_subtree(top, subtrees().top);
  add_bool(t, f.quoted, tvb, true);
  add_uint(t, f.quoted_srcport, tvb, pinfo->srcport);
  add_uint(t, f.quoted_dstport, tvb, pinfo->destport);
  add_string(t, f.quoted_src_cat, tvb, category_name(static_cast<Port>(pinfo->srcport)));
  add_string(t, f.quoted_dst_cat, tvb, category_name(static_cast<Port>(pinfo->destport)));
  return static_cast<int>(tvb_captured_length(tvb));
}

void add_host(proto_tree* tree, tvbuff_t* tvb, const IpAddress& address, const HostJudgement& j) {
  const FieldIds& f = fields();
  proto_item* item = add_address(tree, f.host_ip, f.host_ipv6, tvb, address);
  proto_tree* t = proto_item_add_subtree(item, subtrees().host);
  if (j.has_os) {
    add_string(t, f.host_os, tvb, j.label.c_str());
    if (!j.profile_id.empty()) add_string(t, f.host_profile, tvb, j.profile_id.c_str());
    add_uint(t, f.host_conf, tvb, percent(j.confidence));
    if (!j.range_text.empty()) add_string(t, f.host_range, tvb, j.range_text.c_str());
    if (j.tuned) add_bool(t, f.host_tuned, tvb, true);
    if (j.by_preference) add_bool(t, f.host_by_pref, tvb, true);
    add_string(t, f.host_summary, tvb, j.summary.c_str());
  }
  for (const std::string& id : j.ids) add_string(t, f.host_finding, tvb, id.c_str());
}

proto_item* add_packet_tree(proto_tree* tree, tvbuff_t* tvb, const PacketIn& in, const PacketOut& out,
                            const Config& config) {
  const FieldIds& f = fields();
  const PacketFacts& pf = in.facts;
  const ClientDecision& d = out.decision;
  const bool src_client = d.client == Endpoint::source;
  const Port client_port = d.client_port(pf.src_port, pf.dst_port);
  const Port server_port = d.server_port(pf.src_port, pf.dst_port);
  const auto service = config.knowledge->services().name(server_port, pf.transport);
  // The registry's names are whole std::strings, so .data() ends in NUL.
  const char* service_name = service ? service->data() : nullptr;

  proto_item* top = generated(proto_tree_add_item(tree, state().proto, tvb, 0, 0, ENC_NA));
  proto_item_append_text(top, ": client port %u (%s), service port %u%s%s%s, by %s", client_port,
                         category_name(client_port), server_port, service_name ? " (" : "",
                         service_name ? service_name : "", service_name ? ")" : "", method_name(out.method));
  proto_tree* t = proto_item_add_subtree(top, subtrees().top);

  add_string(t, f.src_cat, tvb, category_name(pf.src_port));
  add_string(t, f.dst_cat, tvb, category_name(pf.dst_port));
  add_string(t, f.client, tvb, src_client ? "src" : "dst");
  add_address(t, f.client_ip, f.client_ipv6, tvb, src_client ? pf.src : pf.dst);
  add_uint(t, f.client_port, tvb, client_port);
  add_uint(t, f.server_port, tvb, server_port);
  if (service_name) add_string(t, f.service, tvb, service_name);
  add_string(t, f.method, tvb, method_name(out.method));
  add_uint(t, f.confidence, tvb, percent(d.confidence));
  if (out.method == Method::flow) generated(proto_tree_add_uint(t, f.handshake, tvb, 0, 0, out.handshake_frame));
  const std::string& ranges = config.ranges.joined(client_port);
  if (!ranges.empty()) add_string(t, f.range_of, tvb, ranges.c_str());
  if (!config.knowledge->in_any_ephemeral_range(client_port)) add_bool(t, f.in_no_range, tvb, true);
  if (pf.signature) {
    // Once per SYN or SYN+ACK, and only when a tree is built.
    add_string(t, f.signature, tvb, pf.signature->to_p0f().c_str());
    if (const auto m = config.signatures->db.match(*pf.signature); m && m->label) {
      const std::string text = m->label->origin + " " + m->label->display() + " (" + std::string(to_string(m->kind)) + ")";
      add_string(t, f.signature_match, tvb, text.c_str());
    }
  }
  if (out.sender) add_host(t, tvb, pf.src, *out.sender);
  return top;
}

void queue_tap(packet_info* pinfo, const PacketIn& in, const PacketOut& out) {
  const int tap = state().tap;
  if (!have_tap_listener(tap)) return;
  void* memory = wmem_alloc(pinfo->pool, sizeof(TapRecord));
  const PacketFacts& f = in.facts;
  auto* record = new (memory) TapRecord{f.src, f.dst, f.transport, f.src_port, f.dst_port,
                                        out.decision.client == Endpoint::source, !in.first_pass};
  tap_queue_packet(tap, pinfo, record);
}

int dissect(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree) {
  switch (classify(pinfo)) {
    case PacketKind::none: return 0;
    case PacketKind::quoted: return dissect_quoted(tvb, pinfo, tree);
    case PacketKind::own: break;
  }
  const PluginState& s = state();
  const bool build_tree = wants_tree(tree);
  const bool tapped = have_tap_listener(s.tap) || (s.expert_tap > 0 && have_tap_listener(s.expert_tap));
  const bool first_pass = !PINFO_FD_VISITED(pinfo);
  // A later pass that nobody looks at (tshark -2 -T fields without portclass
  // fields): the first pass already learnt everything this packet teaches.
  if (!first_pass && !build_tree && !tapped) return 0;

  WireFacts wire;
  PacketIn in = extract_packet(tvb, pinfo, wire);
  in.wanted = build_tree || tapped || (tree && !s.skip_unless_primed);
  CaptureAnalysis& a = analysis();
  const PacketOut out = a.process(in);

  // Findings get their tree even when the rest is skipped, so that expert
  // fields (_ws.expert.*) see them; they are rare.
  proto_item* top = nullptr;
  if (build_tree || (tree && !out.raised.empty())) top = add_packet_tree(tree, tvb, in, out, a.config());
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
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace portclass::ws::plugin
