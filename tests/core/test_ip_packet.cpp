// SPDX-License-Identifier: GPL-2.0-or-later
// The shared IP / TCP / UDP parser. The signature expectations marked "p0f"
// are what Debian's p0f 3.09b printed as raw_sig for the same bytes (written
// to a pcap and read with `p0f -r`).
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "portclass/ip_packet.hpp"

using namespace portclass;

namespace {

using Bytes = std::vector<std::uint8_t>;

void put16(Bytes& b, std::size_t at, unsigned v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}
void put32(Bytes& b, std::size_t at, std::uint32_t v) {
  put16(b, at, v >> 16);
  put16(b, at + 2, v & 0xffff);
}

struct Tcp {
  unsigned sport = 40000, dport = 80;
  std::uint32_t seq = 1, ack = 0;
  std::uint8_t flags = 0x02;
  unsigned window = 1000, urgent = 0;
  Bytes options;
  Bytes data;
  bool ns = false;
};

Bytes tcp(const Tcp& t) {
  Bytes b(20);
  put16(b, 0, t.sport);
  put16(b, 2, t.dport);
  put32(b, 4, t.seq);
  put32(b, 8, t.ack);
  b[12] = static_cast<std::uint8_t>((20 + t.options.size()) / 4 << 4 | (t.ns ? 1 : 0));
  b[13] = t.flags;
  put16(b, 14, t.window);
  put16(b, 18, t.urgent);
  b.insert(b.end(), t.options.begin(), t.options.end());
  b.insert(b.end(), t.data.begin(), t.data.end());
  return b;
}

struct Ip4 {
  std::uint8_t ttl = 64, tos = 0, protocol = 6;
  unsigned id = 0x1234, flags = 0x4000;
  Bytes options;
};

Bytes ipv4(const Ip4& h, const Bytes& payload) {
  Bytes b(20);
  b[0] = static_cast<std::uint8_t>(0x40 | (20 + h.options.size()) / 4);
  b[1] = h.tos;
  put16(b, 2, static_cast<unsigned>(20 + h.options.size() + payload.size()));
  put16(b, 4, h.id);
  put16(b, 6, h.flags);
  b[8] = h.ttl;
  b[9] = h.protocol;
  const std::uint8_t src[] = {10, 0, 0, 1}, dst[] = {10, 0, 0, 2};
  std::copy(src, src + 4, b.begin() + 12);
  std::copy(dst, dst + 4, b.begin() + 16);
  b.insert(b.end(), h.options.begin(), h.options.end());
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// IPv6 with extension headers given as (type, bytes) in order.
Bytes ipv6(std::uint8_t hop_limit, std::uint32_t flow, std::uint8_t first_next, const Bytes& rest) {
  Bytes b(40);
  put32(b, 0, 6u << 28 | flow);
  put16(b, 4, static_cast<unsigned>(rest.size()));
  b[6] = first_next;
  b[7] = hop_limit;
  b[8] = 0xfd, b[23] = 1;
  b[24] = 0xfd, b[39] = 2;
  b.insert(b.end(), rest.begin(), rest.end());
  return b;
}

const Bytes kLinuxOptions{2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};

std::string p0f_sig(const Bytes& packet) {
  IpHeader ip;
  REQUIRE(parse_ip(packet, ip) == ParseStatus::ok);
  TransportHeader t;
  REQUIRE(parse_transport(ip, t) == ParseStatus::ok);
  REQUIRE(t.transport == Transport::tcp);
  return make_tcp_signature(ip, t.tcp).to_p0f();
}

}  // namespace

TEST_CASE("an IPv4 TCP SYN parses to its header facts", "[ip]") {
  const Bytes packet = ipv4({.ttl = 61}, tcp({.window = 64240, .options = kLinuxOptions}));
  IpHeader ip;
  REQUIRE(parse_ip(packet, ip) == ParseStatus::ok);
  CHECK(ip.version == 4);
  CHECK(ip.src.to_string() == "10.0.0.1");
  CHECK(ip.dst.to_string() == "10.0.0.2");
  CHECK(ip.ttl == 61);
  CHECK(ip.protocol == 6);
  CHECK(ip.ip_id == 0x1234);
  CHECK(ip.dont_fragment);
  CHECK_FALSE(ip.reserved_bit);
  CHECK(ip.payload.size() == 40);
  CHECK(ip.payload_length == 40);
  TransportHeader t;
  REQUIRE(parse_transport(ip, t) == ParseStatus::ok);
  CHECK(t.transport == Transport::tcp);
  CHECK(t.src_port() == 40000);
  CHECK(t.dst_port() == 80);
  CHECK(t.tcp.is_syn());
  CHECK_FALSE(t.tcp.is_syn_ack());
  CHECK(t.tcp.tcp_flags().syn);
  CHECK_FALSE(t.tcp.tcp_flags().ack);
  CHECK(t.tcp.options.size() == 20);
  CHECK_FALSE(t.tcp.options_cut);
  CHECK(t.tcp.payload_length == 0);
  const TcpSignature s = make_tcp_signature(ip, t.tcp);
  CHECK(s.key() == "4:64:0:1460:64240,7:mss,sok,ts,nop,ws:df,id+:0");
  CHECK(s.to_p0f() == "4:61+3:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0");  // p0f
  CHECK(s.timestamp == 1u);
  CHECK(s.letters() == "M,S,T,N,W");
}

TEST_CASE("signatures of crafted SYNs are p0f's", "[ip][signature]") {
  // Each line: the bytes, then what p0f 3.09b printed for them.
  CHECK(p0f_sig(ipv4({.ttl = 120}, tcp({.window = 65535, .options = {2, 4, 5, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2}}))) ==
        "4:120+8:0:1460:65535,8:mss,nop,ws,nop,nop,sok:df,id+:0");
  CHECK(p0f_sig(ipv4({.ttl = 250, .id = 0, .flags = 0}, tcp({.seq = 0,
                                                             .ack = 0x01000000,
                                                             .flags = 0x02 | 0x08 | 0x40 | 0x80,
                                                             .window = 8192,
                                                             .options = {2, 4, 5, 0xb4, 0, 1, 0, 0}}))) ==
        "4:250+5:0:1460:8192,0:mss,eol+3:id-,ecn,seq-,ack+,pushf+,opt+:0");
  CHECK(p0f_sig(ipv4({.ttl = 40, .tos = 1}, tcp({.seq = 7,
                                                 .window = 5840,
                                                 .urgent = 3,
                                                 .options = {2, 4, 5, 0x64, 8, 10, 0, 0, 0, 0, 0, 0, 0, 9, 1, 1}}))) ==
        "4:40+24:0:1380:mss*4,0:mss,ts,nop,nop:df,id+,ecn,uptr+,ts1-,ts2+:0");
  CHECK(p0f_sig(ipv4({.flags = 0xc000}, tcp({.window = 14600, .options = {2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0,
                                                                          0, 1, 0, 0,    0, 0, 1, 3,  3, 15}}))) ==
        "4:64+0:0:1460:mss*10,15:mss,sok,ts,nop,ws:df,id+,0+,exws:0");
  CHECK(p0f_sig(ipv4({}, tcp({.window = 4500, .options = {2, 4, 5, 0xb4, 3, 3, 0, 0}}))) ==
        "4:64+0:0:1460:mtu*3,0:mss,ws,eol+0:df,id+:0");
  CHECK(p0f_sig(ipv4({}, tcp({.window = 3040, .options = kLinuxOptions}))) ==
        "4:64+0:0:1460:mtu*2,7:mss,sok,ts,nop,ws:df,id+:0");
  CHECK(p0f_sig(ipv4({}, tcp({.window = 1000, .options = {2, 3, 5, 0xb4}}))) ==
        "4:64+0:0:1460:1000,0:mss:df,id+,bad:0");
  CHECK(p0f_sig(ipv4({}, tcp({.window = 1000, .data = {2, 4, 5}}))) == "4:64+0:0:0:1000,0::df,id+:+");
  CHECK(p0f_sig(ipv4({.options = {1, 1, 1, 0}}, tcp({.options = Bytes(24, 1), .data = {'h', 'i'}}))) ==
        "4:64+0:4:0:1000,0:nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,nop,"
        "nop,nop,nop:df,id+:+");
  CHECK(p0f_sig(ipv4({}, tcp({.options = Bytes(28, 1)}))).ends_with(",nop:df,id+,bad:0"));
  CHECK(p0f_sig(ipv4({}, tcp({.options = {3, 3, 20, 1}}))) == "4:64+0:0:0:1000,20:ws,nop:df,id+,exws:0");
  CHECK(p0f_sig(ipv4({}, tcp({.sport = 80,
                              .dport = 40000,
                              .seq = 9,
                              .ack = 2,
                              .flags = 0x12,
                              .window = 28960,
                              .options = kLinuxOptions}))) == "4:64+0:0:1460:mss*20,7:mss,sok,ts,nop,ws:df,id+:0");
}

TEST_CASE("p0f's quirks from the IP and TCP headers", "[ip][signature]") {
  const auto quirks = [](const Bytes& packet) {
    IpHeader ip;
    REQUIRE(parse_ip(packet, ip) == ParseStatus::ok);
    TransportHeader t;
    REQUIRE(parse_transport(ip, t) == ParseStatus::ok);
    return quirks_to_string(make_tcp_signature(ip, t.tcp).quirks);
  };
  CHECK(quirks(ipv4({}, tcp({}))) == "df,id+");
  CHECK(quirks(ipv4({.id = 0}, tcp({}))) == "df");
  CHECK(quirks(ipv4({.flags = 0}, tcp({}))) == "");
  CHECK(quirks(ipv4({.id = 0, .flags = 0}, tcp({}))) == "id-");
  CHECK(quirks(ipv4({.id = 0, .flags = 0x8000}, tcp({}))) == "id-,0+");
  CHECK(quirks(ipv4({.tos = 2}, tcp({}))) == "df,id+,ecn");
  CHECK(quirks(ipv4({}, tcp({.flags = 0x42}))) == "df,id+,ecn");
  CHECK(quirks(ipv4({}, tcp({.ns = true}))) == "df,id+,ecn");
  CHECK(quirks(ipv4({}, tcp({.seq = 0}))) == "df,id+,seq-");
  // ack+: any non-zero ACK number without the flag, as documented (p0f's code misses ack 1).
  CHECK(quirks(ipv4({}, tcp({.ack = 1}))) == "df,id+,ack+");
  CHECK(quirks(ipv4({}, tcp({.ack = 1, .flags = 0x06}))) == "df,id+");  // RSTs carry odd ACK numbers
  CHECK(quirks(ipv4({}, tcp({.ack = 0, .flags = 0x12}))) == "df,id+,ack-");
  CHECK(quirks(ipv4({}, tcp({.flags = 0x22, .urgent = 5}))) == "df,id+,urgf+");
  CHECK(quirks(ipv4({}, tcp({.urgent = 5}))) == "df,id+,uptr+");
  CHECK(quirks(ipv4({}, tcp({.flags = 0x0a}))) == "df,id+,pushf+");
  const Bytes ts_both{8, 10, 0, 0, 0, 0, 0, 0, 0, 5, 1, 1};
  CHECK(quirks(ipv4({}, tcp({.options = ts_both}))) == "df,id+,ts1-,ts2+");
  CHECK(quirks(ipv4({}, tcp({.ack = 9, .flags = 0x12, .options = ts_both}))) ==
        "df,id+,ts1-");  // SYN+ACK: echo is normal
  // opt+: any non-zero padding after EOL, the last byte too (p0f's loop misses that one).
  CHECK(quirks(ipv4({}, tcp({.options = {2, 4, 5, 0xb4, 0, 0, 0, 5}}))) == "df,id+,opt+");
  CHECK(quirks(ipv6(64, 0x12345, 6, tcp({}))) == "flow");
  CHECK(quirks(ipv6(64, 0, 6, tcp({}))) == "");
}

TEST_CASE("the option walk follows p0f's", "[ip][signature]") {
  const auto walk = [](const Bytes& o) {
    const TcpOptions t = parse_tcp_options(o);
    return t.layout + "|" + quirks_to_string(t.quirks);
  };
  CHECK(walk({}) == "|");
  CHECK(walk(kLinuxOptions) == "mss,sok,ts,nop,ws|");
  CHECK(walk({0}) == "eol+0|");
  CHECK(walk({1, 0, 0, 0}) == "nop,eol+2|");
  CHECK(walk({1, 0, 7, 0}) == "nop,eol+2|opt+");
  CHECK(walk({2, 4, 5}) == "mss|bad");        // cut short
  CHECK(walk({2, 8, 5, 0xb4}) == "mss|bad");  // wrong length: read at 4 bytes anyway
  CHECK(walk({4, 3, 1, 1}) == "sok,nop,nop|bad");
  CHECK(walk({30, 4, 1, 2, 1, 1}) == "?30,nop,nop|");  // unknown, plausible length
  CHECK(walk({30, 1, 1, 1}) == "?30|bad");             // unknown, impossible length
  CHECK(walk({30, 9, 1, 1}) == "?30|bad");             // unknown, too long for the header
  Bytes sack{5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 1};
  CHECK(walk(sack) == "sack,nop,nop|");
  sack[1] = 8;
  CHECK(walk(sack) == "sack|bad");
  CHECK(walk(Bytes(24, 1)).find('|') == 24 * 4 - 1);
  CHECK(walk(Bytes(25, 1)).ends_with("|bad"));  // p0f reads 24 options at most
  const TcpOptions t = parse_tcp_options(kLinuxOptions);
  CHECK(t.mss == 1460);
  CHECK(t.window_scale == 7);
  CHECK(t.ts_value == 1u);
  CHECK(t.ts_echo == 0u);
  CHECK_FALSE(parse_tcp_options({}).mss);
  // Named in the layout but cut short: present, 0 as p0f prints it.
  CHECK(parse_tcp_options(Bytes{2, 4, 5}).mss == 0);
  CHECK(parse_tcp_options(Bytes{1, 3, 3}).window_scale == 0);
  CHECK(parse_tcp_options(Bytes{2, 4, 5, 0xb4, 2, 4}).mss == 1460);
}

TEST_CASE("IPv4 lengths: padding dropped, cuts truncated, contradictions malformed", "[ip]") {
  Bytes packet = ipv4({}, tcp({.options = kLinuxOptions}));
  IpHeader ip;
  TransportHeader t;
  Bytes padded = packet;
  padded.resize(packet.size() + 6, 0xee);  // Ethernet trailer
  REQUIRE(parse_ip(padded, ip) == ParseStatus::ok);
  CHECK(ip.payload.size() == 40);

  CHECK(parse_ip({}, ip) == ParseStatus::truncated);
  CHECK(parse_ip(std::span(packet).first(19), ip) == ParseStatus::truncated);
  // Cut inside the TCP options: the header facts stay, the options are marked cut.
  REQUIRE(parse_ip(std::span(packet).first(50), ip) == ParseStatus::ok);
  CHECK(ip.payload.size() == 30);
  CHECK(ip.payload_length == 40);
  REQUIRE(parse_transport(ip, t) == ParseStatus::ok);
  CHECK(t.tcp.options_cut);
  CHECK(t.tcp.options.size() == 10);
  REQUIRE(parse_ip(std::span(packet).first(30), ip) == ParseStatus::ok);
  CHECK(parse_transport(ip, t) == ParseStatus::truncated);

  Bytes bad = packet;
  bad[0] = 0x44;  // IHL 16 bytes
  CHECK(parse_ip(bad, ip) == ParseStatus::malformed);
  bad = packet;
  bad[0] = 0x4f;  // IHL 60 bytes, total 60: the TCP header does not fit
  REQUIRE(parse_ip(bad, ip) == ParseStatus::ok);
  CHECK(parse_transport(ip, t) == ParseStatus::malformed);
  bad = packet;
  put16(bad, 2, 19);  // total below the header
  CHECK(parse_ip(bad, ip) == ParseStatus::malformed);
  bad = packet;
  bad[0] = 0x55;
  CHECK(parse_ip(bad, ip) == ParseStatus::malformed);
  bad = packet;
  bad[32] = 0x40;  // TCP data offset 16 bytes
  REQUIRE(parse_ip(bad, ip) == ParseStatus::ok);
  CHECK(parse_transport(ip, t) == ParseStatus::malformed);
  bad = packet;
  put16(bad, 2, 50);  // the IP length ends inside the TCP options
  REQUIRE(parse_ip(bad, ip) == ParseStatus::ok);
  CHECK(parse_transport(ip, t) == ParseStatus::malformed);
  bad = packet;
  put16(bad, 2, 30);  // and inside the TCP header
  REQUIRE(parse_ip(bad, ip) == ParseStatus::ok);
  CHECK(parse_transport(ip, t) == ParseStatus::malformed);
}

TEST_CASE("IPv4 fragments: the first one has a transport header, later ones do not", "[ip]") {
  IpHeader ip;
  TransportHeader t;
  const Bytes first = ipv4({.flags = 0x2000}, tcp({}));  // MF, offset 0
  REQUIRE(parse_ip(first, ip) == ParseStatus::ok);
  CHECK(parse_transport(ip, t) == ParseStatus::ok);
  CHECK(parse_ip(ipv4({.flags = 0x0010}, tcp({})), ip) == ParseStatus::fragment);
  CHECK(ip.src.to_string() == "10.0.0.1");
  CHECK(ip.ttl == 64);
}

TEST_CASE("IPv6: extension headers walked and bounded, fragments, lengths", "[ip]") {
  const Bytes segment = tcp({.ack = 5, .flags = 0x12, .window = 65535, .options = {2, 4, 5, 0xa0}});
  IpHeader ip;
  TransportHeader t;
  const Bytes plain = ipv6(57, 0, 6, segment);
  REQUIRE(parse_ip(plain, ip) == ParseStatus::ok);
  CHECK(ip.version == 6);
  CHECK(ip.src.to_string() == "fd00::1");
  CHECK(ip.ttl == 57);
  REQUIRE(parse_transport(ip, t) == ParseStatus::ok);
  CHECK(make_tcp_signature(ip, t.tcp).key() == "6:64:0:1440:65535,0:mss::0");
  CHECK(make_tcp_signature(ip, t.tcp).syn_ack);

  // hop-by-hop (8 bytes) then destination options (16 bytes) then TCP.
  Bytes ext{60, 0, 1, 4, 0, 0, 0, 0, 6, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  ext.insert(ext.end(), segment.begin(), segment.end());
  const Bytes full = ipv6(64, 0, 0, ext);
  REQUIRE(parse_ip(full, ip) == ParseStatus::ok);
  CHECK(ip.protocol == 6);
  CHECK(ip.options_length == 24);
  CHECK(ip.payload_length == segment.size());
  REQUIRE(parse_transport(ip, t) == ParseStatus::ok);
  CHECK(t.src_port() == 40000);
  CHECK(make_tcp_signature(ip, t.tcp).ip_options_length == 0);  // p0f's olen is 0 for IPv6

  // IPsec AH (RFC 4302): length in 4-byte units minus 2 (payload length 4:
  // 24 bytes, a 12-byte ICV), then TCP.
  Bytes ah{6, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  ah.insert(ah.end(), segment.begin(), segment.end());
  const Bytes with_ah = ipv6(64, 0, 51, ah);  // ip.payload points into it: keep it alive
  REQUIRE(parse_ip(with_ah, ip) == ParseStatus::ok);
  CHECK(ip.protocol == 6);
  CHECK(ip.options_length == 24);
  REQUIRE(parse_transport(ip, t) == ParseStatus::ok);
  CHECK(t.src_port() == 40000);

  // Cut inside an extension header: truncated; longer than the IPv6 length: malformed.
  CHECK(parse_ip(std::span(full).first(52), ip) == ParseStatus::truncated);
  Bytes lying = full;
  put16(lying, 4, 12);
  CHECK(parse_ip(lying, ip) == ParseStatus::malformed);

  // Nine extension headers are more than anyone sends.
  Bytes chain;
  for (int i = 0; i < 9; ++i) chain.insert(chain.end(), {60, 0, 1, 4, 0, 0, 0, 0});
  chain.insert(chain.end(), segment.begin(), segment.end());
  CHECK(parse_ip(ipv6(64, 0, 60, chain), ip) == ParseStatus::malformed);

  // Fragment header: offset 0 leads on to TCP, another offset is a later fragment.
  Bytes first{6, 0, 0, 1, 0, 0, 0, 42};
  first.insert(first.end(), segment.begin(), segment.end());
  const Bytes fragmented = ipv6(64, 0, 44, first);
  REQUIRE(parse_ip(fragmented, ip) == ParseStatus::ok);
  CHECK(parse_transport(ip, t) == ParseStatus::ok);
  Bytes later = first;
  later[3] = 0x08;  // offset 1 (8 bytes)
  CHECK(parse_ip(ipv6(64, 0, 44, later), ip) == ParseStatus::fragment);
  CHECK(ip.dst.to_string() == "fd00::2");

  CHECK(parse_ip(std::span(full).first(39), ip) == ParseStatus::truncated);
}

TEST_CASE("UDP and other protocols", "[ip]") {
  Bytes udp{0x30, 0x39, 0, 53, 0, 12, 0, 0, 'a', 'b', 'c', 'd', 'x', 'x'};  // UDP length 12 of 14 bytes
  IpHeader ip;
  TransportHeader t;
  const Bytes datagram = ipv4({.protocol = 17}, udp);
  REQUIRE(parse_ip(datagram, ip) == ParseStatus::ok);
  REQUIRE(parse_transport(ip, t) == ParseStatus::ok);
  CHECK(t.transport == Transport::udp);
  CHECK(t.src_port() == 12345);
  CHECK(t.dst_port() == 53);
  CHECK(t.udp.payload.size() == 4);
  const Bytes short_datagram = ipv4({.protocol = 17}, Bytes(udp.begin(), udp.begin() + 6));
  REQUIRE(parse_ip(short_datagram, ip) == ParseStatus::ok);
  CHECK(parse_transport(ip, t) == ParseStatus::malformed);  // the IP length leaves no room for UDP

  const Bytes icmp = ipv4({.protocol = 1}, Bytes(8, 0));
  REQUIRE(parse_ip(icmp, ip) == ParseStatus::ok);
  CHECK(parse_transport(ip, t) == ParseStatus::not_tcp_udp);
  CHECK(to_string(ParseStatus::not_tcp_udp) == "not TCP/UDP");
  CHECK(to_string(ParseStatus::fragment) == "fragment");
}

TEST_CASE("the parser never reads outside its span", "[ip]") {
  // Every prefix of a few packets, in a buffer of exactly that size (ASan
  // builds catch a read past it).
  const std::vector<Bytes> packets{
      ipv4({.options = {1, 1, 1, 0}}, tcp({.options = kLinuxOptions, .data = {1, 2, 3}})),
      ipv6(64, 1, 0,
           Bytes{6, 0, 1, 4, 0, 0, 0, 0, 0x30, 0x39, 0, 80, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 2, 0, 0, 0, 0, 0, 0}),
  };
  for (const auto& p : packets) {
    for (std::size_t n = 0; n <= p.size(); ++n) {
      INFO("prefix of " << n << " of " << p.size() << " bytes");
      const Bytes cut(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(n));
      IpHeader ip;
      TransportHeader t;
      // A prefix is cut short, never malformed; the whole packet parses.
      const ParseStatus status = parse_ip(cut, ip);
      CHECK((status == ParseStatus::ok || status == ParseStatus::truncated));
      if (n == p.size()) CHECK(status == ParseStatus::ok);
      if (status != ParseStatus::ok) continue;
      CHECK(ip.payload.data() + ip.payload.size() <= cut.data() + cut.size());
      const ParseStatus transport = parse_transport(ip, t);
      CHECK((transport == ParseStatus::ok || transport == ParseStatus::truncated));
      if (n == p.size()) CHECK(transport == ParseStatus::ok);
      if (transport == ParseStatus::ok && t.transport == Transport::tcp) (void)make_tcp_signature(ip, t.tcp);
    }
  }
}

TEST_CASE("the header quoted in an ICMP error: ports of TCP and UDP, nothing from other messages", "[ip][icmp]") {
  // Destination unreachable quoting a UDP datagram, and time exceeded quoting
  // only the first 8 bytes of a TCP SYN (RFC 792's minimum).
  const Bytes quoted_udp = ipv4({.protocol = 17}, Bytes{0x9c, 0x40, 0, 53, 0, 8, 0, 0});
  const Bytes full_syn = ipv4({}, tcp({.sport = 51000, .dport = 443}));
  const Bytes quoted_tcp(full_syn.begin(), full_syn.begin() + 28);
  auto icmp_error = [](std::uint8_t type, const Bytes& quoted) {
    Bytes message{type, 0, 0, 0, 0, 0, 0, 0};
    message.insert(message.end(), quoted.begin(), quoted.end());
    return ipv4({.protocol = 1}, message);
  };
  // The whole packet stays alive while it is parsed (the headers are views into it).
  QuotedHeader q;
  const auto quoted_in = [&q](const Bytes& packet) {
    IpHeader outer;
    REQUIRE(parse_ip(packet, outer) == ParseStatus::ok);
    return parse_icmp_quoted(outer, q);
  };

  REQUIRE(quoted_in(icmp_error(3, quoted_udp)) == ParseStatus::ok);
  CHECK(q.transport == Transport::udp);
  CHECK(q.src_port == 40000);
  CHECK(q.dst_port == 53);

  // The quoted IP header says 40 bytes; 28 were quoted: the ports are still there.
  REQUIRE(quoted_in(icmp_error(11, quoted_tcp)) == ParseStatus::ok);
  CHECK(q.transport == Transport::tcp);
  CHECK(q.src_port == 51000);
  CHECK(q.dst_port == 443);

  // An echo request carrying bytes that look like a header quotes nothing.
  CHECK(quoted_in(icmp_error(8, quoted_udp)) == ParseStatus::not_tcp_udp);
  // Neither TCP nor UDP inside; not ICMP at all; cut before the ports.
  CHECK(quoted_in(icmp_error(3, ipv4({.protocol = 47}, Bytes(8, 0)))) == ParseStatus::not_tcp_udp);
  CHECK(quoted_in(quoted_udp) == ParseStatus::not_tcp_udp);
  CHECK(quoted_in(icmp_error(3, Bytes(quoted_udp.begin(), quoted_udp.begin() + 22))) == ParseStatus::truncated);
  CHECK(quoted_in(ipv4({.protocol = 1}, Bytes{3, 0, 0})) == ParseStatus::truncated);

  // ICMPv6 destination unreachable (type 1) quoting IPv6 UDP; type 128 (echo) does not quote.
  Bytes v6_message{1, 4, 0, 0, 0, 0, 0, 0};
  const Bytes inner = ipv6(64, 0, 17, Bytes{0xc3, 0x50, 0x01, 0xbb, 0, 8, 0, 0});
  v6_message.insert(v6_message.end(), inner.begin(), inner.end());
  REQUIRE(quoted_in(ipv6(64, 0, 58, v6_message)) == ParseStatus::ok);
  CHECK(q.transport == Transport::udp);
  CHECK(q.src_port == 50000);
  CHECK(q.dst_port == 443);
  v6_message[0] = 128;
  CHECK(quoted_in(ipv6(64, 0, 58, v6_message)) == ParseStatus::not_tcp_udp);
}
