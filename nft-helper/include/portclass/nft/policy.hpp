// SPDX-License-Identifier: GPL-2.0-or-later
// The policy: from a Config to the Ruleset that is exactly as open as it must
// be. This is where every rule and its reason is decided (docs/nft-helper.md
// explains them); renderers and the netlink builder only translate.
//
// Guarantees:
//  - deterministic: equal configs give equal rulesets (subnets are sorted,
//    groups are ordered by their port ranges, no clocks, no hash order);
//  - the rule count depends on the options and on the number of distinct
//    ephemeral ranges, never on the number of ports or subnets (those live in
//    named interval sets);
//  - return traffic is accepted only as `ct state established ct direction
//    reply` to the protected host's ephemeral range (or, --stateless, as
//    non-SYN TCP / any UDP to that range, with the risks the docs describe);
//  - `related` is accepted only for ICMP/ICMPv6.
#pragma once

#include "portclass/nft/config.hpp"
#include "portclass/nft/model.hpp"
#include "portclass/result.hpp"

namespace portclass::nft {

// Host mode needs config.host_range set (the caller reads the live range
// when the config has none). The result is validated.
Result<Ruleset> build_ruleset(const Config& config);

}  // namespace portclass::nft
