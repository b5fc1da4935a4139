// SPDX-License-Identifier: GPL-2.0-or-later
// SignatureDb loading: p0f.fp syntax (p0f's README section 5, readfp.c's
// rules) plus portclass's `source` and `learned` keys, all-or-nothing per
// file; the built-in file; MTU labels.
#include <algorithm>
#include <set>

#include "builtin_data.hpp"
#include "p0f_labels.hpp"
#include "portclass/signature_db.hpp"
#include "quoted_text.hpp"
#include "portclass/text_file.hpp"

namespace portclass {
namespace {

// Label names: letters, digits and these (p0f's NAME_CHARS).
constexpr std::string_view kNameChars = " ./-_!?()";

using detail::quoted_text;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

enum class Section : std::uint8_t { none, mtu, tcp_request, tcp_response, skipped };

struct ParsedSig {
  SignaturePattern pattern;
  std::size_t label;  // index into ParsedFile::labels
  std::size_t line;
  bool syn_ack;
};

struct ParsedFile {
  std::vector<SignatureLabel> labels;
  std::vector<std::size_t> label_sigs;  // sig lines per label
  std::vector<ParsedSig> sigs;
  std::vector<std::pair<std::uint16_t, std::string>> mtus;
};

// One file, line by line; the first problem ends it.
class FileParser {
 public:
  FileParser(std::string origin, bool require_sources)
      : origin_(std::move(origin)), require_sources_(require_sources) {}

  Result<ParsedFile> run(std::string_view text) {
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      ++line_;
      if (auto e = take(trim(text.substr(start, end - start)))) return *e;
      start = end + 1;
    }
    if (auto e = close_label()) return *e;
    return std::move(out_);
  }

 private:
  Error fail(const std::string& why) const {
    return make_error(quoted_text(origin_, 4096) + ":" + std::to_string(line_) + ": " + why);
  }
  Error fail_at(std::size_t line, const std::string& why) const {
    return make_error(quoted_text(origin_, 4096) + ":" + std::to_string(line) + ": " + why);
  }

  std::optional<Error> take(std::string_view line) {
    if (line.empty() || line.front() == ';') return std::nullopt;
    if (line.front() == '[') return section(line);
    // Application sections are skipped whole: their content never reaches a verdict.
    if (section_ == Section::skipped) return std::nullopt;

    std::size_t k = 0;
    while (k < line.size() && (is_alnum(line[k]) || line[k] == '_')) ++k;
    const std::string_view key = line.substr(0, k);
    std::string_view rest = trim(line.substr(k));
    if (key.empty() || rest.empty() || rest.front() != '=')
      return fail("expected 'key = value', got '" + quoted_text(line) + "'");
    const std::string_view value = trim(rest.substr(1));

    if (key == "classes") return classes(value);
    if (key == "label") return label(value);
    if (key == "sig") return sig(value);
    if (key == "sys" || key == "source" || key == "learned") return label_detail(key, value);
    if (key == "ua_os") return fail("'ua_os' outside [http:request]");
    return fail("unknown key '" + quoted_text(key) + "' (classes, label, sys, sig, source, learned)");
  }

  std::optional<Error> section(std::string_view line) {
    if (auto e = close_label()) return e;
    if (line == "[mtu]")
      section_ = Section::mtu;
    else if (line == "[tcp:request]")
      section_ = Section::tcp_request;
    else if (line == "[tcp:response]")
      section_ = Section::tcp_response;
    else if (line == "[http:request]" || line == "[http:response]")
      section_ = Section::skipped;
    else
      return fail("unknown section '" + quoted_text(line) +
                  "' ([mtu], [tcp:request], [tcp:response], [http:request], [http:response])");
    seen_section_ = true;
    return std::nullopt;
  }

  std::optional<Error> classes(std::string_view value) {
    if (seen_section_) return fail("'classes' after the first section (p0f wants it first)");
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t end = value.find(',', start);
      if (end == std::string_view::npos) end = value.size();
      const std::string_view name = trim(value.substr(start, end - start));
      if (name.empty() || !std::all_of(name.begin(), name.end(), is_alnum))
        return fail("class '" + quoted_text(name) + "' is not letters and digits");
      classes_.insert(std::string(name));
      start = end + 1;
    }
    return std::nullopt;
  }

