// SPDX-License-Identifier: GPL-2.0-or-later
// What the running program prints: everything, or only the fields it lists.
//
// Why: in Wireshark 4.0, `tshark -T fields -e ...` dissects every packet into
// a *visible* protocol tree, without priming the listed fields, and then walks
// every node of it to find them. A post-dissector cannot tell that mode from
// `tshark -V` through the epan API, so it would pay for a full subtree on
// every packet that nobody can see (measured: +13% CPU on a field extraction
// without portclass fields). When the command line says the output is a list
// of chosen fields (-T fields/json/jsonraw/ek with -e) and none of them is a
// portclass field, the plugin builds its subtree only when a filter or a
// custom column asks for one of its fields (those are primed as usual).
//
// Only tshark is recognised; anything unclear (another program, no
// /proc/self/cmdline, no -e) means "build everything".
#pragma once

#include <string>
#include <vector>

namespace portclass::ws {

struct OutputMode {
  bool listed_fields_only = false;  // only -e fields are printed
  bool lists_own_fields = false;    // one of them belongs to the protocol (or is _ws.expert.*)
};

// Decided from a command line (argv[0] first) and the protocol's filter name.
OutputMode output_mode(const std::vector<std::string>& argv, std::string_view protocol);

// The answer for this process, read once from /proc/self/cmdline.
OutputMode this_process_output_mode(std::string_view protocol);

}  // namespace portclass::ws
