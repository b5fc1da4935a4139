// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/capture/capture_reader.hpp"

#include <pcap/pcap.h>

#include "bpf_filter.hpp"

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
  const bool standard_input = path == "-";
  const std::string name = standard_input ? "standard input" : path.string();
  std::error_code ec;
  if (!standard_input && std::filesystem::is_directory(path, ec))
    return make_error(name + ": is a directory, not a capture");
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  // pcap_fopen_offline reads pcap and pcapng from any FILE*, a pipe included
  // (it never seeks); pcap_close then fcloses stdin, which nothing reads again.
  std::unique_ptr<pcap, PcapCloser> handle(
      standard_input ? pcap_fopen_offline_with_tstamp_precision(stdin, PCAP_TSTAMP_PRECISION_MICRO, errbuf)
                     : pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, errbuf));
  if (!handle) return make_error(name + ": cannot read capture: " + errbuf);
  const int dlt = pcap_datalink(handle.get());
  if (!is_supported_link_type(dlt)) {
    const char* link = pcap_datalink_val_to_name(dlt);
    return make_error(name + ": unsupported link type " + (link ? link : std::to_string(dlt)));
  }
  const auto size = standard_input ? 0 : std::filesystem::file_size(path, ec);
  return CaptureReader(std::move(handle), name, ec ? 0 : size);
}

Result<void> CaptureReader::set_filter(const std::string& expression) {
  return install_filter(handle_.get(), expression, PCAP_NETMASK_UNKNOWN);
}

Result<CaptureCounters> CaptureReader::read_all(const std::function<void(const PacketFacts&)>& on_packet,
                                                const std::function<void(std::uint64_t, std::uint64_t)>& on_progress) {
  CaptureCounters& counters = counters_;
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
    if (on_progress && size_ && counters.packets % 8192 == 0 && file)
      on_progress(static_cast<std::uint64_t>(ftell(file)), size_);
  }
  if (on_progress && size_) on_progress(size_, size_);
  return counters;
}

}  // namespace portclass::capture
