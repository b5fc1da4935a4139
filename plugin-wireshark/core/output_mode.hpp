// SPDX-License-Identifier: GPL-2.0-or-later
// What the running program prints: everything, or only the fields it lists.
//
// Why this exists at all: Wireshark's own answer to "is this field wanted?"
// is proto_field_is_referenced() and the fields a filter or custom column
// primes (header_field_info::ref_type), and on a tree that is not visible
// the plugin goes by those alone (epan/wanted_fields.hpp). But Wireshark
// 4.0's `tshark -T fields -e ...` (and json/ek with -e) dissects every packet
// into a *visible* tree without priming the -e fields (4.2 added
// output_fields_prime_edt() for that), and then walks every node to find
// them; through the epan API that run looks exactly like `tshark -V`. So on
// a visible tree, and only there, the command line is the fallback that says
// which of the plugin's fields are printed: the -e fields of the protocol.
// Fields that filters, custom columns or taps prime are added as well, and
// tests/plugin/tshark_plugin_test.py (test_wanted_fields) proves a field
// asked for by -e, -Y, a custom column or -V is filled the same.
//
// Only tshark is recognised; anything unclear (another program, no
// /proc/self/cmdline, no -e) means "build everything".
#pragma once

#include <string>
#include <vector>

namespace portclass::ws {

struct OutputMode {
  bool listed_fields_only = false;      // only -e fields are printed
  bool lists_own_fields = false;        // one of them belongs to the protocol (or is _ws.expert.*)
  std::vector<std::string> own_fields;  // those fields, as listed (the protocol's and _ws.expert.*)
};

// Decided from a command line (argv[0] first) and the protocol's filter name.
OutputMode output_mode(const std::vector<std::string>& argv, std::string_view protocol);

// The answer for this process, read once from /proc/self/cmdline.
OutputMode this_process_output_mode(std::string_view protocol);

}  // namespace portclass::ws
