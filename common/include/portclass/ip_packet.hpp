// SPDX-License-Identifier: GPL-2.0-or-later
// The one IP / TCP / UDP header parser of portclass (Zeek keeps one IP parser
// with a typed result for every analyzer: the same idea).
//
// Contract:
//  - A span in, a status and the header facts out; never reads outside the
//    span, never allocates.
//  - The IP length field bounds the payload (link padding is dropped); a
//    captured length shorter than the header is `truncated`, a header that
//    contradicts itself (IHL < 5, total length < IHL, bad version) `malformed`.
//  - IPv6 extension headers (hop-by-hop, routing, fragment, AH, destination
//    options; at most 8) are walked; their bytes count as options_length.
//  - A non-first fragment (IPv4 offset != 0, IPv6 fragment offset != 0) has
//    no transport header: status `fragment`, the IP facts are filled.
//  - parse_transport() reads the TCP or UDP header at the start of the IP
//    payload; any other protocol is `not_tcp_udp` (tunnels are the caller's:
//    see capture/packet_decoder.hpp).
//  - The TCP facts keep the option bytes as a span into the input, valid as
//    long as the input is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "portclass/address.hpp"
#include "portclass/client_side.hpp"
#include "portclass/port.hpp"
#include "portclass/tcp_signature.hpp"

namespace portclass {

enum class ParseStatus : std::uint8_t {
  ok,
  truncated,    // cut short by the snap length
  malformed,    // the header contradicts itself
  fragment,     // a non-first fragment: IP facts only
  not_tcp_udp,  // parse_transport: another IP protocol
};
std::string_view to_string(ParseStatus s) noexcept;

struct IpHeader {
  std::uint8_t version = 0;  // 4 or 6
  IpAddress src;
  IpAddress dst;
  std::uint8_t ttl = 0;              // IPv4 TTL or IPv6 hop limit
  std::uint8_t protocol = 0;         // IPv4 protocol / last IPv6 next header
  std::uint16_t options_length = 0;  // IPv4 options / IPv6 extension header bytes
  std::uint16_t ip_id = 0;           // IPv4 identification (0 for IPv6)
  bool dont_fragment = false;
  bool reserved_bit = false;              // IPv4's must-be-zero flag
  std::uint8_t ecn = 0;                   // the two ECN bits
  std::uint32_t flow_label = 0;           // IPv6
  std::span<const std::uint8_t> payload;  // the transport bytes (bounded by the IP length)
  std::size_t payload_length = 0;         // transport bytes the IP length declares (payload may be cut shorter)
};

struct TcpHeader {
  Port src_port = 0;
  Port dst_port = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = 0;  // the flag byte: FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 URG 0x20 ECE 0x40 CWR 0x80
  bool nonce_sum = false;  // the NS bit (RFC 3540) before the flag byte: p0f counts it as ECN
  std::uint16_t window = 0;
  std::uint16_t urgent = 0;
  std::span<const std::uint8_t> options;  // option bytes as captured (may be cut short)
  bool options_cut = false;               // the header is longer than what was captured
  std::size_t payload_length = 0;         // data bytes after the header, per the IP length

  TcpFlags tcp_flags() const noexcept;
  bool is_syn() const noexcept { return (flags & 0x12) == 0x02; }
  bool is_syn_ack() const noexcept { return (flags & 0x12) == 0x12; }
};

struct UdpHeader {
  Port src_port = 0;
  Port dst_port = 0;
  std::span<const std::uint8_t> payload;
};

struct TransportHeader {
  Transport transport = Transport::tcp;
  TcpHeader tcp;  // valid for Transport::tcp
  UdpHeader udp;  // valid for Transport::udp
  Port src_port() const noexcept { return transport == Transport::tcp ? tcp.src_port : udp.src_port; }
  Port dst_port() const noexcept { return transport == Transport::tcp ? tcp.dst_port : udp.dst_port; }
};

// bytes start at the IP version nibble.
ParseStatus parse_ip(std::span<const std::uint8_t> bytes, IpHeader& out) noexcept;
// ip.payload must come from parse_ip.
ParseStatus parse_transport(const IpHeader& ip, TransportHeader& out) noexcept;

// The offending packet quoted inside an ICMP or ICMPv6 error (RFC 792: its IP
// header and at least the first 8 bytes of its transport header; RFC 4443:
// as much as fits). `icmp` is an IP packet whose protocol is ICMP (IPv4) or
// ICMPv6 (IPv6), from parse_ip. ok: the quoted header is TCP or UDP and its
// ports were read (only the ports: the rest of a quoted TCP header is often
// cut off); not_tcp_udp: not an error message (echo, neighbour discovery,
// ...), or the quoted packet is neither TCP nor UDP, or a later fragment;
// truncated / malformed: as for parse_ip.
struct QuotedHeader {
  IpHeader ip;  // the quoted IP header (its payload is what was quoted)
  Transport transport = Transport::tcp;
  Port src_port = 0;
  Port dst_port = 0;
};
ParseStatus parse_icmp_quoted(const IpHeader& icmp, QuotedHeader& out) noexcept;

// The p0f-style signature of a SYN or SYN+ACK (tcp.is_syn() or is_syn_ack()).
TcpSignature make_tcp_signature(const IpHeader& ip, const TcpHeader& tcp);
// Which packets have a signature, for every reader alike: a SYN or SYN+ACK
// without FIN or RST (scanners' combinations, which p0f drops too) whose TCP
// header was captured whole (a cut one would be a false fingerprint).
std::optional<TcpSignature> handshake_signature(const IpHeader& ip, const TcpHeader& tcp);

// p0f's option layout of TCP option bytes ("mss,sok,ts,nop,ws", "...,eol+1").
// Sets quirk_bad / quirk_opt_plus / quirk_exws in quirks, the MSS, window scale
// and timestamps where present.
struct TcpOptions {
  std::string layout;
  std::uint32_t quirks = 0;
  std::optional<std::uint16_t> mss;
  std::optional<std::uint8_t> window_scale;
  std::optional<std::uint32_t> ts_value;
  std::optional<std::uint32_t> ts_echo;
};
TcpOptions parse_tcp_options(std::span<const std::uint8_t> options);

}  // namespace portclass
