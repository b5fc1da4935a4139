// SPDX-License-Identifier: GPL-2.0-or-later
#include "nl/socket.hpp"

#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/common.h>
#include <libnftnl/gen.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>

namespace portclass::nft::nl {
namespace {

constexpr std::size_t kReceiveBuffer = std::size_t{256} * 1024;

void set_int_option(int fd, int level, int option, int value) {
  // Best effort: without them the exchange still works, only less
  // informatively (no extended ACK) or with the default buffer sizes.
  (void)setsockopt(fd, level, option, &value, sizeof value);
}

std::string extended_ack_text(const nlmsghdr* nlh) {
  if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) return "";
  const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
  std::size_t offset = sizeof(nlmsgerr);
  if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) offset += err->msg.nlmsg_len - sizeof(nlmsghdr);
  const char* begin = static_cast<const char*>(mnl_nlmsg_get_payload(nlh)) + MNL_ALIGN(offset);
  const char* end = reinterpret_cast<const char*>(nlh) + nlh->nlmsg_len;
  if (begin >= end) return "";
  auto* attr = reinterpret_cast<const nlattr*>(begin);
  int remaining = static_cast<int>(end - begin);
  std::string text;
  while (mnl_attr_ok(attr, remaining)) {
    if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && mnl_attr_get_payload_len(attr) > 0) {
      const char* s = static_cast<const char*>(mnl_attr_get_payload(attr));
      text.assign(s, strnlen(s, mnl_attr_get_payload_len(attr)));
    }
    remaining -= static_cast<int>(MNL_ALIGN(attr->nla_len));
    attr = reinterpret_cast<const nlattr*>(reinterpret_cast<const char*>(attr) + MNL_ALIGN(attr->nla_len));
  }
  return text;
}

// "WHAT: <strerror>" as a system error that keeps the errno.
Error errno_error(const std::string& what, int error) {
  return make_error(ErrorKind::system, what + ": " + errno_text(error), error);
}

}  // namespace

std::string permission_hint(int error) {
  return error == EPERM ? " (changing or reading nf_tables needs CAP_NET_ADMIN in this network namespace)" : "";
}

Changed changed_since(std::uint32_t before) {
  auto opened = Socket::open();
  if (!opened) return Changed::unknown;
  auto now = opened.value().generation();
  if (!now) return Changed::unknown;
  return *now == before ? Changed::no : Changed::yes;
}

Error refusal(const std::vector<BatchError>& errors, std::uint32_t begin_seq, bool commit) {
  const BatchError& e = errors.front();
  const std::string tail = commit ? "; nothing was changed" : "";
  if (e.seq == begin_seq)
    return make_error(
        ErrorKind::system,
        "the kernel refused the netlink batch as a whole: " + errno_text(e.error) + permission_hint(e.error) + tail,
        e.error);
  std::string message = "kernel refused " + (e.description.empty() ? std::string("the batch") : e.description) + ": " +
                        errno_text(e.error);
  if (!e.kernel_note.empty()) message += " (" + e.kernel_note + ")";
  if (errors.size() > 1) message += " [+" + std::to_string(errors.size() - 1) + " more]";
  return make_error(ErrorKind::refused, message + tail, e.error);
}

Error lost_answer(const Error& cause, Changed changed, const std::string& table, const std::string& armed) {
  const std::string see = "see `nft list table inet " + table + "`";
  switch (changed) {
    case Changed::no:
      return reworded(cause, cause.message + "; the ruleset generation did not move: nothing was changed");
    case Changed::yes:
      return reworded(cause, cause.message + "; the ruleset generation moved, so the batch was most likely applied (" +
                                 see + ")" + armed);
    case Changed::unknown: break;
  }
  return reworded(cause, cause.message + "; whether the batch was applied is unknown (" + see + ")" + armed);
}

std::string errno_text(int error) {
  char buf[256];
  // GNU strerror_r returns the message pointer.
  return std::string(strerror_r(error, buf, sizeof buf));
}

Socket::Socket(SocketPtr s) : socket_(std::move(s)) {
  portid_ = mnl_socket_get_portid(socket_.get());
  seq_ = static_cast<std::uint32_t>(std::time(nullptr));
}

