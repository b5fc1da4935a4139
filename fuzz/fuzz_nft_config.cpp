// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: the TOML config of portclass-nft (nft/config.hpp), then
// everything a config becomes before it reaches the kernel: the policy
// (build_ruleset), the nft script, the libnftables JSON and the netlink
// batch (built in memory, no socket: batch_bytes).
//
// Inputs with a `profiles` key are skipped: that key names a file to read,
// and a fuzzer must not read arbitrary files of the machine (the profile
// format itself is fuzz_os_profile's job). Host mode with no range means
// "read the live range from the kernel": here a fixed range stands in.
//
// Asserts, beyond "no crash":
//  - parse_config ok => the table is an identifier, the comment is comment
//    text, every named range, subnet range and host range is non-empty;
//  - build_ruleset ok => validate() accepts the ruleset, it names the
//    config's table, and building again gives the same script (determinism);
//  - the script never names another table and nothing from the config can
//    break out of its quotes: braces balance outside quoted strings, no
//    quoted string spans a line, every `table` is `table inet <the table>`;
//  - the JSON form names only that table and survives dump/parse;
//  - the netlink batch builds (non-empty).
#include <toml++/toml.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "fuzz_support.hpp"
#include "portclass/nft/config.hpp"
#include "portclass/nft/kernel.hpp"
#include "portclass/nft/model.hpp"
#include "portclass/nft/names.hpp"
#include "portclass/nft/policy.hpp"
#include "portclass/nft/render.hpp"

namespace {

using namespace portclass;
using namespace portclass::nft;

bool names_a_file(std::string_view text) {
  try {
    return toml::parse(text).contains("profiles");
  } catch (const toml::parse_error&) {
    return false;  // parse_config refuses it before reading any file
  }
}

void check_config(const Config& c) {
  FUZZ_CHECK(is_identifier(c.table), "the table name is an identifier");
  FUZZ_CHECK(c.comment.empty() || is_comment_text(c.comment), "the comment is comment text");
  for (const auto& [name, ports] : c.named_ranges) {
    FUZZ_CHECK(is_identifier(name), "a range name is an identifier");
    FUZZ_CHECK(!ports.empty(), "a named range is not empty");
  }
  for (const Subnet& s : c.subnets) FUZZ_CHECK(!s.range().ports.empty(), "a subnet range is not empty");
  if (c.host_range) FUZZ_CHECK(!c.host_range->ports.empty(), "the host range is not empty");
}

// The script's structure outside quoted strings: what nft will parse.
void check_script(const std::string& script, const std::string& table) {
  std::string bare;  // the script with quoted text blanked and comment lines dropped
  bool quoted = false, comment_line = false, line_start = true;
  int depth = 0;
  for (char ch : script) {
    if (line_start) comment_line = !quoted && ch == '#';
    line_start = ch == '\n';
    if (comment_line) {
      if (ch == '\n') bare += '\n';
      continue;
    }
    if (ch == '"') {
      quoted = !quoted;
      bare += ' ';
      continue;
    }
    if (quoted) {
      FUZZ_CHECK(ch != '\n', "a quoted string never spans lines");
      bare += ' ';
      continue;
    }
    if (ch == '{') ++depth;
    if (ch == '}') FUZZ_CHECK(--depth >= 0, "braces balance");
    bare += ch;
  }
  FUZZ_CHECK(!quoted && depth == 0, "quotes close and braces balance");
  // Token by token: the keyword `table` is always followed by `inet <table>`.
  std::istringstream words(bare);
  std::string word, family, name;
  while (words >> word) {
    if (word != "table") continue;
    FUZZ_CHECK(words >> family >> name, "a table keyword names a table");
    FUZZ_CHECK(family == "inet" && name == table, "every table is the config's table");
  }
}

void check_json_tables(const nlohmann::ordered_json& j, const std::string& table) {
  if (j.is_object()) {
    if (auto it = j.find("table"); it != j.end()) {
      if (it->is_string()) FUZZ_CHECK(*it == table, "JSON names only the config's table");
      if (it->is_object()) FUZZ_CHECK(it->value("name", "") == table, "JSON names only the config's table");
    }
  }
  if (j.is_structured())
    for (const auto& item : j) check_json_tables(item, table);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  if (names_a_file(text)) return 0;
  auto config = parse_config(text, "fuzz.toml", OsProfileDb::builtin());
  if (!config) {
    const std::string& m = config.error().message;
    fuzz::check_error(config.error());
    FUZZ_CHECK(m.rfind("fuzz.toml", 0) == 0, "an error starts with the file name");
    return 0;
  }
  Config c = *config;
  check_config(c);
  if (c.mode == Mode::host && !c.host_range)
    c.host_range = RangeSpec{"", PortSet{{32768, 60999}}, "stand-in live range"};

  auto ruleset = build_ruleset(c);
  if (!ruleset) {
    fuzz::check_error(ruleset.error());
    return 0;
  }
  FUZZ_CHECK(validate(*ruleset).ok(), "build_ruleset returns a valid ruleset");
  FUZZ_CHECK(ruleset->table == c.table, "the ruleset is the config's table");
  const std::string script = render_script(*ruleset, "fuzz");
  check_script(script, c.table);
  auto again = build_ruleset(c);
  FUZZ_CHECK(again && render_script(*again, "fuzz") == script, "equal configs give equal rulesets");

  const nlohmann::ordered_json j = render_json(*ruleset);
  check_json_tables(j, c.table);
  FUZZ_CHECK(nlohmann::ordered_json::parse(j.dump()) == j, "the JSON form survives dump and parse");
  FUZZ_CHECK(batch_bytes(*ruleset) > 0, "the netlink batch builds");
  return 0;
}
