// SPDX-License-Identifier: GPL-2.0-or-later
// Which side of a TCP/UDP flow is the client (the side with the ephemeral port).
//
// Certain when the handshake is seen: a SYN is sent by the client, a SYN+ACK
// by the server. Otherwise (UDP, or a capture that starts mid-connection) a
// heuristic compares how service-like each port is (see
// PortKnowledge::server_likeness) and reports a confidence in [0.5, 1).
#pragma once

#include <string_view>

#include "portclass/knowledge.hpp"
#include "portclass/port.hpp"

namespace portclass {

enum class Endpoint : std::uint8_t { source, destination };
enum class ClientMethod : std::uint8_t { syn, syn_ack, heuristic };

std::string_view to_string(ClientMethod m) noexcept;  // "syn", "syn-ack", "heuristic"

struct TcpFlags {
  bool syn = false;
  bool ack = false;
  bool fin = false;
  bool rst = false;
};

struct ClientDecision {
  Endpoint client = Endpoint::source;
  ClientMethod method = ClientMethod::heuristic;
  double confidence = 0.5;  // 1.0 for syn / syn_ack

  Port client_port(Port src, Port dst) const noexcept { return client == Endpoint::source ? src : dst; }
  Port server_port(Port src, Port dst) const noexcept { return client == Endpoint::source ? dst : src; }
};

// tcp is null for UDP.
ClientDecision decide_client(Port src, Port dst, Transport transport, const TcpFlags* tcp,
                             const PortKnowledge& knowledge) noexcept;

}  // namespace portclass
