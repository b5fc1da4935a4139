// SPDX-License-Identifier: GPL-2.0-or-later
// LiveCapture: one network interface read live through libpcap, decoding each
// packet into PacketFacts as CaptureReader does for files.
//
// Contract:
//  - The handle is owned (RAII) and opened with a snap length that holds any
//    SYN's headers (kSnapLength: link layer, eight encapsulations, IPv6
//    extension headers and a full TCP header with options), promiscuous mode
//    only when asked, and libpcap's default kernel buffer (the same as p0f
//    and tcpdump get, so that drop counts compare).
//  - dispatch() never blocks: it handles what is ready, so that one thread
//    can poll() several interfaces and still notice a signal or a deadline.
//  - Failures are typed: an interface that does not exist or is down, a bad
//    filter, an unsupported link type are bad input; no permission and
//    anything else the kernel or libpcap refuses is a system failure. The
//    message is one line naming the interface and libpcap's reason.
//  - Kernel drops come from pcap_stats (the socket's counters since open).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>

#include "portclass/capture/capture_reader.hpp"
#include "portclass/capture/packet_decoder.hpp"
#include "portclass/result.hpp"

struct pcap;
struct pcap_pkthdr;

namespace portclass::capture {

struct CaptureFailure {
  enum class Kind { bad_input, system };
  Kind kind = Kind::system;
  std::string message;
};

struct LiveOptions {
  std::string interface;
  std::string filter;  // BPF expression, empty: every packet
  bool promiscuous = false;
  int snap_length = 0;   // 0: kSnapLength
  int buffer_bytes = 0;  // 0: libpcap's default
};

struct LiveStats {
  std::uint64_t received = 0;           // ps_recv
  std::uint64_t kernel_dropped = 0;     // ps_drop: no room in the buffer
  std::uint64_t interface_dropped = 0;  // ps_ifdrop: dropped by the driver
};

class LiveCapture {
 public:
  // 14 (Ethernet) + 2 x 4 (VLAN tags) + 8 x 40 (encapsulations) + 40 (IPv6)
  // + 60 (TCP with every option) rounded up; p0f's default is smaller.
  static constexpr int kSnapLength = 512;

  static std::variant<LiveCapture, CaptureFailure> open(const LiveOptions& options);

  LiveCapture(LiveCapture&&) noexcept;
  LiveCapture& operator=(LiveCapture&&) noexcept;
  ~LiveCapture();

  // Handles the packets ready now (at most `max`, 0: all), calling on_packet
  // for every TCP/UDP one. Returns how many records were read, or a system
  // failure (the interface went away).
  Result<std::uint64_t> dispatch(const std::function<void(const PacketFacts&)>& on_packet, std::uint64_t max = 0);

  int selectable_fd() const noexcept { return fd_; }
  Result<LiveStats> stats() const;
  const CaptureCounters& counters() const noexcept { return counters_; }
  const std::string& interface() const noexcept { return interface_; }
  int link_type() const noexcept { return dlt_; }

 private:
  struct PcapCloser {
    void operator()(pcap* p) const noexcept;
  };
  LiveCapture(std::unique_ptr<pcap, PcapCloser> handle, std::string interface);
  static void on_record(unsigned char* user, const ::pcap_pkthdr* header, const unsigned char* data);

  std::unique_ptr<pcap, PcapCloser> handle_;
  std::string interface_;
  int dlt_ = 0;
  int fd_ = -1;
  CaptureCounters counters_;
  PacketDecoder decoder_;
  PacketFacts facts_;
  const std::function<void(const PacketFacts&)>* sink_ = nullptr;  // during dispatch() only
};

}  // namespace portclass::capture
