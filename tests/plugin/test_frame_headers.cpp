// SPDX-License-Identifier: GPL-2.0-or-later
// Locating a packet's own IP and TCP/UDP headers in raw frames built here byte
// by byte: link layers, VLANs, IPv6 extension headers, fragments, tunnels and
// truncation.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "frame_headers.hpp"

using namespace portclass;
using namespace portclass::ws;
using Bytes = std::vector<std::uint8_t>;

namespace {

void put16(Bytes& b, unsigned v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}

void append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }

const Bytes kLinuxSynOptions = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};  // M,S,T,N,W

Bytes tcp(Port sport, Port dport, std::uint8_t flags, const Bytes& options = {}) {
  Bytes t;
  put16(t, sport);
  put16(t, dport);
  for (int i = 0; i < 8; ++i) t.push_back(0);  // seq, ack
  t.push_back(static_cast<std::uint8_t>(((20 + options.size()) / 4) << 4));
  t.push_back(flags);
  for (int i = 0; i < 6; ++i) t.push_back(0);  // window, checksum, urgent
  append(t, options);
  return t;
}

Bytes udp(Port sport, Port dport) {
  Bytes u;
  put16(u, sport);
  put16(u, dport);
  put16(u, 8);
  put16(u, 0);
  return u;
}

Bytes ipv4(const char* src, const char* dst, std::uint8_t proto, std::uint8_t ttl, const Bytes& payload,
           unsigned fragment_offset = 0) {
  Bytes h = {0x45, 0};
  put16(h, static_cast<unsigned>(20 + payload.size()));
  put16(h, 1);
  put16(h, fragment_offset / 8);
  h.push_back(ttl);
  h.push_back(proto);
  put16(h, 0);
  for (const char* a : {src, dst}) {
    const auto ip = IpAddress::parse(a).value();
    h.insert(h.end(), ip.bytes().begin(), ip.bytes().begin() + 4);
  }
  append(h, payload);
  return h;
}

Bytes ipv6(const char* src, const char* dst, std::uint8_t next, std::uint8_t hlim, const Bytes& payload) {
  Bytes h = {0x60, 0, 0, 0};
  put16(h, static_cast<unsigned>(payload.size()));
  h.push_back(next);
  h.push_back(hlim);
  for (const char* a : {src, dst}) {
    const auto ip = IpAddress::parse(a).value();
    h.insert(h.end(), ip.bytes().begin(), ip.bytes().end());
  }
  append(h, payload);
  return h;
}

Bytes ethernet(unsigned ethertype, const Bytes& payload, bool vlan = false) {
  Bytes e(12, 0x02);
  if (vlan) {
    put16(e, 0x8100);
    put16(e, 42);
  }
  put16(e, ethertype);
  append(e, payload);
  return e;
}

WireQuery query(const char* src, const char* dst, Transport t, Port sport, Port dport) {
  return WireQuery{IpAddress::parse(src).value(), IpAddress::parse(dst).value(), t, sport, dport};
}

WireFacts find(const Bytes& frame, const WireQuery& q) { return find_wire_facts(std::span(frame), q); }

}  // namespace

TEST_CASE("IPv4 TCP SYN over Ethernet: TTL, flags and option layout", "[frame]") {
  const Bytes frame = ethernet(0x0800, ipv4("10.0.0.2", "10.0.0.1", 6, 63, tcp(40000, 80, 0x02, kLinuxSynOptions)));
  const WireFacts f = find(frame, query("10.0.0.2", "10.0.0.1", Transport::tcp, 40000, 80));
  CHECK(f.found_ip);
  CHECK(f.ttl == 63);
  REQUIRE(f.found_transport);
  CHECK(f.tcp.syn);
  CHECK_FALSE(f.tcp.ack);
  CHECK(f.syn_layout == "M,S,T,N,W");
}

TEST_CASE("flags of a SYN+ACK, a FIN and an RST; no layout outside SYNs", "[frame]") {
  const auto q = query("10.0.0.1", "10.0.0.2", Transport::tcp, 80, 40000);
  const WireFacts synack = find(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, 64, tcp(80, 40000, 0x12))), q);
  CHECK((synack.tcp.syn && synack.tcp.ack && !synack.tcp.fin && !synack.tcp.rst));
  const WireFacts fin = find(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, 64, tcp(80, 40000, 0x11, kLinuxSynOptions))), q);
  CHECK((fin.tcp.fin && fin.tcp.ack && !fin.tcp.syn));
  CHECK(fin.syn_layout.empty());
  const WireFacts rst = find(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, 64, tcp(80, 40000, 0x04))), q);
  CHECK(rst.tcp.rst);
}

