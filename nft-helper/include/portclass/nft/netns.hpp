// SPDX-License-Identifier: GPL-2.0-or-later
// Entering a named network namespace (/run/netns/NAME, as `ip netns add`
// makes them) for one command: portclass::host's NetnsVisit (host/netns.hpp)
// with portclass-nft's names and messages. While the visit lives, netlink
// sockets the calling thread opens and the /proc/sys/net files it opens
// belong to that namespace, and child processes forked start in it; when it
// ends the thread is back where it was.
#pragma once

#include <string>

#include "portclass/host/netns.hpp"
#include "portclass/result.hpp"

namespace portclass::nft {

// Errors are system-kind with errno (a missing namespace included: exit 3,
// as docs/bad-input.md shows).
Result<host::NetnsVisit> enter_netns(const std::string& name);

// True while /run/netns/NAME still names the namespace the calling thread is
// in. A namespace deleted (`ip netns delete`) after it was entered lives on
// only as long as something is inside it: a ruleset loaded there is lost.
bool netns_still_named(const std::string& name) noexcept;

// The namespace name as a safe path component, also used for state files:
// [A-Za-z0-9_.-]{1,64} and not "." or "..". Stricter than the names
// host::named_netns_path takes, because it names state files too.
bool is_netns_name(const std::string& name) noexcept;

}  // namespace portclass::nft
