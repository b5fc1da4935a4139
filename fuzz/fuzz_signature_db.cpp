// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: TCP signature files in p0f's syntax (signature_db.hpp),
// i.e. `portclass profile --signatures FILE` and --p0f-db FILE, which
// SignatureDb::load_file reads and hands to load_text, as this does; and one
// `sig` value alone (SignaturePattern::parse).
//
// Asserts, beyond "no crash":
//  - an error is one printable line naming "fuzz.fp:" and its line, and the
//    database it was loaded into is unchanged (same size, same answers);
//  - a loaded file: the count returned is what was added, every label names
//    a real OS profile or none, and with sources required every label with
//    signatures has one;
//  - parse(to_string()) of a parsed sig gives it back;
//  - a packet built to fit a parsed sig matches exactly or generically,
//    never fuzzily and never not at all (the sig itself fits it exactly), and
//    the match points into the database.
#include <string>

#include "fuzz_support.hpp"
#include "portclass/os_profile.hpp"
#include "portclass/signature_db.hpp"

namespace {

using namespace portclass;

TcpSignature linux_syn() {
  TcpSignature s;
  s.ttl = 57;
  s.mss = 1460;
  s.window = 64240;
  s.window_scale = 7;
  s.layout = "mss,sok,ts,nop,ws";
  s.quirks = quirk_df | quirk_id_plus;
  return s;
}

// A packet the pattern matches exactly, when one can be built.
std::optional<TcpSignature> fitting(const SignaturePattern& p, bool syn_ack) {
  using W = SignaturePattern::Window;
  TcpSignature s;
  s.syn_ack = syn_ack;
  s.ip_version = p.ip_version ? p.ip_version : 4;
  s.ttl = p.initial_ttl;
  s.ip_options_length = p.ip_options_length;
  const std::uint32_t mss = p.mss.value_or(1460);
  if (mss > 0) s.mss = static_cast<std::uint16_t>(mss);
  std::uint32_t window = 0;
  switch (p.window_kind) {
    case W::any: window = 1; break;
    case W::fixed: window = p.window_value; break;
    case W::modulo: window = p.window_value; break;
    // The multiple is only found as p0f finds it: skip what another divisor would claim.
    case W::mss_multiple:
      if (mss < 100) return std::nullopt;
      window = p.window_value * mss;
      break;
    case W::mtu_multiple: return std::nullopt;
  }
  if (window > 65535) return std::nullopt;
  s.window = static_cast<std::uint16_t>(window);
  if (p.window_scale.value_or(0) > 0) s.window_scale = p.window_scale;
  s.layout = p.layout;
  s.quirks = p.quirks;
  if (p.ip_version == 0) s.quirks &= ~std::uint32_t{quirk_flow};
  s.payload = p.payload_class == '+';
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);

  // One sig value.
  if (auto p = SignaturePattern::parse(text)) {
    const auto again = SignaturePattern::parse(p->to_string());
    FUZZ_CHECK(again.ok() && *again == *p, "parse(to_string()) gives the pattern back");
  } else {
    fuzz::check_error(p.error());
  }

  // A whole file, into an empty database and into one holding the built-in signatures.
  static const SignatureDb builtin = SignatureDb::builtin();
  const auto before = builtin.match(linux_syn());
  for (const bool require_sources : {false, true}) {
    SignatureDb db = builtin;
    auto loaded = db.load_text(text, "fuzz.fp", require_sources);
    if (!loaded) {
      fuzz::check_error(loaded.error());
      FUZZ_CHECK(loaded.error().message.starts_with("fuzz.fp:"), "an error names the file and line");
      FUZZ_CHECK(
          db.size() == builtin.size() && db.labels().size() == builtin.labels().size() && db.origins().size() == 1,
          "a bad file leaves the database unchanged");
      const auto after = db.match(linux_syn());
      FUZZ_CHECK(after.has_value() == before.has_value() &&
                     (!after || (after->line == before->line && after->kind == before->kind)),
                 "a bad file changes no answer");
      continue;
    }
    FUZZ_CHECK(db.size() == builtin.size() + *loaded, "the count is what was added");
    FUZZ_CHECK(db.origins().back() == "fuzz.fp", "the file is the last origin");
    for (std::size_t i = builtin.labels().size(); i < db.labels().size(); ++i) {
      const SignatureLabel& l = db.labels()[i];
      FUZZ_CHECK(l.profile_id.empty() || OsProfileDb::builtin().find(l.profile_id) != nullptr,
                 "a label names a real OS profile or none");
      FUZZ_CHECK(l.origin == "fuzz.fp", "a label knows its file");
    }
    (void)db.link_for_mss(1460, 4);
    if (const auto m = db.match(linux_syn())) {
      FUZZ_CHECK(m->label && m->pattern, "a match points at its label and pattern");
      FUZZ_CHECK(SignaturePattern::parse(m->pattern->to_string()).ok(), "a matched pattern prints back");
    }
  }

  // Every sig line of a tcp section (the file loaded, so each parsed): a packet built to fit it matches.
  SignatureDb db;
  if (db.load_text(text, "fuzz.fp", false)) {
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    const auto trim = [&](std::string_view v) {
      while (!v.empty() && blank(v.front())) v.remove_prefix(1);
      while (!v.empty() && blank(v.back())) v.remove_suffix(1);
      return v;
    };
    int section = -1;  // 0: [tcp:request], 1: [tcp:response], -1: anything else
    for (std::size_t start = 0; start <= text.size();) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view line = trim(text.substr(start, end - start));
      start = end + 1;
      if (line.starts_with('[')) section = line == "[tcp:request]" ? 0 : line == "[tcp:response]" ? 1 : -1;
      if (section < 0 || !line.starts_with("sig")) continue;
      const std::string_view rest = trim(line.substr(3));
      if (!rest.starts_with('=')) continue;
      const auto p = SignaturePattern::parse(trim(rest.substr(1)));
      FUZZ_CHECK(p.ok(), "every tcp sig of a loaded file parses");
      const auto packet = fitting(*p, section == 1);
      if (!packet) continue;
      const auto m = db.match(*packet);
      FUZZ_CHECK(m.has_value(), "a packet that fits a signature matches");
      FUZZ_CHECK(m->kind != MatchKind::fuzzy, "a packet that fits a signature matches exactly");
      FUZZ_CHECK(m->label && m->pattern && m->label->origin == "fuzz.fp", "the match points into the database");
    }
  }
  return 0;
}
