// SPDX-License-Identifier: GPL-2.0-or-later
// --from-profile: the hosts of a `portclass profile --json` document become
// gateway subnets, each with the ephemeral range inference gives it. So a
// capture of a network becomes that network's gateway ruleset.
//
//  - every host with client ports is inferred (infer()); an identified host
//    gets its profile's range; a tuned host its observed span widened by the
//    expected unseen margin and rounded out to multiples of 1000 (a ruleset
//    narrower than the real range breaks connections, so this errs wide);
//  - hosts seen as servers with fewer client ports than inference needs
//    are left out (nothing returns to them);
//  - hosts that stay "unknown" or look like "several" stacks (NAT) get the
//    wide 1024-65535 range, labelled "unidentified", and a note says so;
//  - a host inside one of `group_prefixes` joins that subnet, whose range is
//    the union of its hosts' ranges; other hosts become /32 or /128 entries.
// Output order is by address, so equal documents give equal subnets.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "portclass/address.hpp"
#include "portclass/nft/config.hpp"
#include "portclass/os_profile.hpp"
#include "portclass/result.hpp"

namespace portclass::nft {

struct ProfileImport {
  std::vector<Subnet> subnets;
  std::vector<std::string> notes;  // one line per host decision worth telling
};

Result<ProfileImport> import_profiles(const nlohmann::json& document, const OsProfileDb& db,
                                      const std::vector<IpPrefix>& group_prefixes);
Result<ProfileImport> import_profiles_file(const std::filesystem::path& path, const OsProfileDb& db,
                                           const std::vector<IpPrefix>& group_prefixes);

}  // namespace portclass::nft
