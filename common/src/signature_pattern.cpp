// SPDX-License-Identifier: GPL-2.0-or-later
// SignaturePattern::parse / to_string: one p0f `sig` value,
// "ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass" (p0f's README,
// section 5), with the same limits as p0f 3.09b's tcp_register_sig().
#include <array>
#include <algorithm>
#include <charconv>
#include <optional>
#include <vector>

#include "portclass/signature_db.hpp"
#include "quoted_text.hpp"
#include "text_fields.hpp"

namespace portclass {
namespace {

// p0f keeps at most this many options per layout (config.h MAX_TCP_OPT).
constexpr std::size_t kMaxOptions = 24;

using detail::decimal;
using detail::quoted_text;
using detail::split_fields;

Error bad(std::string_view field, std::string_view value, std::string_view why) {
  return make_error(std::string(field) + " '" + quoted_text(value) + "' " + std::string(why));
}

Result<std::uint8_t> parse_version(std::string_view s) {
  if (s == "4") return std::uint8_t{4};
  if (s == "6") return std::uint8_t{6};
  if (s == "*") return std::uint8_t{0};
  return bad("IP version", s, "is not 4, 6 or *");
}

// "64", "58+6" (what p0f prints: observed TTL plus distance), "64-" (random TTLs).
std::optional<Error> parse_ttl(std::string_view s, SignaturePattern& p) {
  std::string_view base = s;
  std::uint32_t extra = 0;
  if (!s.empty() && s.back() == '-') {
    p.ttl_random = true;
    base = s.substr(0, s.size() - 1);
  } else if (const auto plus = s.find('+'); plus != std::string_view::npos) {
    base = s.substr(0, plus);
    const auto add = decimal(s.substr(plus + 1), 255);
    if (!add) return bad("initial TTL", s, "has no distance after '+' (p0f's '?': find the initial TTL)");
    extra = *add;
  }
  const auto ttl = decimal(base, 255);
  if (!ttl || *ttl == 0) return bad("initial TTL", s, "is not 1-255");
  if (*ttl + extra > 255) return bad("initial TTL", s, "adds up to more than 255");
  p.initial_ttl = static_cast<std::uint8_t>(*ttl + extra);
  return std::nullopt;
}

std::optional<Error> parse_window(std::string_view s, SignaturePattern& p) {
  using W = SignaturePattern::Window;
  if (s == "*") {
    p.window_kind = W::any;
    return std::nullopt;
  }
  if (s.starts_with('%')) {
    const auto v = decimal(s.substr(1), 65535);
    if (!v || *v < 2) return bad("window", s, "is not %2 to %65535");
    p.window_kind = W::modulo;
    p.window_value = *v;
    return std::nullopt;
  }
  if (s.starts_with("mss*") || s.starts_with("mtu*")) {
    const auto v = decimal(s.substr(4), 1000);
    if (!v || *v < 1) return bad("window", s, "multiplier is not 1-1000");
    p.window_kind = s[1] == 's' ? W::mss_multiple : W::mtu_multiple;
    p.window_value = *v;
    return std::nullopt;
  }
  const auto v = decimal(s, 65535);
  if (!v) return bad("window", s, "is not 0-65535, *, %N, mss*N or mtu*N");
  p.window_kind = W::fixed;
  p.window_value = *v;
  return std::nullopt;
}

// The option names p0f knows, "eol+N" (last) and "?N" (any other kind).
std::optional<Error> parse_layout(std::string_view s, SignaturePattern& p) {
  if (s.empty()) return std::nullopt;
  static constexpr std::array<std::string_view, 6> kNames{"nop", "mss", "ws", "sok", "sack", "ts"};
  const auto items = split_fields(s, ',');
  if (items.size() > kMaxOptions) return bad("option layout", s, "has more than 24 options");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string_view item = items[i];
    if (item.starts_with("eol+")) {
      if (!decimal(item.substr(4), 255)) return bad("option", item, "has no padding length 0-255 after eol+");
      if (i + 1 != items.size()) return bad("option layout", s, "goes on after eol (it must be last)");
    } else if (item.starts_with('?')) {
      if (!decimal(item.substr(1), 255)) return bad("option", item, "is not ?0 to ?255");
    } else if (std::find(kNames.begin(), kNames.end(), item) == kNames.end()) {
      return bad("option", item, "is unknown (eol+N, nop, mss, ws, sok, sack, ts, ?N)");
    }
  }
  // Canonical already: the same text p0f's dump_sig() prints ("?8" keeps no zeros).
  for (std::string_view item : items) {
    if (!p.layout.empty()) p.layout += ',';
    if (item.starts_with("eol+") || item.starts_with('?')) {
      const std::size_t at = item[0] == '?' ? 1 : 4;
      p.layout += item.substr(0, at);
      p.layout += std::to_string(*decimal(item.substr(at), 255));
    } else {
      p.layout += item;
    }
  }
  return std::nullopt;
}

std::optional<Error> parse_quirk_list(std::string_view s, SignaturePattern& p) {
  auto quirks = parse_quirks(s);
  if (!quirks) return make_error("quirks: " + quirks.error().message);
  // p0f refuses quirks the signature's IP version cannot have.
  constexpr std::uint32_t kIpv4Only = quirk_df | quirk_id_plus | quirk_id_minus | quirk_zero_plus;
  if (p.ip_version == 6 && (*quirks & kIpv4Only))
    return bad("quirks", s, "name an IPv4-only quirk (df, id+, id-, 0+) in an IPv6 signature");
  if (p.ip_version == 4 && (*quirks & quirk_flow))
    return bad("quirks", s, "name 'flow' (IPv6 only) in an IPv4 signature");
  p.quirks = *quirks;
  return std::nullopt;
}

}  // namespace

