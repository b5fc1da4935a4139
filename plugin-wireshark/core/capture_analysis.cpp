// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture_analysis.hpp"

#include <algorithm>
#include <bit>

namespace portclass::ws {
namespace {

// Exact below 16, then 8 buckets per power of two (~12% apart).
std::uint64_t bucket(std::uint64_t n) {
  if (n < 16) return n;
  const unsigned width = static_cast<unsigned>(std::bit_width(n));
  return (std::uint64_t{width} << 3) | ((n >> (width - 4)) & 7);
}

bool attributable(const PacketOut& out) {
  return out.method != Method::heuristic || out.decision.confidence >= HostDirectory::kMinAttributionConfidence;
}

}  // namespace

std::string_view to_string(Method m) noexcept {
  switch (m) {
    case Method::syn: return "syn";
    case Method::syn_ack: return "syn-ack";
    case Method::flow: return "flow";
    case Method::heuristic: break;
  }
  return "heuristic";
}

CaptureAnalysis::CaptureAnalysis(std::shared_ptr<const Config> config)
    : config_(std::move(config)), directory_(*config_->knowledge) {}

CaptureAnalysis::Stamp CaptureAnalysis::stamp_of(const HostProfile& p) {
  Stamp s;
  const auto& tcp = p.stats(Transport::tcp);
  const auto& udp = p.stats(Transport::udp);
  s.packets = p.packets();
  s.tcp_events = tcp.client_sequence.events;
  s.udp_events = udp.client_sequence.events;
  s.dns_queries = p.dns_queries();
  for (const bool syn_ack : {false, true})
    for (const auto& [key, n] : p.signatures(syn_ack)) s.syns += n;  // SYN+ACKs judge servers
  s.tcp_clients = tcp.client_ports.count();
  s.udp_clients = udp.client_ports.count();
  s.tcp_servers = tcp.server_ports.count();
  s.udp_servers = udp.server_ports.count();
  s.dns_ports = p.dns_ports().count();
  s.ttls = static_cast<std::uint32_t>(p.ttl_counts(Transport::tcp).size() + p.ttl_counts(Transport::udp).size());
  return s;
}

CaptureAnalysis::Stamp CaptureAnalysis::coarsen(const Stamp& s) {
  // One growing measure on the geometric scale: everything a host does adds
  // to it. Small counts stay exact, so the first few ports, queries or
  // services, and any new TTL value, are judged at once.
  auto small = [](std::uint64_t n) { return static_cast<std::uint32_t>(std::min<std::uint64_t>(n, 16)); };
  Stamp c;
  c.packets = bucket(s.packets + s.tcp_events + s.udp_events + s.dns_queries + s.syns + s.tcp_clients + s.udp_clients +
                     s.tcp_servers + s.udp_servers + s.dns_ports);
  c.dns_queries = small(s.dns_queries);
  c.tcp_clients = small(s.tcp_clients);
  c.udp_clients = small(s.udp_clients);
  c.tcp_servers = small(s.tcp_servers);
  c.udp_servers = small(s.udp_servers);
  c.dns_ports = small(s.dns_ports);
  c.ttls = s.ttls;
  return c;
}

CaptureAnalysis::FlowKey CaptureAnalysis::flow_key(const PacketFacts& f, bool& src_is_a) {
  src_is_a = f.src < f.dst || (f.src == f.dst && f.src_port <= f.dst_port);
  return src_is_a ? FlowKey{f.src, f.dst, f.src_port, f.dst_port} : FlowKey{f.dst, f.src, f.dst_port, f.src_port};
}

CaptureAnalysis::HostState& CaptureAnalysis::host(const IpAddress& address) {
  HostState& s = hosts_[address];
  if (!s.profile) s.profile = directory_.find(address);
  return s;
}

ClientDecision CaptureAnalysis::decide(const PacketIn& packet, PacketOut& out) const {
  const PacketFacts& f = packet.facts;
  const bool tcp = f.transport == Transport::tcp;
  const PortKnowledge& knowledge = *config_->knowledge;
  if (tcp && packet.have_tcp_flags && f.tcp.syn && !f.tcp.rst) {
    const ClientDecision d = decide_client(f.src_port, f.dst_port, f.transport, &f.tcp, knowledge);
    out.method = d.method == ClientMethod::syn ? Method::syn : Method::syn_ack;
    return d;
  }
  if (tcp && !flows_.empty()) {
    bool src_is_a = false;
    const auto it = flows_.find(flow_key(f, src_is_a));
    if (it != flows_.end()) {
      // The latest handshake at or before this packet: port pairs get reused.
      const auto& handshakes = it->second;
      const auto after = std::upper_bound(handshakes.begin(), handshakes.end(), packet.frame,
                                          [](std::uint32_t frame, const Handshake& h) { return frame < h.frame; });
      if (after != handshakes.begin()) {
        const Handshake& h = *(after - 1);
        out.method = Method::flow;
        out.handshake_frame = h.frame;
        return {h.a_is_client == src_is_a ? Endpoint::source : Endpoint::destination, ClientMethod::syn, 1.0};
      }
    }
  }
  out.method = Method::heuristic;
  return decide_client(f.src_port, f.dst_port, f.transport, tcp && packet.have_tcp_flags ? &f.tcp : nullptr, knowledge);
}

void CaptureAnalysis::remember_handshake(const PacketIn& packet, const PacketOut& out) {
  bool src_is_a = false;
  const FlowKey key = flow_key(packet.facts, src_is_a);
  const bool a_is_client = (out.decision.client == Endpoint::source) == src_is_a;
  auto& handshakes = flows_[key];
  if (!handshakes.empty()) {
    const Handshake& last = handshakes.back();
    if (last.frame >= packet.frame) return;  // frames arrive in order on the first pass
    // The SYN+ACK answering the SYN just recorded adds nothing.
    if (out.method == Method::syn_ack && last.a_is_client == a_is_client) return;
  }
  handshakes.push_back({packet.frame, a_is_client});
}

void CaptureAnalysis::record_anchors(const PacketIn& packet, const PacketOut& out, HostState& src, HostState& dst) {
  const PacketFacts& f = packet.facts;
  const ClientDecision& d = out.decision;
  const std::uint32_t frame = packet.frame;
  auto anchor = [&](ExpertKind kind, const IpAddress& address, Transport t = Transport::tcp, Port port = 0) {
    anchors_[frame].push_back(Anchor{kind, ServerKey{address, t, port}});
  };
  if (src.first_sent == 0) {
    src.first_sent = frame;
    anchor(ExpertKind::several_stacks, f.src);
  }
  if (!attributable(out)) return;
  const bool src_client = d.client == Endpoint::source;
  HostState& client = src_client ? src : dst;
  const IpAddress& client_address = src_client ? f.src : f.dst;
  const IpAddress& server_address = src_client ? f.dst : f.src;
  const Port server_port = d.server_port(f.src_port, f.dst_port);
  if (client.first_client == 0) {
    client.first_client = frame;
    anchor(ExpertKind::sequential_ports, client_address);
    anchor(ExpertKind::outside_range, client_address);
  }
  if (src_client && f.transport == Transport::udp && server_port == 53 && src.first_dns == 0) {
    src.first_dns = frame;
    anchor(ExpertKind::dns_fixed_port, f.src);
  }
  if (servers_.try_emplace(ServerKey{server_address, f.transport, server_port}).second)
    anchor(ExpertKind::server_in_ephemeral, server_address, f.transport, server_port);
}

const HostJudgement* CaptureAnalysis::judge(const IpAddress& address, HostState& state, bool final) {
  if (!state.profile) state.profile = directory_.find(address);
  if (!state.profile) return nullptr;
  if (final && state.judgement && state.final_at == observations_) return state.judgement.get();
  const Stamp exact = stamp_of(*state.profile);
  if (state.judgement && (final ? exact == state.exact : coarsen(exact) == state.coarse)) {
    if (final) state.final_at = observations_;
    return state.judgement.get();
  }
  if (state.judgement)
    *state.judgement = judge_host(address, *state.profile, *config_);
  else
    state.judgement = std::make_unique<HostJudgement>(judge_host(address, *state.profile, *config_));
  state.exact = exact;
  state.coarse = coarsen(exact);
  state.final_at = final ? observations_ : ~std::uint64_t{0};
  ++state.generation;
  return state.judgement.get();
}

const HostJudgement* CaptureAnalysis::judgement(const IpAddress& address, bool final) {
  if (!directory_.find(address)) return nullptr;
  return judge(address, host(address), final);
}

std::uint64_t CaptureAnalysis::generation(const IpAddress& address) const {
  const auto it = hosts_.find(address);
  return it == hosts_.end() ? 0 : it->second.generation;
}

std::optional<std::string> CaptureAnalysis::check(const Anchor& anchor) {
  const ServerKey& s = anchor.subject;
  const HostJudgement* j = judge(s.address, host(s.address), true);
  if (!j) return std::nullopt;
  if (anchor.kind == ExpertKind::server_in_ephemeral) {
    if (const std::string* text = j->server_in_ephemeral(s.transport, s.port)) return *text;
    return std::nullopt;
  }
  if (!j->has(anchor.kind)) return std::nullopt;
  return j->text[static_cast<std::size_t>(anchor.kind)];
}

void CaptureAnalysis::raise_anchored(std::uint32_t frame, PacketOut& out) {
  if (anchors_.empty()) return;
  const auto it = anchors_.find(frame);
  if (it == anchors_.end()) return;
  for (const Anchor& a : it->second)
    if (auto text = check(a)) out.raised.push_back({a.kind, std::move(*text)});
}

void CaptureAnalysis::raise_live(const PacketIn& packet, PacketOut& out, HostState& src, HostState& dst) {
  const PacketFacts& f = packet.facts;
  auto host_findings = [&](const IpAddress& address, HostState& st) {
    const HostJudgement* j = judge(address, st, false);
    if (!j || j->findings.empty()) return;
    for (std::size_t i = 0; i < kExpertKinds; ++i) {
      const auto kind = static_cast<ExpertKind>(i);
      if (kind == ExpertKind::server_in_ephemeral) continue;  // per service port, below
      if (!j->has(kind) || st.raised_live.has(kind)) continue;
      st.raised_live.add(kind);
      out.raised.push_back({kind, j->text[i]});
    }
  };
  host_findings(f.src, src);
  if (&dst != &src) host_findings(f.dst, dst);

  if (!attributable(out)) return;
  const bool src_client = out.decision.client == Endpoint::source;
  const IpAddress& server = src_client ? f.dst : f.src;
  HostState& hs = src_client ? dst : src;
  const Port port = out.decision.server_port(f.src_port, f.dst_port);
  const HostJudgement* j = judge(server, hs, false);
  if (!j || j->server_issues.empty()) return;
  ServerState& ss = servers_[ServerKey{server, f.transport, port}];
  if (ss.raised_live || hs.generation == ss.checked_generation) return;
  ss.checked_generation = hs.generation;
  if (const std::string* text = j->server_in_ephemeral(f.transport, port)) {
    ss.raised_live = true;
    out.raised.push_back({ExpertKind::server_in_ephemeral, *text});
  }
}

PacketOut CaptureAnalysis::process(const PacketIn& packet) {
  PacketOut out;
  out.decision = decide(packet, out);
  const PacketFacts& f = packet.facts;
  if (packet.first_pass) {
    // A packet of a connection whose handshake was seen is attributed with
    // certainty; the library's own port heuristic gets e.g. a service on
    // 50000 talking to a client on 2xxxx the wrong way round.
    ++observations_;
    if (out.method == Method::flow)
      directory_.observe(f, out.decision.client);
    else
      directory_.observe(f);
    if (out.method == Method::syn || out.method == Method::syn_ack) remember_handshake(packet, out);
  }
  if (!packet.first_pass) {
    // Later passes learn nothing: the sender's whole-capture judgement (cached
    // per host) and the findings anchored on this frame are all there is.
    if (!packet.wanted) return out;
    if (packet.wants_sender) out.sender = judge(f.src, host(f.src), true);
    raise_anchored(packet.frame, out);
    return out;
  }
  HostState& src = host(f.src);
  HostState& dst = f.dst == f.src ? src : host(f.dst);
  record_anchors(packet, out, src, dst);
  if (!packet.wanted) return out;
  if (packet.wants_sender) out.sender = judge(f.src, src, false);
  raise_live(packet, out, src, dst);
  return out;
}

}  // namespace portclass::ws
