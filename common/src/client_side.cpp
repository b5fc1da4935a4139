// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/client_side.hpp"

#include <cmath>

namespace portclass {

std::string_view to_string(ClientMethod m) noexcept {
  switch (m) {
    case ClientMethod::syn: return "syn";
    case ClientMethod::syn_ack: return "syn-ack";
    case ClientMethod::heuristic: break;
  }
  return "heuristic";
}

ClientDecision decide_client(Port src, Port dst, Transport transport, const TcpFlags* tcp,
                             const PortKnowledge& knowledge) noexcept {
  if (transport == Transport::tcp && tcp && tcp->syn && !tcp->rst) {
    // SYN: the sender is the client; SYN+ACK: the sender is the server.
    return tcp->ack ? ClientDecision{Endpoint::destination, ClientMethod::syn_ack, 1.0}
                    : ClientDecision{Endpoint::source, ClientMethod::syn, 1.0};
  }
  const double s = knowledge.server_likeness(src, transport);
  const double d = knowledge.server_likeness(dst, transport);
  // The more service-like port is the server's; ties go to the lower port,
  // which is right far more often than not.
  const bool source_is_server = s > d || (s == d && src < dst);
  const double confidence = std::min(0.99, 0.5 + std::fabs(s - d) * 0.6);
  return {source_is_server ? Endpoint::destination : Endpoint::source, ClientMethod::heuristic,
          src == dst ? 0.5 : confidence};
}

}  // namespace portclass