Result<SignaturePattern> SignaturePattern::parse(std::string_view text) {
  const auto fields = split_fields(text, ':');
  if (fields.size() != 8)
    return make_error("signature '" + quoted_text(text) + "' has " + std::to_string(fields.size()) +
                      " fields, not 8 (ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass)");
  SignaturePattern p;
  auto version = parse_version(fields[0]);
  if (!version) return version.error();
  p.ip_version = *version;
  if (auto e = parse_ttl(fields[1], p)) return *e;

  const auto olen = decimal(fields[2], 255);
  if (!olen) return bad("IP options length", fields[2], "is not 0-255");
  p.ip_options_length = static_cast<std::uint8_t>(*olen);

  if (fields[3] != "*") {
    const auto mss = decimal(fields[3], 65535);
    if (!mss) return bad("MSS", fields[3], "is not 0-65535 or *");
    p.mss = static_cast<std::uint16_t>(*mss);
  }

  const auto window = split_fields(fields[4], ',');
  if (window.size() != 2) return bad("window and scale", fields[4], "is not 'wsize,scale'");
  if (auto e = parse_window(window[0], p)) return *e;
  if (window[1] != "*") {
    const auto scale = decimal(window[1], 255);
    if (!scale) return bad("window scale", window[1], "is not 0-255 or *");
    p.window_scale = static_cast<std::uint8_t>(*scale);
  }

  if (auto e = parse_layout(fields[5], p)) return *e;
  if (auto e = parse_quirk_list(fields[6], p)) return *e;

  if (fields[7] != "*" && fields[7] != "0" && fields[7] != "+")
    return bad("payload class", fields[7], "is not 0, + or *");
  p.payload_class = fields[7][0];
  return p;
}

std::string SignaturePattern::to_string() const {
  using W = Window;
  std::string out = ip_version ? std::to_string(ip_version) : std::string("*");
  out += ':' + std::to_string(initial_ttl) + (ttl_random ? "-" : "") + ':' + std::to_string(ip_options_length) + ':';
  out += mss ? std::to_string(*mss) : std::string("*");
  out += ':';
  switch (window_kind) {
    case W::any: out += '*'; break;
    case W::fixed: out += std::to_string(window_value); break;
    case W::modulo: out += '%' + std::to_string(window_value); break;
    case W::mss_multiple: out += "mss*" + std::to_string(window_value); break;
    case W::mtu_multiple: out += "mtu*" + std::to_string(window_value); break;
  }
  out += ',';
  out += window_scale ? std::to_string(*window_scale) : std::string("*");
  out += ':' + layout + ':' + quirks_to_string(quirks) + ':' + payload_class;
  return out;
}

}  // namespace portclass
