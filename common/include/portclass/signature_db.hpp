// SPDX-License-Identifier: GPL-2.0-or-later
// SignatureDb: TCP SYN / SYN+ACK signatures in p0f 3's `sig` syntax and
// p0f's matching rules, from p0f's own database (/etc/p0f/p0f.fp, read at run
// time when installed, never copied into the repository), from portclass's
// compiled-in file (common/data/tcp-signatures.fp: what p0f's 2014 database
// lacks, every signature with its source) and from user files.
//
// Contract:
//  - Only the [tcp:request] (SYN) and [tcp:response] (SYN+ACK) sections are
//    used; [mtu] labels are kept for the MTU an MSS implies; [http:*] sections
//    are skipped on purpose (application content never feeds the OS verdict).
//  - The file syntax is p0f's (README section 5) plus two portclass keys
//    after a label: `source = ...` (where the signatures come from; required
//    in portclass's and users' files) and `learned = yes|no` (learned from the
//    development set of real captures).
//  - load errors name file, line and problem in one printable line; nothing
//    of a bad file is kept (the database is unchanged).
//  - match() follows p0f 3.09b's fp_tcp.c (tcp_find_match): the first
//    specific ('s') exact match, else the first generic ('g') exact match,
//    else the first fuzzy one (TTL above the signature's or more than 35 hops
//    below it; df / id+ gone, id- / ecn added), never a fuzzy match of a
//    userland tool (class '!'), and reports which kind it was. A signature
//    for both IP versions ('*') ignores the quirks of the other version. One
//    deliberate difference: a signature for one IP version ('4' or '6') only
//    matches that version (p0f's matcher never compares the version, so an
//    IPv6 SYN could take an IPv4-only signature).
//  - Files loaded later take precedence: among matches of the same kind, one
//    from a later file wins (user files over the built-in signatures over
//    p0f's, in the order signature_options.hpp loads them).
//  - Every label maps to one portclass OS-profile id (os-profiles.toml) or to
//    none (application signatures, class '!'; systems portclass has no
//    profile for); era_known says whether the label pins that profile or only
//    its family (p0f's "Windows NT kernel": windows or windows-xp).
//  - match() is const and touches no shared state: one database may serve
//    many threads.
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "portclass/result.hpp"
#include "portclass/tcp_signature.hpp"

namespace portclass {

struct SignatureLabel {
  bool generic = false;    // p0f type 'g'
  std::string os_class;    // "win", "unix", "!", ...
  std::string name;        // "Linux", "Windows", "Mac OS X"
  std::string flavor;      // "3.11 and newer", "7 or 8"
  std::string profile_id;  // portclass OS-profile id ("linux", "windows-xp", ...), empty when none
  // False when the label names the OS family but not which of its profiles:
  // p0f's "Windows NT kernel" (windows or windows-xp), Linux "3.11 and newer"
  // (3.11-4.1 used linux-2.6.23's range). profile_id is then the family's
  // current profile. A Linux label never rules out Android (the same stack).
  bool era_known = true;
  std::string origin;           // "builtin", or the file's path (p0f's database included)
  std::size_t line = 0;         // of the label line in its file
  std::string source;           // where the signatures come from (builtin/user: required)
  bool learned = false;         // learned from the development set of real captures
  std::string display() const;  // "Linux 3.11 and newer"
};

// One `sig` line, wildcards and all.
struct SignaturePattern {
  enum class Window : std::uint8_t { any, fixed, mss_multiple, mtu_multiple, modulo };
  std::uint8_t ip_version = 0;   // 0 = '*'
  std::uint8_t initial_ttl = 0;  // "58+6" is kept as 64
  bool ttl_random = false;       // "64-": userspace tools with random TTLs
  std::uint8_t ip_options_length = 0;
  std::optional<std::uint16_t> mss;  // nullopt = '*'
  Window window_kind = Window::any;
  std::uint32_t window_value = 0;            // the window, the multiplier or the divisor
  std::optional<std::uint8_t> window_scale;  // nullopt = '*'
  std::string layout;                        // p0f's olayout, canonical ("mss,nop,ws,sok,ts")
  std::uint32_t quirks = 0;                  // Quirk bits
  char payload_class = '*';                  // '0', '+', '*'

