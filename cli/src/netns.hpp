// SPDX-License-Identifier: GPL-2.0-or-later
// The command line's names for portclass::host's network namespace visit
// (portclass/host/netns.hpp holds the contract and the one implementation).
#pragma once

#include "portclass/host/netns.hpp"

namespace portclass::cli {

using host::kNetnsRunDir;
using host::named_netns_path;
using host::NetnsError;
using host::NetnsErrorKind;
using host::NetnsVisit;
using host::UniqueFd;

}  // namespace portclass::cli
