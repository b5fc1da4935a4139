// SPDX-License-Identifier: GPL-2.0-or-later
// CaptureAnalysis: the plugin's per-capture state and per-packet logic,
// independent of Wireshark's API so it can be tested on its own.
//
// Passes. Wireshark dissects a packet first with first_pass = true (tshark's
// single pass, the first pass of `tshark -2`, the GUI while loading) and may
// dissect it again any number of times later, in any order (the second pass of
// `tshark -2`, clicking a packet, re-taps for statistics). Observations are
// taken only on the first pass, so the HostDirectory describes every packet
// exactly once. Judgements are "so far" on the first pass and whole-capture
// later.
//
// Connections. The first pass records each TCP handshake (SYN, or SYN+ACK when
// the SYN is missing) per address/port pair; any later packet of that pair is
// then decided by the latest handshake at or before it ("flow"), so reused
// port pairs and re-dissection in any order stay right. Without a handshake in
// the capture (it started mid-connection) the port heuristic decides.
//
// Cost. Inference is not run per packet: each host's judgement is cached and
// recomputed when its profile changed. On the first pass "changed" is measured
// on a geometric scale (about 1/8 growth of the host's activity, or any change
// while it is small), so a host with n packets costs O(log n) inferences; on
// later passes the profile no longer changes and each host is judged once.
//
// Findings. Each finding is raised once per subject (host, or host and service
// port), so expert-info lists stay readable. On the first pass it is raised on
// the packet where it first holds; on later passes on a fixed anchor packet
// recorded in the first pass (the host's first packet in the role the finding
// is about), whenever the whole-capture judgement holds it. So a re-dissection
// in any order raises exactly the same set.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "config.hpp"
#include "host_judgement.hpp"
#include "portclass/host_directory.hpp"

namespace portclass::ws {

// How the client side of a packet was decided.
enum class Method : std::uint8_t {
  syn,        // this packet is the SYN
  syn_ack,    // this packet is the SYN+ACK
  flow,       // the connection's handshake was seen earlier
  heuristic,  // port heuristic (UDP, or a TCP connection whose start is not in the capture)
};
std::string_view to_string(Method m) noexcept;  // "syn", "syn-ack", "flow", "heuristic"

struct PacketIn {
  PacketFacts facts;
  std::uint32_t frame = 0;      // Wireshark's frame number, from 1
  bool have_tcp_flags = false;  // facts.tcp is real (the TCP header was found)
  bool first_pass = true;
  // Someone can see this dissection's judgement and findings (a tree, or a
  // tap such as expert info). When not, observing is all there is to do:
  // e.g. the first pass of `tshark -2 -T fields`.
  bool wanted = true;
  // Someone sees the sending host's fields: PacketOut::sender is filled.
  bool wants_sender = true;
};

struct RaisedFinding {
  ExpertKind kind;
  std::string text;
};

struct PacketOut {
  ClientDecision decision;
  Method method = Method::heuristic;
  std::uint32_t handshake_frame = 0;      // for Method::flow
  const HostJudgement* sender = nullptr;  // the sending host; valid until the next process()
  std::vector<RaisedFinding> raised;
};

class CaptureAnalysis {
 public:
  explicit CaptureAnalysis(std::shared_ptr<const Config> config);

  PacketOut process(const PacketIn& packet);

  // A host's judgement: so far (final = false) or whole-capture (final = true,
  // recomputed whenever the profile changed at all). Null for an unseen host.
  const HostJudgement* judgement(const IpAddress& address, bool final);
  // Increases whenever the host's judgement was recomputed.
  std::uint64_t generation(const IpAddress& address) const;

  const HostDirectory& directory() const noexcept { return directory_; }
  const Config& config() const noexcept { return *config_; }

