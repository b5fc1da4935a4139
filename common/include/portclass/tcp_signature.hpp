// SPDX-License-Identifier: GPL-2.0-or-later
// TcpSignature: what a TCP SYN or SYN+ACK says about the stack that sent it,
// in p0f 3's terms (p0f's README, section 5, "TCP signatures"), and the text
// forms of it.
//
// Contract:
//  - Only IP and TCP header fields go in (never payload bytes: only whether
//    there is payload, as p0f's pclass), so a verdict built on it holds on
//    encrypted traffic and cannot be steered by application content.
//  - key() is the canonical text stored in host profiles and profile JSON:
//    a valid p0f `sig` value with concrete numbers and the TTL rounded up to
//    its initial class, e.g. "4:64:0:1460:64240,7:mss,sok,ts,nop,ws:df,id+:0".
//    parse_key(key()) gives back an equal signature except the observed TTL
//    (only the class is kept) and the timestamp value.
//  - to_p0f() is what p0f prints as raw_sig for the same packet
//    ("4:58+6:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0"), so users can pivot
//    between the two tools.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "portclass/result.hpp"

namespace portclass {

// p0f's quirks, one bit each.
enum Quirk : std::uint32_t {
  quirk_df = 1u << 0,           // "df": don't fragment (IPv4)
  quirk_id_plus = 1u << 1,      // "id+": DF set and IP ID non-zero (IPv4)
  quirk_id_minus = 1u << 2,     // "id-": DF clear and IP ID zero (IPv4)
  quirk_ecn = 1u << 3,          // "ecn": ECN bits in IP, or ECE/CWR on the SYN
  quirk_zero_plus = 1u << 4,    // "0+": the IPv4 reserved ("evil") bit set
  quirk_flow = 1u << 5,         // "flow": IPv6 flow label non-zero
  quirk_seq_minus = 1u << 6,    // "seq-": sequence number zero
  quirk_ack_plus = 1u << 7,     // "ack+": ACK number non-zero without the ACK flag
  quirk_ack_minus = 1u << 8,    // "ack-": ACK number zero with the ACK flag
  quirk_uptr_plus = 1u << 9,    // "uptr+": urgent pointer non-zero without URG
  quirk_urgf_plus = 1u << 10,   // "urgf+": URG flag
  quirk_pushf_plus = 1u << 11,  // "pushf+": PSH flag
  quirk_ts1_minus = 1u << 12,   // "ts1-": own timestamp zero
  quirk_ts2_plus = 1u << 13,    // "ts2+": peer timestamp non-zero on a SYN
  quirk_opt_plus = 1u << 14,    // "opt+": non-zero bytes after EOL
  quirk_exws = 1u << 15,        // "exws": window scale above 14
  quirk_bad = 1u << 16,         // "bad": malformed options
};

// "df,id+" for quirk_df | quirk_id_plus, in p0f's order.
std::string quirks_to_string(std::uint32_t quirks);
// The inverse; an unknown name is an error naming it.
Result<std::uint32_t> parse_quirks(std::string_view text);

// Rounds an observed TTL up to the initial TTL a stack would have used: the
// next of 32, 64, 128, 255 (p0f's guess_dist()); 0 (not seen) stays 0.
std::uint8_t initial_ttl_class(std::uint8_t observed) noexcept;

struct TcpSignature {
  bool syn_ack = false;                      // false: a SYN (p0f's tcp:request), true: a SYN+ACK (tcp:response)
  std::uint8_t ip_version = 4;               // 4 or 6
  std::uint8_t ttl = 0;                      // observed TTL / hop limit
  std::uint8_t ip_options_length = 0;        // IPv4 options bytes (p0f's olen; 0 for IPv6)
  std::optional<std::uint16_t> mss;          // the MSS option, when present
  std::uint16_t window = 0;                  // raw window field (unscaled: SYNs are never scaled)
  std::optional<std::uint8_t> window_scale;  // the window-scale option, when present
  std::string layout;                        // p0f's olayout: "mss,sok,ts,nop,ws", "...,eol+1", "?30"
  std::uint32_t quirks = 0;                  // Quirk bits
  bool payload = false;                      // p0f's pclass: '+' when the segment carries data
  std::optional<std::uint32_t> timestamp;    // own TSval, for clock-rate estimates

  // p0f's initial-TTL guess for the observed TTL: the next of 32, 64, 128, 255.
  std::uint8_t initial_ttl() const noexcept;
  std::string key() const;     // canonical stored form (see the contract)
  std::string to_p0f() const;  // p0f's raw_sig form
  // The layout in portclass's older letter form ("M,S,T,N,W"), for display.
  std::string letters() const;

  friend bool operator==(const TcpSignature&, const TcpSignature&) = default;
};

// Reads key() text back. Errors name what is wrong in one line.
Result<TcpSignature> parse_signature_key(std::string_view key, bool syn_ack);

}  // namespace portclass
