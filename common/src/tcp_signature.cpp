// SPDX-License-Identifier: GPL-2.0-or-later
// The text forms of TcpSignature (portclass/tcp_signature.hpp): p0f's quirk
// names, the canonical key and its parser, p0f's raw_sig and the old letters.
#include "portclass/tcp_signature.hpp"

#include <array>
#include <charconv>
#include <vector>

#include "quoted_text.hpp"
#include "text_fields.hpp"

namespace portclass {
namespace {

using detail::decimal;
using detail::quoted_text;
using detail::split_fields;

// p0f's names, in the order p0f prints them (fp_tcp.c's dump_sig); the bit
// of each is its index, as in the Quirk enum.
constexpr std::array<std::string_view, 17> kQuirkNames{"df",   "id+",  "id-",  "ecn",   "0+",    "flow",
                                                       "seq-", "ack+", "ack-", "uptr+", "urgf+", "pushf+",
                                                       "ts1-", "ts2+", "opt+", "exws",  "bad"};

// p0f's dump_sig guesses a distance only up to this many hops (config.h MAX_DIST).
constexpr unsigned kMaxDistance = 35;
// p0f-sendsyn's MSS: a SYN+ACK echoing it prints '*' (the MSS is the prober's).
constexpr std::uint16_t kSendsynMss = 1331;
// IPv4 + TCP and IPv6 + TCP headers without options (p0f's MIN_TCP4 / MIN_TCP6).
constexpr unsigned kMinTcp4 = 40;
constexpr unsigned kMinTcp6 = 60;

// Text quoted in an error message stays on one printable line.
// One olayout item; "" when it is not one. Its size in bytes on the wire
// when that follows from the name (options of the standard length), for
// p0f's "MTU = MSS + actual header size" window test.
struct LayoutItem {
  std::string_view letter;  // the old letter form
  unsigned bytes = 0;
  bool last = false;  // eol+N ends the list
};
std::optional<LayoutItem> layout_item(std::string_view item) {
  if (item == "mss") return LayoutItem{"M", 4};
  if (item == "nop") return LayoutItem{"N", 1};
  if (item == "ws") return LayoutItem{"W", 3};
  if (item == "sok") return LayoutItem{"S", 2};
  if (item == "ts") return LayoutItem{"T", 10};
  // A SACK block list has no fixed size; the smallest one is 10 bytes.
  if (item == "sack") return LayoutItem{"?5", 10};
  if (item.starts_with("eol+")) {
    if (auto pad = decimal(item.substr(4), 39)) return LayoutItem{"E", 1 + *pad, true};
    return std::nullopt;
  }
  // An unknown option has at least a kind and a length byte.
  if (item.starts_with("?") && decimal(item.substr(1), 255)) return LayoutItem{"", 2};
  return std::nullopt;
}

// The TCP header length the layout implies (20 + options, in 4-byte words).
unsigned tcp_header_length(std::string_view layout) {
  if (layout.empty()) return 20;
  unsigned bytes = 0;
  for (std::string_view item : split_fields(layout, ','))
    if (auto it = layout_item(item)) bytes += it->bytes;
  return 20 + (bytes + 3) / 4 * 4;
}

struct WindowMultiple {
  bool mtu = false;
  unsigned factor = 0;  // 0: none
};

// p0f 3.09b's detect_win_multi(): is the window a multiple of the MSS, of
// the MSS less 12 (timestamps), of Ethernet's MSS, or of an MTU? The checks
// go in p0f's order, first hit wins. The last of them (a multiple of the
// peer's MSS, on a SYN+ACK) needs the SYN and is not made here.
WindowMultiple window_multiple(const TcpSignature& s) {
  const unsigned win = s.window;
  const unsigned mss = s.mss.value_or(0);
  if (win == 0 || mss < 100) return {};
  const auto divides = [win](unsigned d) { return d != 0 && win % d == 0; };
  const auto hit = [win](unsigned d, bool mtu) { return WindowMultiple{mtu, win / d}; };
  const bool v6 = s.ip_version == 6;
  if (divides(mss)) return hit(mss, false);
  if (s.timestamp.value_or(0) != 0 && divides(mss - 12)) return hit(mss - 12, false);
  if (divides(1500 - kMinTcp4)) return hit(1500 - kMinTcp4, false);
  if (divides(1500 - kMinTcp4 - 12)) return hit(1500 - kMinTcp4 - 12, false);
  if (v6 && divides(1500 - kMinTcp6)) return hit(1500 - kMinTcp6, false);
  if (v6 && divides(1500 - kMinTcp6 - 12)) return hit(1500 - kMinTcp6 - 12, false);
  if (divides(mss + kMinTcp4)) return hit(mss + kMinTcp4, true);
  const unsigned headers = (v6 ? 40u : 20u + s.ip_options_length) + tcp_header_length(s.layout);
  if (divides(mss + headers)) return hit(mss + headers, true);
  if (v6 && divides(mss + kMinTcp6)) return hit(mss + kMinTcp6, true);
  if (divides(1500)) return hit(1500, true);
  return {};
}

// What both text forms end with: "wsize,scale:olayout:quirks:pclass".
void append_tail(std::string& out, const TcpSignature& s, std::string_view window) {
  out += window;
  out += ',';
  out += std::to_string(s.window_scale.value_or(0));
  out += ':';
  out += s.layout;
  out += ':';
  out += quirks_to_string(s.quirks);
  out += s.payload ? ":+" : ":0";
}

Error key_error(std::string_view key, const std::string& what) {
  return make_error("signature '" + quoted_text(key) + "': " + what);
}

}  // namespace

std::string quirks_to_string(std::uint32_t quirks) {
  std::string out;
  for (std::size_t i = 0; i < kQuirkNames.size(); ++i) {
    if ((quirks & (1u << i)) == 0) continue;
    if (!out.empty()) out += ',';
    out += kQuirkNames[i];
  }
  return out;
}

Result<std::uint32_t> parse_quirks(std::string_view text) {
  std::uint32_t quirks = 0;
  if (text.empty()) return quirks;
  for (std::string_view name : split_fields(text, ',')) {
    std::size_t i = 0;
    while (i < kQuirkNames.size() && kQuirkNames[i] != name) ++i;
    if (i == kQuirkNames.size())
      return make_error(name.empty() ? "empty quirk in '" + quoted_text(text) + "'"
                                     : "unknown quirk '" + quoted_text(name) + "'");
    quirks |= 1u << i;
  }
  return quirks;
}

std::uint8_t initial_ttl_class(std::uint8_t observed) noexcept {
  if (observed == 0) return 0;
  if (observed <= 32) return 32;
  if (observed <= 64) return 64;
  if (observed <= 128) return 128;
  return 255;
}

std::uint8_t TcpSignature::initial_ttl() const noexcept {
  // A packet on the wire with TTL 0 still had an initial TTL: p0f takes 32.
  return ttl == 0 ? 32 : initial_ttl_class(ttl);
}

std::string TcpSignature::key() const {
  std::string out = std::to_string(ip_version) + ':' + std::to_string(initial_ttl()) + ':' +
                    std::to_string(ip_options_length) + ':' + std::to_string(mss.value_or(0)) + ':';
  append_tail(out, *this, std::to_string(window));
  return out;
}

std::string TcpSignature::to_p0f() const {
  const unsigned distance = initial_ttl() - ttl;
  std::string out = std::to_string(ip_version) + ':' + std::to_string(ttl) + '+' +
                    (distance > kMaxDistance ? std::string("?") : std::to_string(distance)) + ':' +
                    std::to_string(ip_options_length) + ':';
  out += syn_ack && mss == kSendsynMss ? std::string("*") : std::to_string(mss.value_or(0));
  out += ':';
  const WindowMultiple m = window_multiple(*this);
  append_tail(out, *this,
              m.factor ? std::string(m.mtu ? "mtu*" : "mss*") + std::to_string(m.factor) : std::to_string(window));
  return out;
}

std::string TcpSignature::letters() const {
  std::string out;
  if (layout.empty()) return out;
  for (std::string_view item : split_fields(layout, ',')) {
    if (!out.empty()) out += ',';
    const auto it = layout_item(item);
    if (it && !it->letter.empty())
      out += it->letter;
    else
      out += item;  // "?30" is its own letter form
  }
  return out;
}

Result<TcpSignature> parse_signature_key(std::string_view key, bool syn_ack) {
  // ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass
  const std::vector<std::string_view> f = split_fields(key, ':');
  if (f.size() != 8) return key_error(key, "expected 8 fields separated by ':', got " + std::to_string(f.size()));
  TcpSignature s;
  s.syn_ack = syn_ack;
  if (f[0] != "4" && f[0] != "6") return key_error(key, "IP version must be 4 or 6");
  s.ip_version = f[0] == "4" ? 4 : 6;
  const auto ttl = decimal(f[1], 255);
  if (!ttl || *ttl == 0) return key_error(key, "initial TTL must be a number 1-255");
  s.ttl = static_cast<std::uint8_t>(*ttl);
  const auto olen = decimal(f[2], s.ip_version == 4 ? 40 : 0);
  if (!olen)
    return key_error(key, s.ip_version == 4 ? "IP options length must be 0-40" : "IPv6 options length must be 0");
  s.ip_options_length = static_cast<std::uint8_t>(*olen);
  const auto mss = decimal(f[3], 65535);
  if (!mss) return key_error(key, "MSS must be a number 0-65535");
  const std::size_t comma = f[4].find(',');
  if (comma == std::string_view::npos) return key_error(key, "window field must be 'size,scale'");
  const auto window = decimal(f[4].substr(0, comma), 65535);
  const auto scale = decimal(f[4].substr(comma + 1), 255);
  if (!window) return key_error(key, "window size must be a number 0-65535");
  if (!scale) return key_error(key, "window scale must be a number 0-255");
  s.window = static_cast<std::uint16_t>(*window);

  bool has_mss = false, has_ws = false;
  if (!f[5].empty()) {
    const auto items = split_fields(f[5], ',');
    for (std::size_t i = 0; i < items.size(); ++i) {
      const auto it = layout_item(items[i]);
      if (!it) return key_error(key, "unknown option '" + quoted_text(items[i]) + "' in the layout");
      if (it->last && i + 1 != items.size()) return key_error(key, "options after eol+N in the layout");
      has_mss = has_mss || items[i] == "mss";
      has_ws = has_ws || items[i] == "ws";
    }
  }
  s.layout = std::string(f[5]);
  // The layout says whether the options are there; the numbers say their value.
  if (has_mss)
    s.mss = static_cast<std::uint16_t>(*mss);
  else if (*mss != 0)
    return key_error(key, "MSS " + std::to_string(*mss) + " without an mss option");
  if (has_ws)
    s.window_scale = static_cast<std::uint8_t>(*scale);
  else if (*scale != 0)
    return key_error(key, "window scale " + std::to_string(*scale) + " without a ws option");

  auto quirks = parse_quirks(f[6]);
  if (!quirks) return key_error(key, quirks.error().message);
  s.quirks = *quirks;
  if (f[7] != "0" && f[7] != "+") return key_error(key, "payload class must be 0 or +");
  s.payload = f[7] == "+";
  return s;
}

}  // namespace portclass
