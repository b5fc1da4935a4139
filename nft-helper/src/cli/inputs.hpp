// SPDX-License-Identifier: GPL-2.0-or-later
// The options shared by generate, check and apply (what to protect), and the
// one function that turns them into a Ruleset.
#pragma once

#include <optional>
#include <variant>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "portclass/exit_code.hpp"
#include "portclass/nft/config.hpp"
#include "portclass/nft/model.hpp"
#include "portclass/nft/profile_import.hpp"
#include "portclass/signature_options.hpp"

namespace portclass::nft::cli {

struct Inputs {
  std::string config;
  std::string profiles;
  std::string from_profile;
  std::vector<std::string> profile_subnets;
  SignatureOptions signatures;  // --p0f-db, --signatures: for hosts without a stored verdict
  Overrides overrides;
  std::string netns;
};

void add_input_options(CLI::App& app, Inputs& in);
void add_netns_option(CLI::App& app, std::string& netns);

// A failure with the exit code it deserves.
struct Failure {
  ExitCode code;
  std::string message;
};

// Builds the ruleset. Host mode with no range reads the live range of the
// calling thread's namespace (enter it first). Notes go to `notes`.
std::variant<Ruleset, Failure> make_ruleset(const Inputs& in, std::vector<std::string>& notes);

// The hosts of the --from-profile document and the range each gets, for
// --explain-ranges (with the OS profiles of --profiles, as make_ruleset).
std::variant<ProfileImport, Failure> import_from_profile(const Inputs& in);

}  // namespace portclass::nft::cli
