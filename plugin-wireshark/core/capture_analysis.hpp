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
// Cost. Inference is not run per packet: each host's judgement is cached and
// recomputed when its profile changed. On the first pass "changed" is measured
// on a geometric scale (about 1/8 growth of any count), so a host with n
// connections costs O(log n) inferences; on later passes the profile no longer
// changes and each host is judged once, exactly.
//
// Findings. Each finding is raised once per subject (host, or host and service
// port), so expert-info lists stay readable. On the first pass it is raised on
// the packet where it first holds; on later passes on a fixed anchor packet
// recorded in the first pass (the host's first packet in the role the finding
// is about), whenever the whole-capture judgement holds it. So a re-dissection
// in any order raises exactly the same set.
#pragma once

#include <cstdint>
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

// What the caller remembers about a TCP connection from its handshake.
struct FlowHint {
  IpAddress client;
  Port client_port = 0;
  std::uint32_t handshake_frame = 0;
};

struct PacketIn {
  PacketFacts facts;
  std::uint32_t frame = 0;
  bool have_tcp_flags = false;     // facts.tcp is real (the TCP header was found)
  const FlowHint* flow = nullptr;  // the connection's handshake, if seen
  bool first_pass = true;
};

struct RaisedFinding {
  ExpertKind finding;
  std::string text;
};

struct PacketOut {
  ClientDecision decision;
  Method method = Method::heuristic;
  std::uint32_t handshake_frame = 0;      // for Method::flow
  bool starts_flow = false;               // a SYN or SYN+ACK: remember the client for the connection
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
    std::unique_ptr<HostJudgement> judgement;
    Stamp exact;
    Stamp coarse;
    std::uint64_t generation = 0;
    std::uint32_t first_sent = 0, first_client = 0, first_dns = 0;
    ExpertSet raised_live;
  };
  struct ServerKey {
    IpAddress address;
    Transport transport;
    Port port;
    friend bool operator==(const ServerKey&, const ServerKey&) = default;
  };
  struct ServerKeyHash {
    std::size_t operator()(const ServerKey& k) const noexcept {
      return IpAddressHash{}(k.address) * 131 + (std::size_t{k.port} << 1) + static_cast<std::size_t>(k.transport);
    }
  };
  struct ServerState {
    bool raised_live = false;
    std::uint64_t checked_generation = ~std::uint64_t{0};
  };
  struct Anchor {
    ExpertKind finding;
    ServerKey subject;  // host-level findings use only the address
  };

  static Stamp stamp_of(const HostProfile& p);
  static Stamp coarsen(const Stamp& s);

  ClientDecision decide(const PacketIn& packet, PacketOut& out) const;
  void record_anchors(const PacketIn& packet, const PacketOut& out);
  const HostJudgement* judge(const IpAddress& address, HostState& state, bool final);
  void raise_live(const PacketIn& packet, const ClientDecision& d, PacketOut& out);
  void raise_anchored(std::uint32_t frame, PacketOut& out);
  std::optional<std::string> check(const Anchor& anchor);

  std::shared_ptr<const Config> config_;
  HostDirectory directory_;
  std::unordered_map<IpAddress, HostState, IpAddressHash> hosts_;
  std::unordered_map<ServerKey, ServerState, ServerKeyHash> servers_;
  std::unordered_map<std::uint32_t, std::vector<Anchor>> anchors_;  // by frame number
};

}  // namespace portclass::ws