TEST_CASE("802.1Q VLAN and raw IP offsets", "[frame]") {
  const Bytes packet = ipv4("192.0.2.7", "198.51.100.1", 17, 128, udp(53000, 53));
  const auto q = query("192.0.2.7", "198.51.100.1", Transport::udp, 53000, 53);
  for (const Bytes& frame : {ethernet(0x0800, packet, true), packet}) {
    const WireFacts f = find(frame, q);
    CHECK(f.ttl == 128);
    CHECK(f.found_transport);
  }
}

TEST_CASE("IPv6 with a hop-by-hop header before TCP", "[frame]") {
  Bytes hop = {6, 0, 1, 4, 0, 0, 0, 0};  // next = TCP, length 0 (8 bytes), PadN
  append(hop, tcp(50123, 443, 0x02, kLinuxSynOptions));
  const Bytes frame = ethernet(0x86dd, ipv6("fd00::2", "fd00::1", 0, 57, hop));
  const WireFacts f = find(frame, query("fd00::2", "fd00::1", Transport::tcp, 50123, 443));
  CHECK(f.ttl == 57);
  REQUIRE(f.found_transport);
  CHECK(f.tcp.syn);
  CHECK(f.syn_layout == "M,S,T,N,W");
}

TEST_CASE("a non-first fragment gives the TTL but no transport header", "[frame]") {
  const Bytes frame = ethernet(0x0800, ipv4("10.0.0.2", "10.0.0.1", 17, 64, udp(40000, 53), 1480));
  const WireFacts f = find(frame, query("10.0.0.2", "10.0.0.1", Transport::udp, 40000, 53));
  CHECK(f.found_ip);
  CHECK(f.ttl == 64);
  CHECK_FALSE(f.found_transport);
}

TEST_CASE("the inner header of a tunnel is found by scanning", "[frame]") {
  // GRE-like: outer IPv4 between tunnel endpoints, 4 bytes of tunnel header, inner IPv4.
  Bytes inner_and_gre = {0, 0, 0x08, 0x00};
  append(inner_and_gre, ipv4("10.1.0.2", "10.2.0.1", 6, 61, tcp(33000, 22, 0x10)));
  const Bytes frame = ethernet(0x0800, ipv4("203.0.113.1", "203.0.113.2", 47, 250, inner_and_gre));
  const WireFacts f = find(frame, query("10.1.0.2", "10.2.0.1", Transport::tcp, 33000, 22));
  CHECK(f.ttl == 61);
  CHECK(f.found_transport);
}

TEST_CASE("wrong addresses, ports or transport find nothing", "[frame]") {
  const Bytes frame = ethernet(0x0800, ipv4("10.0.0.2", "10.0.0.1", 6, 64, tcp(40000, 80, 0x02)));
  CHECK_FALSE(find(frame, query("10.0.0.1", "10.0.0.2", Transport::tcp, 40000, 80)).found_ip);
  CHECK_FALSE(find(frame, query("10.0.0.2", "10.0.0.1", Transport::udp, 40000, 80)).found_ip);
  const WireFacts ports = find(frame, query("10.0.0.2", "10.0.0.1", Transport::tcp, 40001, 80));
  CHECK(ports.found_ip);
  CHECK_FALSE(ports.found_transport);
}

TEST_CASE("truncated frames are never read past their end", "[frame]") {
  const Bytes frame = ethernet(0x86dd, ipv6("fd00::2", "fd00::1", 6, 64, tcp(50000, 443, 0x02, kLinuxSynOptions)));
  const auto q = query("fd00::2", "fd00::1", Transport::tcp, 50000, 443);
  for (std::size_t n = 0; n <= frame.size(); ++n) {
    const Bytes cut(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(n));
    const WireFacts f = find(cut, q);  // must not crash (ASan builds check the reads)
    if (n < 14 + 40) CHECK_FALSE(f.found_ip);
    if (n == frame.size()) CHECK(f.syn_layout == "M,S,T,N,W");
  }
}

TEST_CASE("TCP option layouts in p0f letters", "[frame]") {
  CHECK(tcp_option_layout(std::span(kLinuxSynOptions)) == "M,S,T,N,W");
  const Bytes windows = {2, 4, 5, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2};
  CHECK(tcp_option_layout(std::span(windows)) == "M,N,W,N,N,S");
  const Bytes with_eol = {2, 4, 5, 0xb4, 0, 1, 1};
  CHECK(tcp_option_layout(std::span(with_eol)) == "M,E");
  const Bytes unknown = {30, 4, 0, 0, 1};
  CHECK(tcp_option_layout(std::span(unknown)) == "?30,N");
  const Bytes malformed = {2, 40, 5, 0xb4};
  CHECK(tcp_option_layout(std::span(malformed)).empty());
}
