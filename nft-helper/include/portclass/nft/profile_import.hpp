// SPDX-License-Identifier: GPL-2.0-or-later
// --from-profile: the hosts of a `portclass profile --json` document become
// gateway subnets, each with the ephemeral range its OS verdict gives it. So
// a capture of a network becomes that network's gateway ruleset.
//
//  - the verdict is the one stored in the document (stored_verdict.hpp), so
//    the ruleset agrees with what `portclass profile` printed; a host with no
//    stored verdict (a bare profile document) is inferred here (infer()),
//    and a note says so;
//  - the range follows verdict_range.hpp: a single profile's range only at
//    high confidence, else the union of the likeliest candidates, 1024-65535
//    when nothing is known, tuned spans widened from evidence, and always
//    every client port the host was seen using (TCP, UDP, DNS queries);
//  - a host with no client port, or one that answered as a server and has
//    fewer client ports than inference needs without ever being seen opening
//    a connection (a misattributed packet or two), is a server: no return
//    rule, and a note says so;
//  - a host inside one of `group_prefixes` joins that subnet, whose range is
//    the union of its hosts' ranges; other hosts become /32 or /128 entries.
// Output order is by address, so equal documents give equal subnets; `hosts`
// holds one decision per host of the document, for --explain-ranges.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "portclass/address.hpp"
#include "portclass/nft/config.hpp"
#include "portclass/nft/verdict_range.hpp"
#include "portclass/signature_db.hpp"
#include "portclass/os_profile.hpp"
#include "portclass/result.hpp"

namespace portclass::nft {

// What one host of the document got, and why.
struct HostRange {
  IpAddress address;
  bool client = false;            // false: seen as a server, no return rule
  std::optional<IpPrefix> group;  // the --profile-subnet it joined
  HostVerdict verdict;
  PortSet seen;        // client ports it was seen using
  RangeChoice choice;  // empty ports for a server
};

struct ProfileImport {
  std::vector<Subnet> subnets;
  std::vector<HostRange> hosts;    // by address
  std::vector<std::string> notes;  // one line per host decision worth telling
};

// signatures: the TCP signatures a host without a stored verdict is inferred
// with (--p0f-db, --signatures), as `portclass profile` does; null: none.
Result<ProfileImport> import_profiles(const nlohmann::json& document, const OsProfileDb& db,
                                      const std::vector<IpPrefix>& group_prefixes,
                                      const SignatureDb* signatures = nullptr);
Result<ProfileImport> import_profiles_file(const std::filesystem::path& path, const OsProfileDb& db,
                                           const std::vector<IpPrefix>& group_prefixes,
                                           const SignatureDb* signatures = nullptr);

}  // namespace portclass::nft