  std::optional<Error> label(std::string_view value) {
    if (auto e = close_label()) return e;
    if (section_ == Section::none) return fail("label before any section");
    if (section_ == Section::mtu) {
      if (value.empty()) return fail("empty MTU label");
      mtu_label_ = std::string(value);
      return std::nullopt;
    }
    // type:class:name:flavor; the flavor may be empty and is the rest of the line.
    const std::size_t c1 = value.find(':');
    const std::size_t c2 = c1 == std::string_view::npos ? c1 : value.find(':', c1 + 1);
    const std::size_t c3 = c2 == std::string_view::npos ? c2 : value.find(':', c2 + 1);
    if (c3 == std::string_view::npos) return fail("label '" + quoted_text(value) + "' is not type:class:name:flavor");
    const std::string_view type = value.substr(0, c1);
    const std::string_view os_class = value.substr(c1 + 1, c2 - c1 - 1);
    const std::string_view name = value.substr(c2 + 1, c3 - c2 - 1);
    if (type != "s" && type != "g") return fail("label type '" + quoted_text(type) + "' is not s or g");
    if (os_class != "!" && (os_class.empty() || !std::all_of(os_class.begin(), os_class.end(), is_alnum)))
      return fail("label class '" + quoted_text(os_class) + "' is not '!' or letters and digits");
    if (os_class != "!" && !classes_.empty() && !classes_.count(std::string(os_class)))
      return fail("label class '" + quoted_text(os_class) + "' is not in the file's 'classes' line");
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
          return is_alnum(c) || kNameChars.find(c) != std::string_view::npos;
        }))
      return fail("label name '" + quoted_text(name) + "' is empty or has characters other than letters, digits and " +
                  std::string(kNameChars));

    SignatureLabel l;
    l.generic = type == "g";
    l.os_class = std::string(os_class);
    l.name = std::string(name);
    l.flavor = std::string(value.substr(c3 + 1));
    const auto profile = detail::profile_for_label(l.generic, l.os_class, l.name, l.flavor);
    l.profile_id = profile.profile_id;
    l.era_known = profile.era_known;
    l.origin = origin_;
    l.line = line_;
    out_.labels.push_back(std::move(l));
    out_.label_sigs.push_back(0);
    open_label_ = true;
    return std::nullopt;
  }

  std::optional<Error> label_detail(std::string_view key, std::string_view value) {
    if (!open_label_) return fail("'" + std::string(key) + "' before any label");
    SignatureLabel& l = out_.labels.back();
    if (key == "sys") {
      if (value.empty()) return fail("empty 'sys'");
      return std::nullopt;  // which systems an application runs on: not needed for OS verdicts
    }
    if (key == "source") {
      if (value.empty()) return fail("empty 'source'");
      if (!l.source.empty()) return fail("a second 'source' for label '" + quoted_text(l.display()) + "'");
      l.source = std::string(value);
      return std::nullopt;
    }
    if (value != "yes" && value != "no") return fail("'learned' is '" + quoted_text(value) + "', not yes or no");
    l.learned = value == "yes";
    return std::nullopt;
  }

  std::optional<Error> sig(std::string_view value) {
    if (section_ == Section::none) return fail("sig before any section");
    if (section_ == Section::mtu) {
      if (mtu_label_.empty()) return fail("MTU sig before any label");
      std::uint32_t mtu = 0;
      if (value.empty() || value.size() > 5 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return fail("MTU '" + quoted_text(value) + "' is not 1-65535");
      for (char c : value) mtu = mtu * 10 + static_cast<std::uint32_t>(c - '0');
      if (mtu == 0 || mtu > 65535) return fail("MTU '" + quoted_text(value) + "' is not 1-65535");
      out_.mtus.emplace_back(static_cast<std::uint16_t>(mtu), mtu_label_);
      return std::nullopt;
    }
    if (!open_label_) return fail("sig before any label");
    auto pattern = SignaturePattern::parse(value);
    if (!pattern) return fail(pattern.error().message);
    out_.sigs.push_back(
        ParsedSig{std::move(pattern).value(), out_.labels.size() - 1, line_, section_ == Section::tcp_response});
    ++out_.label_sigs.back();
    return std::nullopt;
  }

  // A label's group ends at the next label, section or the end of the file.
  std::optional<Error> close_label() {
    if (!open_label_) return std::nullopt;
    open_label_ = false;
    const SignatureLabel& l = out_.labels.back();
    if (require_sources_ && out_.label_sigs.back() > 0 && l.source.empty())
      return fail_at(l.line, "label '" + quoted_text(l.display()) +
                                 "' has no 'source = ...' (required outside p0f's own database)");
    return std::nullopt;
  }

  std::string origin_;
  bool require_sources_;
  std::size_t line_ = 0;
  Section section_ = Section::none;
  bool seen_section_ = false;
  bool open_label_ = false;
  std::string mtu_label_;
  std::set<std::string> classes_;
  ParsedFile out_;
};

}  // namespace

std::string SignatureLabel::display() const { return flavor.empty() ? name : name + " " + flavor; }

SignatureDb SignatureDb::builtin() {
  SignatureDb db;
  // The file is part of the build and tested; a failure here is a bug.
  (void)db.load_builtin().value();
  return db;
}

Result<std::size_t> SignatureDb::load_builtin() { return load_text(data::tcp_signatures_fp(), "builtin", true); }

Result<std::size_t> SignatureDb::load_file(const std::filesystem::path& path, bool require_sources) {
  auto text = read_text_file(path, "signature file");
  if (!text) return text.error();
  return load_text(*text, path.string(), require_sources);
}

Result<std::size_t> SignatureDb::load_text(std::string_view text, std::string origin, bool require_sources) {
  auto parsed = FileParser(origin, require_sources).run(text);
  if (!parsed) return parsed.error();
  // Nothing above touched the database: a bad file leaves it as it was.
  const std::size_t label_base = labels_.size();
  const std::size_t origin_index = origins_.size();
  for (auto& l : parsed->labels) labels_.push_back(std::move(l));
  for (auto& s : parsed->sigs)
    entries_.push_back(Entry{std::move(s.pattern), label_base + s.label, origin_index, s.line, s.syn_ack});
  // Later files first, as for signatures.
  mtus_.insert(mtus_.begin(), parsed->mtus.begin(), parsed->mtus.end());
  origins_.push_back(std::move(origin));
  reindex();
  return parsed->sigs.size();
}

std::string SignatureDb::link_for_mss(std::uint16_t mss, std::uint8_t ip_version) const {
  const std::uint32_t mtu = mtu_for_mss(mss, ip_version);
  for (const auto& [value, name] : mtus_)
    if (value == mtu) return name;
  return {};
}

std::size_t SignatureDb::size(bool syn_ack) const noexcept {
  return static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.syn_ack == syn_ack; }));
}

}  // namespace portclass
