// SPDX-License-Identifier: GPL-2.0-or-later
// One dump per kind of nf_tables object, as nftables' src/mnl.c has: each
// sends the dump request, parses every answer into its libnftnl object and
// hands the caller the object with the raw message it came from (the
// snapshot keeps the raw bytes, the reader the parsed fields). A message the
// library cannot parse ends the dump with an error naming the kind.
//
// read_consistently() is the one generation-checked retry around a set of
// dumps: dumps are not atomic, so a reader takes the ruleset generation
// before and after and starts again when it moved, or when the kernel
// interrupted a dump because the ruleset changed under it (EINTR).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "nl/objects.hpp"
#include "nl/socket.hpp"
#include "portclass/result.hpp"

namespace portclass::nft::nl {

template <class Object>
using OnObject = std::function<Result<void>(const nlmsghdr* raw, Object* parsed)>;

// FAMILY: an NFPROTO_* value, NFPROTO_UNSPEC for every family.
Result<void> dump_tables(Socket& socket, std::uint16_t family, const OnObject<nftnl_table>& on_table);
Result<void> dump_chains(Socket& socket, std::uint16_t family, const OnObject<nftnl_chain>& on_chain);
Result<void> dump_sets(Socket& socket, std::uint16_t family, const OnObject<nftnl_set>& on_set);
// The elements of one set, delivered as the set object that holds them.
Result<void> dump_set_elements(Socket& socket, std::uint16_t family, const std::string& table, const std::string& set,
                               const OnObject<nftnl_set>& on_elements);
Result<void> dump_rules(Socket& socket, std::uint16_t family, const OnObject<nftnl_rule>& on_rule);

// Runs READ_ALL (which fills its own output from scratch each time) until a
// run sees one ruleset generation from start to end; at most five runs.
// WHAT ends the error when the ruleset never held still ("...while WHAT").
Result<void> read_consistently(Socket& socket, const std::function<Result<void>()>& read_all, std::string_view what);

}  // namespace portclass::nft::nl
