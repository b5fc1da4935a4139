// SPDX-License-Identifier: GPL-2.0-or-later
// Entering a named network namespace (/run/netns/NAME, as `ip netns add`
// makes them) with setns(CLONE_NEWNET). It affects the calling thread only:
// netlink sockets it opens afterwards, and the /proc/sys/net files it opens,
// belong to that namespace. Child processes forked afterwards inherit it.
#pragma once

#include <string>

#include "portclass/result.hpp"

namespace portclass::nft {

Result<bool> enter_netns(const std::string& name);

// True while /run/netns/NAME still names the namespace the calling thread is
// in. A namespace deleted (`ip netns delete`) after it was entered lives on
// only as long as something is inside it: a ruleset loaded there is lost.
bool netns_still_named(const std::string& name) noexcept;

// The namespace name as a safe path component, also used for state files:
// [A-Za-z0-9_.-]{1,64} and not "." or "..".
bool is_netns_name(const std::string& name) noexcept;

}  // namespace portclass::nft
