// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: PacketDecoder (capture/packet_decoder.hpp) on the raw
// bytes of one packet, without libpcap's file framing in the way: cheaper
// per input than fuzz_capture, so it goes deeper into the IP and TCP
// header paths. Input: one byte choosing the link type (every type the
// decoder supports, and one it does not), then the captured bytes.
// Decoded packets go to a HostDirectory and the sender is inferred.
//
// Asserts, beyond "no crash" (ASan also checks that no header is read past
// the captured length: the bytes sit in a buffer of exactly that size):
//  - an unsupported link type gives unsupported_link and nothing else;
//  - ok => TCP or UDP, both addresses of one family, a SYN option layout
//    only on a SYN without ACK, and then letters separated by single commas;
//  - the link layer does not change what is decoded: the same IP packet
//    behind raw, Ethernet, Linux cooked v1/v2 and BSD loopback headers gives
//    the same status and the same facts;
//  - inference and findings on the sender are well formed, and the
//    directory round-trips through profile JSON.
#include <pcap/dlt.h>

#include <array>
#include <vector>

#include "fuzz_support.hpp"
#include "portclass/capture/packet_decoder.hpp"
#include "portclass/host_directory.hpp"
#include "portclass/profile_json.hpp"

namespace {

using namespace portclass;
using capture::DecodeStatus;

constexpr std::array<int, 9> kLinkTypes = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4,
                                           DLT_IPV6,   DLT_NULL,      DLT_LOOP,       DLT_USER0};

bool well_formed_layout(std::string_view s) {
  if (s.empty()) return true;
  bool item_start = true;
  for (char c : s) {
    if (c == ',') {
      if (item_start) return false;
      item_start = true;
      continue;
    }
    const bool ok = item_start ? (c >= 'A' && c <= 'Z') || c == '?' : c >= '0' && c <= '9';
    if (!ok) return false;
    item_start = false;
  }
  return !item_start;
}

struct Decoded {
  DecodeStatus status;
  PacketFacts facts;
  std::string layout;  // facts.syn_options points into the decoder: keep a copy
};

Decoded decode(int dlt, const std::vector<std::uint8_t>& bytes) {
  capture::PacketDecoder decoder;
  Decoded d{};
  // An exact-size heap copy: a read past the end is an ASan report.
  std::vector<std::uint8_t> exact(bytes);
  d.status = decoder.decode(dlt, exact.data(), exact.size(), 1'000'000, d.facts);
  d.layout = std::string(d.facts.syn_options);
  d.facts.syn_options = {};
  return d;
}

bool same(const Decoded& a, const Decoded& b) {
  if (a.status != b.status) return false;
  if (a.status != DecodeStatus::ok) return true;
  const PacketFacts &x = a.facts, &y = b.facts;
  return x.src == y.src && x.dst == y.dst && x.transport == y.transport && x.src_port == y.src_port &&
         x.dst_port == y.dst_port && x.ttl == y.ttl && x.tcp.syn == y.tcp.syn && x.tcp.ack == y.tcp.ack &&
         x.tcp.fin == y.tcp.fin && x.tcp.rst == y.tcp.rst && a.layout == b.layout;
}

std::vector<std::uint8_t> wrapped(std::initializer_list<std::uint8_t> header, const std::vector<std::uint8_t>& ip) {
  std::vector<std::uint8_t> out(header);
  out.insert(out.end(), ip.begin(), ip.end());
  return out;
}

// The IP packet `ip` (version 4 or 6) behind each link header the decoder knows.
void check_link_independence(const std::vector<std::uint8_t>& ip, const Decoded& raw) {
  const bool v6 = (ip[0] >> 4) == 6;
  const std::uint8_t et_hi = v6 ? 0x86 : 0x08, et_lo = v6 ? 0xdd : 0x00;
  const std::vector<std::uint8_t> ether =
      wrapped({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, et_hi, et_lo}, ip);
  const std::vector<std::uint8_t> vlan =
      wrapped({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x81, 0x00, 0x00, 0x07, et_hi, et_lo}, ip);
  const std::vector<std::uint8_t> sll =
      wrapped({0, 0, 0, 1, 0, 6, 0, 1, 2, 3, 4, 5, 0, 0, et_hi, et_lo}, ip);
  const std::vector<std::uint8_t> sll2 =
      wrapped({et_hi, et_lo, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 0, 1, 2, 3, 4, 5, 0, 0}, ip);
  const std::vector<std::uint8_t> null = wrapped({v6 ? std::uint8_t{30} : std::uint8_t{2}, 0, 0, 0}, ip);
  FUZZ_CHECK(same(raw, decode(DLT_EN10MB, ether)), "Ethernet gives what raw IP gives");
  FUZZ_CHECK(same(raw, decode(DLT_EN10MB, vlan)), "an 802.1Q tag changes nothing");
  FUZZ_CHECK(same(raw, decode(DLT_LINUX_SLL, sll)), "Linux cooked v1 gives what raw IP gives");
  FUZZ_CHECK(same(raw, decode(DLT_LINUX_SLL2, sll2)), "Linux cooked v2 gives what raw IP gives");
  FUZZ_CHECK(same(raw, decode(DLT_NULL, null)), "BSD loopback gives what raw IP gives");
  FUZZ_CHECK(same(raw, decode(v6 ? DLT_IPV6 : DLT_IPV4, ip)), "DLT_IPV4/IPV6 give what DLT_RAW gives");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const int dlt = kLinkTypes[data[0] % kLinkTypes.size()];
  const std::vector<std::uint8_t> bytes(data + 1, data + size);
  const Decoded d = decode(dlt, bytes);

  FUZZ_CHECK(capture::is_supported_link_type(dlt) == (d.status != DecodeStatus::unsupported_link),
             "unsupported_link exactly for unsupported link types");
  if (d.status == DecodeStatus::ok) {
    const PacketFacts& p = d.facts;
    FUZZ_CHECK(p.transport == Transport::tcp || p.transport == Transport::udp, "TCP or UDP");
    FUZZ_CHECK(p.src.family() == p.dst.family(), "both addresses of one IP version");
    if (!d.layout.empty())
      FUZZ_CHECK(p.transport == Transport::tcp && p.tcp.syn && !p.tcp.ack, "option layouts only of SYNs");
    FUZZ_CHECK(well_formed_layout(d.layout), "an option layout is letters and single commas");

    HostDirectory dir(PortKnowledge::builtin());
    PacketFacts facts = p;
    facts.syn_options = d.layout;
    dir.observe(facts);
    const HostProfile* sender = dir.find(p.src);
    FUZZ_CHECK(sender != nullptr && sender->packets() == 1, "the sender is recorded");
    fuzz::check_inference(*sender, dir.knowledge());
    // What `portclass profile --json` would write of this packet, `--merge` reads back.
    const nlohmann::json written = to_json(dir);
    HostDirectory reread(dir.knowledge());
    auto merged = merge_from_json(written, reread);
    if (!merged) std::fprintf(stderr, "merge_from_json: %s\n", merged.error().message.c_str());
    FUZZ_CHECK(merged.ok() && to_json(reread) == written, "the profiles round-trip through JSON");
  }
  if (dlt == DLT_RAW && !bytes.empty() && ((bytes[0] >> 4) == 4 || (bytes[0] >> 4) == 6))
    check_link_independence(bytes, d);
  return 0;
}
