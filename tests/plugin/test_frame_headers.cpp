// SPDX-License-Identifier: GPL-2.0-or-later
// Locating a packet's own IP and TCP/UDP headers in raw frames built here byte
// by byte: link layers, VLANs, IPv6 extension headers, fragments, tunnels and
// truncation; the SYN signature is the shared parser's.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include <pcap/dlt.h>

#include "frame_headers.hpp"
#include "portclass/capture/packet_decoder.hpp"

using namespace portclass;
using namespace portclass::ws;
using Bytes = std::vector<std::uint8_t>;

namespace {

void put16(Bytes& b, unsigned v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}

void append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }

const Bytes kLinuxSynOptions = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0,
                                0, 1, 0,    0,    0, 0, 1, 3,  3, 7};  // mss,sok,ts,nop,ws

Bytes tcp(Port sport, Port dport, std::uint8_t flags, const Bytes& options = {}) {
  Bytes t;
  put16(t, sport);
  put16(t, dport);
  for (int i = 0; i < 4; ++i) t.push_back(0);                            // seq
  for (int i = 0; i < 4; ++i) t.push_back((flags & 0x10) != 0 ? 1 : 0);  // ack: non-zero when ACK is set
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
  REQUIRE(f.signature);
  CHECK_FALSE(f.signature->syn_ack);
  // The IPv4 header built here has ID 1 and no DF, sequence number 0.
  CHECK(f.signature->key() == "4:64:0:1460:0,7:mss,sok,ts,nop,ws:seq-:0");
  CHECK(f.signature->to_p0f() == "4:63+1:0:1460:0,7:mss,sok,ts,nop,ws:seq-:0");
}

TEST_CASE("flags of a SYN+ACK, a FIN and an RST; signatures only of SYNs and SYN+ACKs", "[frame]") {
  const auto q = query("10.0.0.1", "10.0.0.2", Transport::tcp, 80, 40000);
  const WireFacts synack = find(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, 64, tcp(80, 40000, 0x12))), q);
  CHECK((synack.tcp.syn && synack.tcp.ack && !synack.tcp.fin && !synack.tcp.rst));
  REQUIRE(synack.signature);
  CHECK(synack.signature->syn_ack);
  CHECK(synack.signature->layout.empty());
  const WireFacts fin =
      find(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, 64, tcp(80, 40000, 0x11, kLinuxSynOptions))), q);
  CHECK((fin.tcp.fin && fin.tcp.ack && !fin.tcp.syn));
  CHECK_FALSE(fin.signature);
  const WireFacts rst = find(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, 64, tcp(80, 40000, 0x04))), q);
  CHECK(rst.tcp.rst);
  CHECK_FALSE(rst.signature);
  const WireFacts syn_rst = find(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, 64, tcp(80, 40000, 0x06))), q);
  CHECK_FALSE(syn_rst.signature);  // a scanner's combination, as p0f sees it
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
  REQUIRE(f.signature);
  CHECK(f.signature->ip_version == 6);
  CHECK(f.signature->layout == "mss,sok,ts,nop,ws");
  CHECK(f.signature->ip_options_length == 0);  // p0f's olen is 0 for IPv6
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
    // A SYN whose options were cut has no signature: it would be a false one.
    if (f.found_transport) CHECK(f.signature.has_value() == (n == frame.size()));
    if (n == frame.size()) CHECK(f.signature->letters() == "M,S,T,N,W");
  }
}

TEST_CASE("the signature is the one the command line's decoder gives", "[frame]") {
  // The same layouts the shared parser's unit tests pin (tests/core/test_ip_packet.cpp).
  const auto q = query("10.0.0.2", "10.0.0.1", Transport::tcp, 40000, 80);
  const auto layout = [&q](const Bytes& options) {
    const Bytes frame = ethernet(0x0800, ipv4("10.0.0.2", "10.0.0.1", 6, 64, tcp(40000, 80, 0x02, options)));
    const WireFacts f = find(frame, q);
    REQUIRE(f.signature);
    // The command line's decoder on the same frame: the same signature.
    capture::PacketDecoder decoder;
    PacketFacts facts;
    REQUIRE(decoder.decode(DLT_EN10MB, frame.data(), frame.size(), 0, facts) == capture::DecodeStatus::ok);
    REQUIRE(facts.signature);
    CHECK(f.signature->key() == facts.signature->key());
    CHECK(f.signature->to_p0f() == facts.signature->to_p0f());
    return f.signature->layout + ":" + quirks_to_string(f.signature->quirks);
  };
  CHECK(layout({2, 4, 5, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2}) == "mss,nop,ws,nop,nop,sok:seq-");
  CHECK(layout({2, 4, 5, 0xb4, 0, 1, 1, 0}) == "mss,eol+3:seq-,opt+");
  CHECK(layout({30, 4, 0, 0, 1, 0, 0, 0}) == "?30,nop,eol+2:seq-");
  CHECK(layout({2, 40, 5, 0xb4}) == "mss:seq-,bad");
}

TEST_CASE("the header quoted in an ICMP error is found in the frame; other frames quote nothing", "[frame]") {
  Bytes message{3, 3, 0, 0, 0, 0, 0, 0};  // port unreachable
  append(message, ipv4("10.9.0.2", "10.9.0.1", 17, 64, udp(40000, 53)));
  const Bytes frame = ethernet(0x0800, ipv4("10.9.0.1", "10.9.0.2", 1, 64, message), true);
  const auto quoted = find_quoted_header(std::span(frame));
  REQUIRE(quoted);
  CHECK(quoted->transport == Transport::udp);
  CHECK(quoted->src_port == 40000);
  CHECK(quoted->dst_port == 53);

  const Bytes syn = ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, 64, tcp(40000, 80, 0x02)));
  CHECK_FALSE(find_quoted_header(std::span(syn)));
  // Cut anywhere: found exactly while the quoted ports are captured, never read past the end.
  for (std::size_t n = 0; n < frame.size(); ++n) {
    INFO("cut to " << n << " of " << frame.size() << " bytes");
    const Bytes cut(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(n));
    const auto found = find_quoted_header(std::span(cut));
    CHECK(found.has_value() == (n >= frame.size() - 4));
    if (found) CHECK(found->dst_port == 53);
  }
}
