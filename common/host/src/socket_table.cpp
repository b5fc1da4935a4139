// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/host/socket_table.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/inet_diag.h>
#include <linux/sock_diag.h>

#include <libmnl/libmnl.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

namespace portclass::host {
namespace {

struct MnlSocketCloser {
  void operator()(mnl_socket* s) const noexcept { mnl_socket_close(s); }
};
using MnlSocket = std::unique_ptr<mnl_socket, MnlSocketCloser>;

// Large enough for the kernel's biggest dump message batch (it fills at most
// 32 KiB per recvmsg for inet_diag).
constexpr std::size_t kReceiveBuffer = std::size_t{64} * 1024;

struct DumpContext {
  Transport transport;
  std::vector<SocketEntry>* out;
};

// "WHAT: strerror(errno)", system-kind, errno kept: read errno before anything else runs.
Error system_error(const std::string& what) {
  const int err = errno;
  return make_error(ErrorKind::system, what + ": " + std::strerror(err), err);
}

IpAddress address_of(std::uint8_t family, const __be32 words[4]) {
  std::uint8_t bytes[16];
  std::memcpy(bytes, words, sizeof bytes);
  return family == AF_INET ? IpAddress::v4(bytes) : IpAddress::v6(bytes);
}

int on_message(const nlmsghdr* nlh, void* data) {
  auto* context = static_cast<DumpContext*>(data);
  if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) return MNL_CB_ERROR;
  const auto* msg = static_cast<const inet_diag_msg*>(mnl_nlmsg_get_payload(nlh));
  SocketEntry entry;
  entry.transport = context->transport;
  entry.local = address_of(msg->idiag_family, msg->id.idiag_src);
  entry.remote = address_of(msg->idiag_family, msg->id.idiag_dst);
  entry.local_port = ntohs(msg->id.idiag_sport);
  entry.remote_port = ntohs(msg->id.idiag_dport);
  entry.state = static_cast<SocketState>(msg->idiag_state);
  entry.inode = msg->idiag_inode;
  entry.uid = msg->idiag_uid;
  context->out->push_back(entry);
  return MNL_CB_OK;
}

Result<void> dump(mnl_socket* nl, std::uint8_t family, Transport transport, std::uint32_t seq,
                  std::vector<SocketEntry>& out) {
  std::vector<char> buffer(kReceiveBuffer);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
  nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  nlh->nlmsg_seq = seq;
  auto* req = static_cast<inet_diag_req_v2*>(mnl_nlmsg_put_extra_header(nlh, sizeof(inet_diag_req_v2)));
  req->sdiag_family = family;
  req->sdiag_protocol = transport == Transport::tcp ? IPPROTO_TCP : IPPROTO_UDP;
  req->idiag_states = ~0u;  // every state, TIME-WAIT and bound-only sockets included

  const std::string what = std::string(family == AF_INET ? "IPv4 " : "IPv6 ") + std::string(to_string(transport));
  if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
    return system_error("cannot ask the kernel for " + what + " sockets");

  const unsigned portid = mnl_socket_get_portid(nl);
  DumpContext context{transport, &out};
  while (true) {
    const ssize_t n = mnl_socket_recvfrom(nl, buffer.data(), buffer.size());
    if (n < 0) return system_error("cannot read the kernel's " + what + " socket table");
    const int rc = mnl_cb_run(buffer.data(), static_cast<std::size_t>(n), seq, portid, on_message, &context);
    if (rc == MNL_CB_STOP) return {};
    if (rc < 0) {
      // A kernel without IPv6 or without udp_diag answers ENOENT: no such table.
      if (errno == ENOENT) return {};
      return system_error("cannot read the kernel's " + what + " socket table");
    }
  }
}

}  // namespace

std::string_view state_name(SocketState state) noexcept {
  switch (state) {
    case SocketState::established: return "ESTAB";
    case SocketState::syn_sent: return "SYN-SENT";
    case SocketState::syn_recv: return "SYN-RECV";
    case SocketState::fin_wait1: return "FIN-WAIT-1";
    case SocketState::fin_wait2: return "FIN-WAIT-2";
    case SocketState::time_wait: return "TIME-WAIT";
    case SocketState::close: return "UNCONN";
    case SocketState::close_wait: return "CLOSE-WAIT";
    case SocketState::last_ack: return "LAST-ACK";
    case SocketState::listen: return "LISTEN";
    case SocketState::closing: return "CLOSING";
    case SocketState::new_syn_recv: return "SYN-RECV";
    case SocketState::bound_inactive: return "BOUND";
  }
  return "UNKNOWN";
}

bool is_listening(const SocketEntry& socket) noexcept {
  if (socket.transport == Transport::tcp) return socket.state == SocketState::listen;
  return socket.state == SocketState::close && socket.local_port != 0;
}

Result<std::vector<SocketEntry>> read_socket_table() {
  MnlSocket nl(mnl_socket_open(NETLINK_SOCK_DIAG));
  if (!nl) return system_error("cannot open a sock_diag netlink socket");
  if (mnl_socket_bind(nl.get(), 0, MNL_SOCKET_AUTOPID) < 0)
    return system_error("cannot bind the sock_diag netlink socket");

  std::vector<SocketEntry> out;
  std::uint32_t seq = 1;
  for (const std::uint8_t family : {std::uint8_t{AF_INET}, std::uint8_t{AF_INET6}})
    for (const Transport transport : {Transport::tcp, Transport::udp}) {
      auto done = dump(nl.get(), family, transport, seq++, out);
      if (!done) return done.error();
    }
  return out;
}

}  // namespace portclass::host
