// SPDX-License-Identifier: GPL-2.0-or-later
// CaptureReader: streams a pcap or pcapng file, or the same on standard input
// (path "-", e.g. `tcpdump -w - | portclass profile -`), through libpcap,
// decoding each packet into PacketFacts. The libpcap handle is owned (RAII);
// memory use does not depend on the file's size.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "portclass/capture/packet_decoder.hpp"
#include "portclass/result.hpp"

struct pcap;

namespace portclass::capture {

struct CaptureCounters {
  std::uint64_t packets = 0;    // records read
  std::uint64_t tcp_udp = 0;    // decoded TCP/UDP packets
  std::uint64_t truncated = 0;  // cut short by the snap length: counted, never trusted
  std::uint64_t malformed = 0;
  std::uint64_t other = 0;  // not IP, or IP but not TCP/UDP
};

class CaptureReader {
 public:
  // "-" reads standard input (named "standard input" in messages); the
  // handle then owns stdin and closes it.
  static Result<CaptureReader> open(const std::filesystem::path& path);

  // Keeps only the packets a BPF expression matches (libpcap's filter, run
  // before decoding). A bad expression: Error with libpcap's message.
  Result<void> set_filter(const std::string& expression);

  CaptureReader(CaptureReader&&) noexcept;
  CaptureReader& operator=(CaptureReader&&) noexcept;
  ~CaptureReader();

  // Calls on_packet for every TCP/UDP packet, in file order. Optional
  // on_progress(bytes_read, file_size) every few thousand records. An error
  // in the file (truncated record, corrupt block) ends the read with an Error
  // naming the file and the record number; counters() still holds what was
  // read before it (a pipe cut short is reported, then the break).
  Result<CaptureCounters> read_all(const std::function<void(const PacketFacts&)>& on_packet,
                                   const std::function<void(std::uint64_t, std::uint64_t)>& on_progress = {});

  // What has been read so far, also after read_all failed.
  const CaptureCounters& counters() const noexcept { return counters_; }
  int link_type() const noexcept { return dlt_; }
  const std::string& path() const noexcept { return path_; }

 private:
  struct PcapCloser {
    void operator()(pcap* p) const noexcept;
  };
  CaptureReader(std::unique_ptr<pcap, PcapCloser> handle, std::string path, std::uint64_t size);

  std::unique_ptr<pcap, PcapCloser> handle_;
  std::string path_;
  std::uint64_t size_ = 0;  // 0: unknown (a pipe), no progress
  int dlt_ = 0;
  CaptureCounters counters_;
  PacketDecoder decoder_;
};

}  // namespace portclass::capture
