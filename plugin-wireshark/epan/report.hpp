// SPDX-License-Identifier: GPL-2.0-or-later
// A C++ exception caught at the border to Wireshark's C code (a dissector or
// tap callback must not let one through) is said once, through Wireshark's
// log (a warning on stderr in tshark, the log in Wireshark), instead of
// vanishing: one line for the first failure of the process, then silence, so
// a capture that trips it on every packet does not flood the output.
#pragma once

#include <exception>

namespace portclass::ws::plugin {

// `where` names the callback ("dissector", "hosts statistics").
void report_failure_once(const char* where, const std::exception& e) noexcept;

}  // namespace portclass::ws::plugin