  // Errors name the field and the problem in one line ("window scale 300
  // above 255"); the caller adds file and line.
  static Result<SignaturePattern> parse(std::string_view text);
  // The canonical text: parse(to_string()) gives back an equal pattern.
  std::string to_string() const;

  friend bool operator==(const SignaturePattern&, const SignaturePattern&) = default;
};

enum class MatchKind : std::uint8_t { exact, generic, fuzzy };
std::string_view to_string(MatchKind k) noexcept;  // "exact", "generic", "fuzzy"

struct SignatureMatch {
  const SignatureLabel* label = nullptr;      // owned by the SignatureDb
  const SignaturePattern* pattern = nullptr;  // the sig line that matched, ditto
  std::size_t line = 0;                       // of that sig line
  MatchKind kind = MatchKind::exact;
  std::uint8_t ttl_distance = 0;  // hops between initial and observed TTL
};

// NOLINTNEXTLINE(bugprone-reserved-identifier): __i0 is the index clang synthesizes to copy an array member
class SignatureDb {
 public:
  // The compiled-in signatures only.
  static SignatureDb builtin();
  // Debian's p0f package puts its database here.
  static constexpr std::string_view kDefaultP0fPath = "/etc/p0f/p0f.fp";

  // Adds the tcp signatures and MTUs of a p0f-syntax file; returns how many
  // sig lines were added. require_sources: every label needs `source =`
  // (portclass's file and users' files; p0f's database has none).
  Result<std::size_t> load_file(const std::filesystem::path& path, bool require_sources);
  // The same for text in memory; origin names it in errors and labels.
  Result<std::size_t> load_text(std::string_view text, std::string origin, bool require_sources);
  // The compiled-in file (origin "builtin").
  Result<std::size_t> load_builtin();

  // p0f's matching; nullopt when nothing matches. peer_mss: for a SYN+ACK,
  // the MSS of the SYN it answers, when known (p0f's last window test).
  std::optional<SignatureMatch> match(const TcpSignature& signature,
                                      std::optional<std::uint16_t> peer_mss = std::nullopt) const;

  // The MTU an MSS implies: the MSS plus minimal IP and TCP headers (p0f's
  // fingerprint_mtu()).
  static std::uint32_t mtu_for_mss(std::uint16_t mss, std::uint8_t ip_version) noexcept {
    return std::uint32_t{mss} + (ip_version == 6 ? 60u : 40u);
  }
  // p0f's [mtu] label for that MTU ("DSL", "IPSec or GRE"), empty when that
  // MTU is not listed.
  std::string link_for_mss(std::uint16_t mss, std::uint8_t ip_version) const;

  std::size_t size(bool syn_ack) const noexcept;
  std::size_t size() const noexcept { return entries_.size(); }
  // Every loaded file (or "builtin"), in load order.
  const std::vector<std::string>& origins() const noexcept { return origins_; }
  const std::deque<SignatureLabel>& labels() const noexcept { return labels_; }

 private:
  struct Entry {
    SignaturePattern pattern;
    std::size_t label;   // index into labels_
    std::size_t origin;  // index into origins_: later files match first
    std::size_t line;
    bool syn_ack;
  };
  void reindex();

  std::deque<SignatureLabel> labels_;  // deque: matches point into it across loads
  std::deque<Entry> entries_;          // in load order; deque for the same reason
  // Per direction and option layout, entry indices in matching order (later
  // files first, file order within a file): p0f's option-layout hash buckets.
  std::unordered_map<std::string, std::vector<std::size_t>> index_[2];
  std::vector<std::pair<std::uint16_t, std::string>> mtus_;
  std::vector<std::string> origins_;
};

}  // namespace portclass
