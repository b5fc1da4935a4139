// SPDX-License-Identifier: GPL-2.0-or-later
// PacketDecoder's contract on frames built here: bounded nesting, malformed
// and truncated layers, UDP on a tunnel's port that is no tunnel, non-IP
// payloads, fragments, and which packets get a signature. (What each link
// layer and tunnel decodes to is checked against tshark in
// tests/cli/test_tunnels.py.)
#include <catch2/catch.hpp>

#include <pcap/dlt.h>

#include <cstdint>
#include <vector>

#include "portclass/capture/packet_decoder.hpp"

using namespace portclass;
using capture::DecodeStatus;
using capture::PacketDecoder;
using Bytes = std::vector<std::uint8_t>;

namespace {

void put16(Bytes& b, std::size_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
Bytes cat(Bytes head, const Bytes& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

const Bytes kSynOptions{2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};

Bytes tcp(std::uint8_t flags, const Bytes& options = kSynOptions, unsigned sport = 40000, unsigned dport = 80) {
  Bytes t;
  put16(t, sport);
  put16(t, dport);
  t.insert(t.end(), {0, 0, 0, 1, 0, 0, 0, 0});
  t.push_back(static_cast<std::uint8_t>((20 + options.size()) / 4 << 4));
  t.push_back(flags);
  t.insert(t.end(), {0xfa, 0xf0, 0, 0, 0, 0});
  return cat(t, options);
}

Bytes udp(unsigned sport, unsigned dport, const Bytes& payload) {
  Bytes u;
  put16(u, sport);
  put16(u, dport);
  put16(u, 8 + payload.size());
  put16(u, 0);
  return cat(u, payload);
}

Bytes ipv4(std::uint8_t protocol, const Bytes& payload, std::uint8_t last_octet = 2, unsigned flags = 0x4000) {
  Bytes h{0x45, 0};
  put16(h, 20 + payload.size());
  put16(h, 1);
  put16(h, flags);
  h.insert(h.end(), {64, protocol, 0, 0, 10, 0, 0, last_octet, 10, 0, 0, 1});
  return cat(h, payload);
}

Bytes ethernet(unsigned type, const Bytes& payload) {
  Bytes e(12, 0x02);
  put16(e, type);
  return cat(e, payload);
}

struct Decoded {
  DecodeStatus status;
  PacketFacts facts;
  bool signature = false;
  int encapsulations = 0;
};

Decoded decode(int dlt, const Bytes& frame) {
  PacketDecoder decoder;
  Decoded r{};
  r.status = decoder.decode(dlt, frame.data(), frame.size(), 0, r.facts);
  r.signature = r.facts.signature != nullptr;
  r.encapsulations = decoder.encapsulations();
  CHECK(decoder.layers() <= PacketDecoder::kMaxLayers);
  return r;
}

Bytes vxlan(const Bytes& inner_frame, std::uint8_t flags = 0x08) {
  return ethernet(0x0800, ipv4(17, udp(51000, 4789, cat({flags, 0, 0, 0, 0, 0, 42, 0}, inner_frame)), 9));
}

}  // namespace

TEST_CASE("link types: supported ones, and an unsupported one is refused", "[decoder]") {
  for (int dlt : {DLT_EN10MB,       DLT_LINUX_SLL,
                  DLT_LINUX_SLL2,   DLT_RAW,
                  DLT_IPV4,         DLT_IPV6,
                  DLT_NULL,         DLT_LOOP,
                  DLT_PPP,          DLT_PPP_SERIAL,
                  DLT_PPP_ETHER,    DLT_C_HDLC,
                  DLT_IEEE802_11,   DLT_IEEE802_11_RADIO,
                  DLT_PRISM_HEADER, DLT_IEEE802_11_RADIO_AVS,
                  DLT_PPI,          DLT_NFLOG,
                  DLT_ARCNET,       DLT_ARCNET_LINUX}) {
    INFO(dlt);
    CHECK(capture::is_supported_link_type(dlt));
  }
  CHECK_FALSE(capture::is_supported_link_type(DLT_USER0));
  const Bytes frame = ipv4(6, tcp(0x02));
  CHECK(decode(DLT_USER0, frame).status == DecodeStatus::unsupported_link);
}

TEST_CASE("the innermost IP and TCP header is observed, with its signature", "[decoder]") {
  const Decoded r = decode(DLT_EN10MB, vxlan(ethernet(0x0800, ipv4(6, tcp(0x02), 7))));
  REQUIRE(r.status == DecodeStatus::ok);
  CHECK(r.facts.src.to_string() == "10.0.0.7");
  CHECK(r.facts.src_port == 40000);
  CHECK(r.facts.dst_port == 80);
  CHECK(r.facts.tcp.syn);
  CHECK(r.signature);
  CHECK(r.encapsulations == 1);
  const Decoded plain = decode(DLT_RAW, ipv4(6, tcp(0x02)));
  CHECK(plain.encapsulations == 0);
}

TEST_CASE("nesting is bounded: 8 encapsulations decode, 9 are malformed", "[decoder]") {
  Bytes packet = ipv4(6, tcp(0x10));
  for (int i = 0; i < PacketDecoder::kMaxEncapsulations; ++i)
    packet = ipv4(4, packet, static_cast<std::uint8_t>(100 + i));
  const Decoded deepest = decode(DLT_RAW, packet);
  CHECK(deepest.status == DecodeStatus::ok);
  CHECK(deepest.encapsulations == PacketDecoder::kMaxEncapsulations);
  CHECK(deepest.facts.src.to_string() == "10.0.0.2");
  CHECK(decode(DLT_RAW, ipv4(4, packet, 200)).status == DecodeStatus::malformed);

  // Header count: a frame of 40 VLAN tags is more than any real one.
  Bytes tags;
  for (int i = 0; i < 40; ++i) tags.insert(tags.end(), {0, 7, 0x81, 0x00});
  Bytes frame = ethernet(0x8100, cat(tags, cat({0, 7, 0x08, 0x00}, ipv4(6, tcp(0x10)))));
  CHECK(decode(DLT_EN10MB, frame).status == DecodeStatus::malformed);
  // An MPLS label stack with no bottom.
  Bytes labels;
  for (int i = 0; i < 20; ++i) labels.insert(labels.end(), {0, 0x01, 0x00, 64});
  CHECK(decode(DLT_EN10MB, ethernet(0x8847, cat(labels, ipv4(6, tcp(0x10))))).status == DecodeStatus::malformed);
}

TEST_CASE("UDP on a tunnel's port that is no tunnel is observed itself", "[decoder]") {
  // VXLAN's port without the I flag: ordinary traffic.
  const Decoded not_vxlan = decode(DLT_EN10MB, vxlan(ethernet(0x0800, ipv4(6, tcp(0x02))), 0x00));
  REQUIRE(not_vxlan.status == DecodeStatus::ok);
  CHECK(not_vxlan.facts.transport == Transport::udp);
  CHECK(not_vxlan.facts.dst_port == 4789);
  // A GTP-U echo request is signalling between the tunnel's endpoints.
  const Bytes echo{0x32, 0x01, 0, 4, 0, 0, 0, 0, 0, 1, 0, 0};
  const Decoded gtp = decode(DLT_EN10MB, ethernet(0x0800, ipv4(17, udp(2152, 2152, echo))));
  REQUIRE(gtp.status == DecodeStatus::ok);
  CHECK(gtp.facts.dst_port == 2152);
  // A DNS answer from port 3544 is no Teredo packet (not IPv6 inside).
  const Decoded dns = decode(DLT_EN10MB, ethernet(0x0800, ipv4(17, udp(3544, 53, Bytes(12, 0)))));
  REQUIRE(dns.status == DecodeStatus::ok);
  CHECK(dns.facts.src_port == 3544);
}

TEST_CASE("tunnels carrying no IP, and other non-IP payloads", "[decoder]") {
  const Bytes arp = ethernet(0x0806, Bytes(28, 0));
  CHECK(decode(DLT_EN10MB, arp).status == DecodeStatus::not_ip);
  CHECK(decode(DLT_EN10MB, vxlan(arp)).status == DecodeStatus::not_ip);
  // 802.11: a beacon, and a protected data frame.
  Bytes beacon(24, 0);
  beacon[0] = 0x80;
  CHECK(decode(DLT_IEEE802_11, beacon).status == DecodeStatus::not_ip);
  Bytes protected_data(32, 0);
  protected_data[0] = 0x08, protected_data[1] = 0x41;
  CHECK(decode(DLT_IEEE802_11, protected_data).status == DecodeStatus::not_ip);
  // NFLOG without a payload TLV (a prefix only).
  CHECK(decode(DLT_NFLOG, Bytes{2, 0, 0, 1, 8, 0, 10, 0, 'a', 'b', 'c', 0}).status == DecodeStatus::not_ip);
  CHECK(decode(DLT_RAW, ipv4(1, Bytes(8, 0))).status == DecodeStatus::not_tcp_udp);  // ICMP
}

TEST_CASE("malformed and truncated layers are counted as such", "[decoder]") {
  const Bytes inner = ipv4(6, tcp(0x02));
  CHECK(decode(DLT_EN10MB, ethernet(0x8864, cat({0x12, 0x00, 0, 1, 0, 22, 0, 0x21}, inner))).status ==
        DecodeStatus::malformed);  // PPPoE version 2
  CHECK(decode(DLT_EN10MB, ethernet(0x0800, ipv4(47, cat({0, 2, 0x08, 0x00}, inner)))).status ==
        DecodeStatus::malformed);  // GRE version 2
  CHECK(decode(DLT_EN10MB, ethernet(0x0800, ipv4(47, Bytes{0, 0, 0x08}))).status == DecodeStatus::truncated);
  Bytes radiotap{1, 0, 8, 0, 0, 0, 0, 0};
  CHECK(decode(DLT_IEEE802_11_RADIO, radiotap).status == DecodeStatus::malformed);  // version 1
  radiotap = {0, 0, 64, 0, 0, 0, 0, 0};
  CHECK(decode(DLT_IEEE802_11_RADIO, radiotap).status == DecodeStatus::truncated);  // longer than captured
  CHECK(decode(DLT_C_HDLC, cat({0x33, 0x00, 0x08, 0x00}, inner)).status == DecodeStatus::malformed);
  CHECK(decode(DLT_EN10MB, ethernet(0x05f0, inner)).status == DecodeStatus::malformed);  // neither length nor type
}

TEST_CASE("every prefix of a tunnelled SYN is truncated or decoded, never read past", "[decoder]") {
  Bytes ipv6{0x60, 0, 0, 0};
  const Bytes segment = tcp(0x02);
  put16(ipv6, segment.size());
  ipv6.insert(ipv6.end(), {6, 64,   0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                           2, 0xfd, 0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  const Bytes frame = vxlan(ethernet(0x86dd, cat(ipv6, segment)));
  for (std::size_t n = 0; n <= frame.size(); ++n) {
    // An exact-size copy: a read past the end is an ASan report.
    const Bytes cut(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(n));
    const Decoded r = decode(DLT_EN10MB, cut);
    INFO(n);
    if (n == frame.size()) {
      CHECK(r.status == DecodeStatus::ok);
      CHECK(r.signature);
      CHECK(r.facts.src.to_string() == "fd00::2");
    } else if (r.status == DecodeStatus::ok) {
      // Only a cut inside the inner TCP options still decodes, and then without a signature.
      CHECK(n >= frame.size() - kSynOptions.size());
      CHECK_FALSE(r.signature);
    } else {
      CHECK(r.status == DecodeStatus::truncated);
    }
  }
}

TEST_CASE("fragments: the first counts, later ones have no transport header", "[decoder]") {
  const Decoded first = decode(DLT_RAW, ipv4(6, tcp(0x02), 2, 0x2000));
  CHECK(first.status == DecodeStatus::ok);
  CHECK(first.signature);
  CHECK(decode(DLT_RAW, ipv4(6, tcp(0x02), 2, 0x0005)).status == DecodeStatus::not_tcp_udp);
}

TEST_CASE("signatures: SYN and SYN+ACK only, not with FIN or RST", "[decoder]") {
  CHECK(decode(DLT_RAW, ipv4(6, tcp(0x02))).signature);
  CHECK(decode(DLT_RAW, ipv4(6, tcp(0x12))).signature);
  CHECK_FALSE(decode(DLT_RAW, ipv4(6, tcp(0x10))).signature);
  CHECK_FALSE(decode(DLT_RAW, ipv4(6, tcp(0x03))).signature);
  CHECK_FALSE(decode(DLT_RAW, ipv4(6, tcp(0x06))).signature);
  CHECK_FALSE(decode(DLT_RAW, ipv4(17, udp(5000, 53, {}))).signature);
  PacketDecoder decoder;
  PacketFacts facts;
  const Bytes syn = ipv4(6, tcp(0x02)), ack = ipv4(6, tcp(0x10));
  REQUIRE(decoder.decode(DLT_RAW, syn.data(), syn.size(), 0, facts) == DecodeStatus::ok);
  REQUIRE(facts.signature);
  CHECK(facts.signature->key() == "4:64:0:1460:64240,7:mss,sok,ts,nop,ws:df,id+:0");
  REQUIRE(decoder.decode(DLT_RAW, ack.data(), ack.size(), 0, facts) == DecodeStatus::ok);
  CHECK(facts.signature == nullptr);  // each decode starts afresh
}

TEST_CASE("GTP-U: the next-extension byte counts only with the E flag", "[decoder]") {
  // Found in review: with only the S flag (a sequence number), the spare
  // next-extension byte was read as an extension type (TS 29.281 5.1).
  const Bytes inner = ipv4(6, tcp(0x02), 9);
  Bytes gtp{0x32, 0xff, 0, static_cast<std::uint8_t>(inner.size() + 4), 0, 0, 0, 1, 0, 7, 0, 0x85};
  gtp.insert(gtp.end(), inner.begin(), inner.end());
  const Decoded seq_only = decode(DLT_EN10MB, ethernet(0x0800, ipv4(17, udp(2152, 2152, gtp))));
  REQUIRE(seq_only.status == DecodeStatus::ok);
  CHECK(seq_only.facts.transport == Transport::tcp);
  CHECK(seq_only.facts.src_port == 40000);
  CHECK(seq_only.encapsulations == 1);
}
