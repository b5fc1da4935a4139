// SPDX-License-Identifier: GPL-2.0-or-later
// The post-dissector: runs after every other dissector on every packet.
#include "dissect.hpp"

#include <algorithm>
#include <cmath>
#include <new>
#include <string>

#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/tap.h>

#include "extract.hpp"
#include "portclass/category.hpp"
#include "fields.hpp"
#include "registration.hpp"
#include "tap_record.hpp"

namespace portclass::ws::plugin {
namespace {

const char* category_name(Port port) {
  switch (category_of(port)) {
    case PortCategory::system: return "system";
    case PortCategory::user: return "user";
    case PortCategory::dynamic: break;
  }
  return "dynamic";
}

guint8 percent(double p) { return static_cast<guint8>(std::lround(std::clamp(p, 0.0, 1.0) * 100)); }

// Items of a post-dissector are all derived from other layers: generated.
void generated(proto_item* item) {
  if (item) proto_item_set_generated(item);
}

// Building a string is wasted work when the field is neither shown nor
// asked for (tshark -T fields with other fields, or no tree at all).
bool wanted(proto_tree* tree, int hf) { return tree && proto_field_is_referenced(tree, hf); }

bool tree_visible(proto_tree* tree) { return tree && PTREE_DATA(tree)->visible; }

void add_string(proto_tree* tree, int hf, tvbuff_t* tvb, const char* value) {
  generated(proto_tree_add_string(tree, hf, tvb, 0, 0, value));
}
void add_uint(proto_tree* tree, int hf, tvbuff_t* tvb, guint32 value) {
  generated(proto_tree_add_uint(tree, hf, tvb, 0, 0, value));
}
void add_bool(proto_tree* tree, int hf, tvbuff_t* tvb, bool value) {
  generated(proto_tree_add_boolean(tree, hf, tvb, 0, 0, value ? 1 : 0));
}

int dissect_quoted(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree) {
  if (!tree) return 0;
  const FieldIds& f = fields();
  proto_item* top = proto_tree_add_item(tree, state().proto, tvb, 0, 0, ENC_NA);
  generated(top);
  proto_item_append_text(top, ": quoted header of an ICMP error, ports %u -> %u", pinfo->srcport, pinfo->destport);
  proto_tree* t = proto_item_add_subtree(top, subtrees().top);
  add_bool(t, f.quoted, tvb, true);
  add_uint(t, f.quoted_srcport, tvb, pinfo->srcport);
  add_uint(t, f.quoted_dstport, tvb, pinfo->destport);
  add_string(t, f.quoted_src_cat, tvb, category_name(static_cast<Port>(pinfo->srcport)));
  add_string(t, f.quoted_dst_cat, tvb, category_name(static_cast<Port>(pinfo->destport)));
  return static_cast<int>(tvb_captured_length(tvb));
}

// The connection's handshake, remembered on the TCP conversation (Wireshark
// splits conversations when ports are reused, so this follows connections).
FlowHint* flow_hint(conversation_t* conv) {
  return conv ? static_cast<FlowHint*>(conversation_get_proto_data(conv, state().proto)) : nullptr;
}

void remember_flow(conversation_t* conv, const PacketIn& in, const PacketOut& out) {
  if (!conv || flow_hint(conv)) return;
  const PacketFacts& f = in.facts;
  const bool src_client = out.decision.client == Endpoint::source;
  void* memory = wmem_alloc(wmem_file_scope(), sizeof(FlowHint));
  auto* hint = new (memory) FlowHint{src_client ? f.src : f.dst, src_client ? f.src_port : f.dst_port, in.frame};
  conversation_add_proto_data(conv, state().proto, hint);
}

void add_host(proto_tree* tree, tvbuff_t* tvb, const IpAddress& address, const HostJudgement& j) {
  const FieldIds& f = fields();
  std::string addr = address.to_string();
  proto_item* item = proto_tree_add_string(tree, f.host, tvb, 0, 0, addr.c_str());
  generated(item);
  proto_tree* t = proto_item_add_subtree(item, subtrees().host);
  if (j.has_os) {
    add_string(t, f.host_os, tvb, j.label.c_str());
    if (!j.profile_id.empty()) add_string(t, f.host_profile, tvb, j.profile_id.c_str());
    add_uint(t, f.host_conf, tvb, percent(j.confidence));
    if (!j.range_text.empty()) add_string(t, f.host_range, tvb, j.range_text.c_str());
    add_bool(t, f.host_tuned, tvb, j.tuned);
    add_bool(t, f.host_by_pref, tvb, j.by_preference);
    if (wanted(t, f.host_summary)) add_string(t, f.host_summary, tvb, j.summary.c_str());
    if (item && tree_visible(tree)) {
      proto_item_append_text(item, ": %s", j.label.c_str());
      if (j.verdict == Verdict::identified) proto_item_append_text(item, " %u%%", percent(j.confidence));
      if (!j.range_text.empty()) proto_item_append_text(item, " (%s)", j.range_text.c_str());
    }
  }
  for (const std::string& id : j.ids) add_string(t, f.host_finding, tvb, id.c_str());
}

void add_packet_tree(proto_tree* tree, tvbuff_t* tvb, const PacketIn& in, const PacketOut& out,
                     const Config& config, proto_item*& top) {
  const FieldIds& f = fields();
  const PacketFacts& pf = in.facts;
  const ClientDecision& d = out.decision;
  const bool src_client = d.client == Endpoint::source;
  const Port client_port = d.client_port(pf.src_port, pf.dst_port);
  const Port server_port = d.server_port(pf.src_port, pf.dst_port);
  const IpAddress& client = src_client ? pf.src : pf.dst;

  top = proto_tree_add_item(tree, state().proto, tvb, 0, 0, ENC_NA);
  generated(top);
  proto_tree* t = proto_item_add_subtree(top, subtrees().top);

  add_string(t, f.src_cat, tvb, category_name(pf.src_port));
  add_string(t, f.dst_cat, tvb, category_name(pf.dst_port));
  add_string(t, f.client, tvb, src_client ? "src" : "dst");
  if (wanted(t, f.client_addr)) add_string(t, f.client_addr, tvb, client.to_string().c_str());
  add_uint(t, f.client_port, tvb, client_port);
  add_uint(t, f.server_port, tvb, server_port);
  std::string service;
  if (wanted(t, f.service) || tree_visible(tree)) {
    if (auto name = config.knowledge->services().name(server_port, pf.transport)) service = std::string(*name);
    if (!service.empty()) add_string(t, f.service, tvb, service.c_str());
  }
  add_string(t, f.method, tvb, std::string(to_string(out.method)).c_str());
  add_uint(t, f.confidence, tvb, percent(d.confidence));
  if (out.method == Method::flow) generated(proto_tree_add_uint(t, f.handshake, tvb, 0, 0, out.handshake_frame));
  if (wanted(t, f.range_of)) {
    const auto& ids = config.ranges.ids_containing(client_port);
    proto_tree* r = proto_tree_add_subtree_format(t, tvb, 0, 0, subtrees().ranges, nullptr,
                                                  "Client port %u is inside the default range of %zu OS profiles",
                                                  client_port, ids.size());
    for (const std::string& id : ids) add_string(r, f.range_of, tvb, id.c_str());
  }
  add_bool(t, f.in_no_range, tvb, !config.knowledge->in_any_ephemeral_range(client_port));
  if (out.sender) add_host(t, tvb, pf.src, *out.sender);

  if (top && tree_visible(tree)) {
    const std::string text = ": client " + client.to_string() + " port " + std::to_string(client_port) + " (" +
                             category_name(client_port) + "), service port " + std::to_string(server_port) +
                             (service.empty() ? "" : " (" + service + ")") + ", by " +
                             std::string(to_string(out.method));
    proto_item_append_text(top, "%s", text.c_str());
  }
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
  WireFacts wire;
  PacketIn in = extract_packet(tvb, pinfo, wire);
  conversation_t* conv = in.facts.transport == Transport::tcp ? find_conversation_pinfo(pinfo, 0) : nullptr;
  in.flow = flow_hint(conv);

  CaptureAnalysis& a = analysis();
  const PacketOut out = a.process(in);
  if (in.first_pass && out.starts_flow) remember_flow(conv, in, out);

  proto_item* top = nullptr;
  if (tree) add_packet_tree(tree, tvb, in, out, a.config(), top);
  for (const RaisedFinding& r : out.raised)
    expert_add_info_format(pinfo, top, &experts()[static_cast<std::size_t>(r.finding)], "%s", r.text.c_str());
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
