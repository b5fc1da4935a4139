// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/capture/live_capture.hpp"

#include <pcap/pcap.h>

#include <cstring>

#include "bpf_filter.hpp"

namespace portclass::capture {
namespace {

using Kind = CaptureFailure::Kind;

CaptureFailure failure(Kind kind, const std::string& interface, const std::string& why) {
  return CaptureFailure{kind, "interface '" + interface + "': " + why};
}

// pcap_activate's codes: which are the user's mistake, which the system's.
CaptureFailure activation_failure(pcap* handle, int status, const std::string& interface) {
  const std::string detail = pcap_geterr(handle);
  const std::string reason = detail.empty() ? pcap_statustostr(status) : detail;
  switch (status) {
    case PCAP_ERROR_NO_SUCH_DEVICE: return failure(Kind::bad_input, interface, "no such interface (" + reason + ")");
    case PCAP_ERROR_IFACE_NOT_UP: return failure(Kind::bad_input, interface, "interface is down (" + reason + ")");
    case PCAP_ERROR_PERM_DENIED:
      return failure(Kind::system, interface, "permission denied (" + reason + "; needs CAP_NET_RAW, e.g. root)");
    case PCAP_ERROR_PROMISC_PERM_DENIED:
      return failure(Kind::system, interface, "no permission for promiscuous mode (" + reason + ")");
    default: return failure(Kind::system, interface, reason);
  }
}

// Saturating microseconds, as CaptureReader's: a clock far off only orders a sequence.
Timestamp microseconds(const timeval& ts) noexcept {
  Timestamp t = 0;
  if (__builtin_mul_overflow(Timestamp{ts.tv_sec}, 1'000'000, &t) || __builtin_add_overflow(t, ts.tv_usec, &t))
    return ts.tv_sec < 0 ? INT64_MIN : INT64_MAX;
  return t;
}

}  // namespace

void LiveCapture::PcapCloser::operator()(pcap* p) const noexcept { pcap_close(p); }

LiveCapture::LiveCapture(std::unique_ptr<pcap, PcapCloser> handle, std::string interface)
    : handle_(std::move(handle)),
      interface_(std::move(interface)),
      dlt_(pcap_datalink(handle_.get())),
      fd_(pcap_get_selectable_fd(handle_.get())) {}

LiveCapture::LiveCapture(LiveCapture&&) noexcept = default;
LiveCapture& LiveCapture::operator=(LiveCapture&&) noexcept = default;
LiveCapture::~LiveCapture() = default;

std::variant<LiveCapture, CaptureFailure> LiveCapture::open(const LiveOptions& options) {
  const std::string& name = options.interface;
  if (name.empty()) return CaptureFailure{Kind::bad_input, "empty interface name"};
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  std::unique_ptr<pcap, PcapCloser> handle(pcap_create(name.c_str(), errbuf));
  if (!handle) return failure(Kind::system, name, errbuf);
  // Each setting can only fail on an activated handle (PCAP_ERROR_ACTIVATED);
  // libpcap 1.10.5 and later insist that the answer is read.
  const int settings[] = {
      pcap_set_snaplen(handle.get(), options.snap_length > 0 ? options.snap_length : kSnapLength),
      pcap_set_promisc(handle.get(), options.promiscuous ? 1 : 0),
      // The kernel hands over a block at least every 100 ms, so a quiet link
      // still shows its packets promptly and a stop is never held up.
      pcap_set_timeout(handle.get(), 100),
      options.buffer_bytes > 0 ? pcap_set_buffer_size(handle.get(), options.buffer_bytes) : 0,
  };
  for (const int set : settings)
    if (set != 0) return failure(Kind::system, name, pcap_statustostr(set));
  const int status = pcap_activate(handle.get());
  if (status < 0) return activation_failure(handle.get(), status, name);
  // status > 0 is a warning (e.g. promiscuous mode unsupported): capture anyway.

  const int dlt = pcap_datalink(handle.get());
  if (!is_supported_link_type(dlt)) {
    const char* link = pcap_datalink_val_to_name(dlt);
    return failure(Kind::bad_input, name, std::string("unsupported link type ") + (link ? link : std::to_string(dlt)));
  }
  bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
  if (pcap_lookupnet(name.c_str(), &net, &mask, errbuf) != 0) mask = PCAP_NETMASK_UNKNOWN;  // no IPv4 address
  if (auto installed = install_filter(handle.get(), options.filter, mask); !installed)
    return CaptureFailure{Kind::bad_input, installed.error().message};
  if (pcap_setnonblock(handle.get(), 1, errbuf) != 0) return failure(Kind::system, name, errbuf);
  if (pcap_get_selectable_fd(handle.get()) < 0)
    return failure(Kind::system, name, "no selectable file descriptor for polling");
  return LiveCapture(std::move(handle), name);
}

void LiveCapture::on_record(unsigned char* user, const pcap_pkthdr* header, const unsigned char* data) {
  auto* self = reinterpret_cast<LiveCapture*>(user);
  ++self->counters_.packets;
  switch (self->decoder_.decode(self->dlt_, data, header->caplen, microseconds(header->ts), self->facts_)) {
    case DecodeStatus::ok:
      ++self->counters_.tcp_udp;
      (*self->sink_)(self->facts_);
      break;
    case DecodeStatus::truncated: ++self->counters_.truncated; break;
    case DecodeStatus::malformed: ++self->counters_.malformed; break;
    default: ++self->counters_.other; break;
  }
}

Result<std::uint64_t> LiveCapture::dispatch(const std::function<void(const PacketFacts&)>& on_packet,
                                            std::uint64_t max) {
  sink_ = &on_packet;
  const int cnt = max == 0 || max > 1'000'000 ? -1 : static_cast<int>(max);
  const int n = pcap_dispatch(handle_.get(), cnt, &LiveCapture::on_record, reinterpret_cast<unsigned char*>(this));
  sink_ = nullptr;
  if (n == PCAP_ERROR) return make_error("interface '" + interface_ + "': " + pcap_geterr(handle_.get()));
  return static_cast<std::uint64_t>(n < 0 ? 0 : n);
}

Result<LiveStats> LiveCapture::stats() const {
  pcap_stat s{};
  if (pcap_stats(handle_.get(), &s) != 0)
    return make_error("interface '" + interface_ + "': no statistics: " + pcap_geterr(handle_.get()));
  return LiveStats{s.ps_recv, s.ps_drop, s.ps_ifdrop};
}

}  // namespace portclass::capture
