// SPDX-License-Identifier: GPL-2.0-or-later
// Turning subnets into disjoint address intervals for interval sets.
//
// Subnets may nest ("10.0.0.0/8 = linux" with "10.1.0.0/16 = windows"): each
// address belongs to the most specific subnet that contains it, so the /8's
// interval set gets the /8 with the /16 carved out. Interval sets need
// disjoint elements; adjacent intervals of the same owner are merged.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "portclass/address.hpp"
#include "portclass/nft/model.hpp"
#include "portclass/result.hpp"

namespace portclass::nft {

struct OwnedInterval {
  Interval interval;
  std::size_t owner = 0;
};

// `prefixes` of one family, each with its owner (a group index). The same
// prefix twice with different owners is an error; with the same owner it is
// counted once. Result: sorted, disjoint, adjacent same-owner runs merged.
Result<std::vector<OwnedInterval>> most_specific(const std::vector<std::pair<IpPrefix, std::size_t>>& prefixes);

// Sorts and merges overlapping or adjacent intervals of equal width.
std::vector<Interval> merge_intervals(std::vector<Interval> intervals);

}  // namespace portclass::nft
