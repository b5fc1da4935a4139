// SPDX-License-Identifier: GPL-2.0-or-later
// Compiling and installing a BPF filter (tcpdump's expression language) on an
// open libpcap handle, shared by the file/pipe reader and live capture.
//
// Contract: an empty expression installs nothing. A bad expression is an
// Error carrying libpcap's own message (pcap_geterr), with the expression
// quoted; the handle is then unchanged. The compiled program is freed
// whatever happens (RAII): libpcap copies it into the handle or the kernel.
#pragma once

#include <string>

#include "portclass/result.hpp"

struct pcap;

namespace portclass::capture {

// netmask: the interface's (for "ip broadcast"), or PCAP_NETMASK_UNKNOWN.
Result<void> install_filter(pcap* handle, const std::string& expression, unsigned netmask);

}  // namespace portclass::capture
