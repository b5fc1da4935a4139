// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/capture/capture_reader.hpp"

#include <pcap/pcap.h>

#include <limits>
#include <system_error>

namespace portclass::capture {
namespace {

// pcapng stores 64-bit timestamps: a damaged or hostile file can hold one
// beyond what microseconds in an int64 reach (year 294247). Saturate
// instead of overflowing; such a time only orders a host's sequence.
Timestamp microseconds(const timeval& ts) noexcept {
  Timestamp t = 0;
  if (__builtin_mul_overflow(Timestamp{ts.tv_sec}, 1'000'000, &t) || __builtin_add_overflow(t, ts.tv_usec, &t))
    return ts.tv_sec < 0 ? std::numeric_limits<Timestamp>::min() : std::numeric_limits<Timestamp>::max();
  return t;
}

}  // namespace

void CaptureReader::PcapCloser::operator()(pcap* p) const noexcept { pcap_close(p); }

CaptureReader::CaptureReader(std::unique_ptr<pcap, PcapCloser> handle, std::string path, std::uint64_t size)
    : handle_(std::move(handle)), path_(std::move(path)), size_(size), dlt_(pcap_datalink(handle_.get())) {}

CaptureReader::CaptureReader(CaptureReader&&) noexcept = default;
CaptureReader& CaptureReader::operator=(CaptureReader&&) noexcept = default;
CaptureReader::~CaptureReader() = default;

Result<CaptureReader> CaptureReader::open(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return make_error(path.string() + ": is a directory, not a capture");
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  std::unique_ptr<pcap, PcapCloser> handle(
      pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, errbuf));
  if (!handle) return make_error(path.string() + ": cannot read capture: " + errbuf);
  const int dlt = pcap_datalink(handle.get());
  if (!is_supported_link_type(dlt)) {
    const char* name = pcap_datalink_val_to_name(dlt);
    return make_error(path.string() + ": unsupported link type " + (name ? name : std::to_string(dlt)));
  }
  const auto size = std::filesystem::file_size(path, ec);
  return CaptureReader(std::move(handle), path.string(), ec ? 0 : size);
}

Result<CaptureCounters> CaptureReader::read_all(const std::function<void(const PacketFacts&)>& on_packet,
                                                const std::function<void(std::uint64_t, std::uint64_t)>& on_progress) {
  CaptureCounters counters;
  PacketFacts facts;
  FILE* file = pcap_file(handle_.get());
  while (true) {
    pcap_pkthdr* header = nullptr;
    const std::uint8_t* data = nullptr;
    const int rc = pcap_next_ex(handle_.get(), &header, &data);
    if (rc == PCAP_ERROR_BREAK) break;  // end of file
    if (rc != 1)
      return make_error(path_ + ": corrupt capture after record " + std::to_string(counters.packets) + ": " +
                        pcap_geterr(handle_.get()));
    ++counters.packets;
    const Timestamp when = microseconds(header->ts);
    switch (decoder_.decode(dlt_, data, header->caplen, when, facts)) {
      case DecodeStatus::ok:
        ++counters.tcp_udp;
        on_packet(facts);
        break;
      case DecodeStatus::truncated: ++counters.truncated; break;
      case DecodeStatus::malformed: ++counters.malformed; break;
      default: ++counters.other; break;
    }
    if (on_progress && counters.packets % 8192 == 0 && file) on_progress(static_cast<std::uint64_t>(ftell(file)), size_);
  }
  if (on_progress) on_progress(size_, size_);
  return counters;
}

}  // namespace portclass::capture
