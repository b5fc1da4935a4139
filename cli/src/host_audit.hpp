// SPDX-License-Identifier: GPL-2.0-or-later
// One `portclass host` audit of the calling thread's network namespace: the
// live port configuration and socket table read, assessed, the owning
// processes named, the remedies chosen. Enter the namespace first
// (NetnsVisit); the result holds no descriptor, so leave right after.
//
// Contract: a failure to read the kernel's tables throws SystemError (exit 3);
// a process that exits during the owner scan is simply not named.
#pragma once

#include <cstddef>
#include <optional>

#include "host_health.hpp"
#include "host_holders.hpp"
#include "host_remedies.hpp"
#include "netns_list.hpp"

namespace portclass::cli {

struct HostReport {
  NetnsEntry where;          // label, source, inode of the namespace audited
  bool label_netns = false;  // print the namespace's label (named or --all-netns)
  HostHealth health;
  PortHolders holders;
  std::vector<Remedy> remedies;
};

HostReport audit_current_namespace(const NetnsEntry& where, const Thresholds& thresholds, std::size_t top);

}  // namespace portclass::cli