Result<Socket> Socket::open() {
  SocketPtr s(mnl_socket_open(NETLINK_NETFILTER));
  if (!s) return errno_error("cannot open a netfilter netlink socket", errno);
  if (mnl_socket_bind(s.get(), 0, MNL_SOCKET_AUTOPID) < 0) return errno_error("cannot bind the netlink socket", errno);
  const int fd = mnl_socket_get_fd(s.get());
  set_int_option(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1);  // errors do not echo whole messages
  set_int_option(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1);  // the kernel's own error text
  set_int_option(fd, SOL_SOCKET, SO_RCVBUFFORCE, 4 * 1024 * 1024);
  timeval timeout{60, 0};  // a kernel that never answers must not hang the tool
  (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return Socket(std::move(s));
}

Result<std::vector<BatchError>> Socket::transact(Batch& batch) {
  const int fd = mnl_socket_get_fd(socket_.get());
  const int pages = nftnl_batch_iovec_len(batch.raw());
  std::vector<iovec> iov(static_cast<std::size_t>(pages));
  nftnl_batch_iovec(batch.raw(), iov.data(), static_cast<std::uint32_t>(pages));
  std::size_t total = 0;
  for (const iovec& v : iov) total += v.iov_len;
  // The whole batch must fit in one send: the kernel takes it as one skb.
  set_int_option(fd, SOL_SOCKET, SO_SNDBUFFORCE, static_cast<int>(total + 65536));

  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  msghdr msg{};
  msg.msg_name = &kernel;
  msg.msg_namelen = sizeof kernel;
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  sent_ = false;
  if (sendmsg(fd, &msg, 0) < 0) return errno_error("cannot send the netlink batch", errno);
  sent_ = true;

  std::vector<BatchError> errors;
  auto buffer = std::make_unique<char[]>(kReceiveBuffer);
  for (;;) {
    const ssize_t n = recv(fd, buffer.get(), kReceiveBuffer, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error("no answer from the kernel to the netlink batch", errno);
    }
    bool finished = false;
    int remaining = static_cast<int>(n);
    for (auto* nlh = reinterpret_cast<const nlmsghdr*>(buffer.get()); mnl_nlmsg_ok(nlh, remaining);
         nlh = mnl_nlmsg_next(nlh, &remaining)) {
      if (nlh->nlmsg_type != NLMSG_ERROR) continue;
      const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
      if (err->error != 0) {
        BatchError e;
        e.seq = nlh->nlmsg_seq;
        e.error = -err->error;
        e.description = nlh->nlmsg_seq == batch.first_seq() ? "the transaction" : batch.describe(nlh->nlmsg_seq);
        e.kernel_note = extended_ack_text(nlh);
        errors.push_back(std::move(e));
      }
      if (nlh->nlmsg_seq == batch.acked_seq() || (err->error != 0 && nlh->nlmsg_seq == batch.first_seq()))
        finished = true;
    }
    if (finished) break;
  }
  return errors;
}

Result<void> Socket::dump(const std::function<nlmsghdr*(char*, std::uint32_t)>& build,
                          const std::function<Result<void>(const nlmsghdr*)>& on_message) {
  auto buffer = std::make_unique<char[]>(kReceiveBuffer);
  const std::uint32_t seq = seq_++;
  nlmsghdr* request = build(buffer.get(), seq);
  if (mnl_socket_sendto(socket_.get(), request, request->nlmsg_len) < 0)
    return errno_error("cannot send a netlink request", errno);

  struct Context {
    const std::function<Result<void>(const nlmsghdr*)>* on_message;
    std::optional<Error> error;
  } context{&on_message, std::nullopt};
  auto trampoline = [](const nlmsghdr* nlh, void* data) -> int {
    auto* c = static_cast<Context*>(data);
    auto r = (*c->on_message)(nlh);
    if (!r) {
      c->error = r.error();
      return MNL_CB_ERROR;
    }
    return MNL_CB_OK;
  };
  for (;;) {
    const ssize_t n = mnl_socket_recvfrom(socket_.get(), buffer.get(), kReceiveBuffer);
    if (n < 0) return errno_error("netlink receive failed", errno);
    const int ret = mnl_cb_run(buffer.get(), static_cast<std::size_t>(n), seq, portid_, trampoline, &context);
    if (context.error) return *context.error;
    if (ret < 0) {
      const int saved = errno;
      // nfnetlink ends a dump with EINTR when the ruleset changed under it.
      if (saved == EINTR) return make_error(ErrorKind::interrupted, "the ruleset changed during the dump", saved);
      return make_error(ErrorKind::system,
                        "the kernel refused the request: " + errno_text(saved) + permission_hint(saved), saved);
    }
    if (ret == MNL_CB_STOP) break;
  }
  return {};
}

Result<std::uint32_t> Socket::generation() {
  std::uint32_t id = 0;
  auto r = dump([](char* buf,
                   std::uint32_t seq) { return nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK, seq); },
                [&id](const nlmsghdr* nlh) -> Result<void> {
                  std::unique_ptr<nftnl_gen, void (*)(const nftnl_gen*)> gen(nftnl_gen_alloc(), nftnl_gen_free);
                  if (!gen || nftnl_gen_nlmsg_parse(nlh, gen.get()) < 0)
                    return make_error(ErrorKind::system, "cannot parse the ruleset generation the kernel sent");
                  id = nftnl_gen_get_u32(gen.get(), NFTNL_GEN_ID);
                  return {};
                });
  if (!r) return r.error();
  return id;
}

}  // namespace portclass::nft::nl
