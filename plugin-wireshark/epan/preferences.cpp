// SPDX-License-Identifier: GPL-2.0-or-later
#include "preferences.hpp"

#include <epan/prefs.h>
#include <wsutil/report_message.h>

#include "registration.hpp"

namespace portclass::ws::plugin {
namespace {

// Storage Wireshark's preference code writes into.
struct PrefValues {
  const char* infer = "on";
  const char* profile_file = "";
  const char* subnets = "";
  const char* p0f_db = "";
  const char* signature_file = "";
};

PrefValues& values() {
  static PrefValues v;
  return v;
}

Result<Settings> settings_from_prefs() {
  const PrefValues& v = values();
  auto infer = parse_switch(v.infer ? v.infer : "");
  if (!infer) return make_error("portclass.infer: " + infer.error().message);
  const auto text = [](const char* s) { return std::string(s ? s : ""); };
  return Settings{infer.value(), text(v.profile_file), text(v.subnets), text(v.p0f_db), text(v.signature_file)};
}

Result<std::shared_ptr<const Config>> config_from_prefs() {
  auto settings = settings_from_prefs();
  if (!settings) return settings.error();
  return build_config(settings.value());
}

void apply() {
  try {
    auto config = config_from_prefs();
    if (!config) {
      report_failure("%s; preference rejected, portclass keeps its previous settings", config.error().message.c_str());
      return;
    }
    state().config = std::move(config).value();
    // A new capture analysis picks the configuration up; Wireshark redissects
    // (running the init routine) after preferences change.
  } catch (const std::exception& e) {
    report_failure("portclass: preferences not applied: %s", e.what());
  }
}

}  // namespace

void register_preferences(int proto) {
  module_t* module = prefs_register_protocol(proto, apply);
  PrefValues& v = values();
  // A checked string rather than a Wireshark boolean: those take any value
  // but "TRUE" as FALSE without a word (see parse_switch).
  prefs_register_string_preference(module, "infer", "Infer OS and ephemeral range per host (on/off)",
                                   "on: judge every host's OS and ephemeral port range from everything the capture "
                                   "shows about it (ports, TTL, SYN options, allocation pattern). off: only per-packet "
                                   "classification, and what portclass.subnets says.",
                                   &v.infer);
  prefs_register_filename_preference(module, "profile_file", "User OS profile file",
                                     "A TOML file of OS profiles in portclass's os-profiles.toml format; its profiles "
                                     "are added to the built-in ones and replace those with the same id.",
                                     &v.profile_file, FALSE);
  prefs_register_string_preference(
      module, "subnets", "Per-subnet overrides",
      "What you know better than inference, entries separated by ';': PREFIX os=ID and/or range=PORTS, "
      "e.g. \"10.1.0.0/16 os=windows; 10.2.0.0/16 range=20000-29999\". The longest matching prefix wins.",
      &v.subnets);
  prefs_register_string_preference(
      module, "p0f_db", "p0f signature database",
      "p0f 3's fingerprint file, whose SYN and SYN+ACK signatures inference matches (empty: /etc/p0f/p0f.fp when "
      "Debian's p0f package is installed, else only the built-in signatures; none: leave p0f's database out).",
      &v.p0f_db);
  prefs_register_filename_preference(module, "signature_file", "User TCP signature file",
                                     "TCP signatures in p0f's syntax, each label with a 'source = ...' line; they are "
                                     "matched before p0f's and the built-in ones.",
                                     &v.signature_file, FALSE);
  // The built-in configuration until preferences say otherwise.
  auto config = config_from_prefs();
  if (config) state().config = std::move(config).value();
}

}  // namespace portclass::ws::plugin