 private:
  struct Stamp {
    std::uint64_t packets = 0, tcp_events = 0, udp_events = 0, dns_queries = 0, syns = 0;
    std::uint32_t tcp_clients = 0, udp_clients = 0, tcp_servers = 0, udp_servers = 0, dns_ports = 0, ttls = 0;
    friend bool operator==(const Stamp&, const Stamp&) = default;
  };
  struct HostState {
    const HostProfile* profile = nullptr;  // in directory_, once the host was seen
    std::unique_ptr<HostJudgement> judgement;
    Stamp exact;
    Stamp coarse;
    std::uint64_t generation = 0;
    // The judgement is the whole-capture one for the directory as it was
    // after `observations_` observations (~0: not known to be).
    std::uint64_t final_at = ~std::uint64_t{0};
    std::uint32_t first_sent = 0, first_client = 0, first_dns = 0;
    ExpertSet raised_live;
  };
  struct ServerKey {
    IpAddress address;
    Transport transport;
    Port port;
    friend bool operator==(const ServerKey&, const ServerKey&) = default;
  };
  // Hashing is on every packet's path: words, not bytes.
  struct FastHash {
    static std::size_t of(const IpAddress& a) noexcept {
      std::uint64_t lo, hi;
      std::memcpy(&lo, a.bytes().data(), 8);
      std::memcpy(&hi, a.bytes().data() + 8, 8);
      return mix(lo ^ (mix(hi) + static_cast<std::uint64_t>(a.family())));
    }
    static std::size_t mix(std::uint64_t x) noexcept {
      x ^= x >> 33;
      x *= 0xff51afd7ed558ccdULL;
      x ^= x >> 33;
      return static_cast<std::size_t>(x);
    }
    std::size_t operator()(const IpAddress& a) const noexcept { return of(a); }
  };
  struct ServerKeyHash {
    std::size_t operator()(const ServerKey& k) const noexcept {
      return FastHash::mix(FastHash::of(k.address) + (std::uint64_t{k.port} << 1) +
                           static_cast<std::uint64_t>(k.transport));
    }
  };
  struct ServerState {
    bool raised_live = false;
    std::uint64_t checked_generation = ~std::uint64_t{0};
  };
  struct Anchor {
    ExpertKind kind;
    ServerKey subject;  // host-level findings use only the address
  };
  // A TCP address/port pair in canonical order (lower endpoint first).
  struct FlowKey {
    IpAddress a, b;
    Port pa = 0, pb = 0;
    friend bool operator==(const FlowKey&, const FlowKey&) = default;
  };
  struct FlowKeyHash {
    std::size_t operator()(const FlowKey& k) const noexcept {
      return FastHash::mix(FastHash::of(k.a) * 31 + FastHash::of(k.b) + (std::uint64_t{k.pa} << 16 | k.pb));
    }
  };
  struct Handshake {
    std::uint32_t frame;
    bool a_is_client;
  };

  static Stamp stamp_of(const HostProfile& p);
  static Stamp coarsen(const Stamp& s);
  static FlowKey flow_key(const PacketFacts& f, bool& src_is_a);

  HostState& host(const IpAddress& address);
  ClientDecision decide(const PacketIn& packet, PacketOut& out) const;
  void remember_handshake(const PacketIn& packet, const PacketOut& out);
  void record_anchors(const PacketIn& packet, const PacketOut& out, HostState& src, HostState& dst);
  const HostJudgement* judge(const IpAddress& address, HostState& state, bool final);
  void raise_live(const PacketIn& packet, PacketOut& out, HostState& src, HostState& dst);
  void raise_anchored(std::uint32_t frame, PacketOut& out);
  std::optional<std::string> check(const Anchor& anchor);

  std::shared_ptr<const Config> config_;
  HostDirectory directory_;
  // Packets observed so far. Profiles change only when it grows, so a
  // whole-capture judgement taken at the same count is still exact: later
  // passes judge each host once instead of re-reading its profile per packet.
  std::uint64_t observations_ = 0;
  std::unordered_map<IpAddress, HostState, FastHash> hosts_;
  std::unordered_map<ServerKey, ServerState, ServerKeyHash> servers_;
  std::unordered_map<std::uint32_t, std::vector<Anchor>> anchors_;          // by frame number
  std::unordered_map<FlowKey, std::vector<Handshake>, FlowKeyHash> flows_;  // frames ascending
};

}  // namespace portclass::ws
