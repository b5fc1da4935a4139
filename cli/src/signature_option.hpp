// SPDX-License-Identifier: GPL-2.0-or-later
// The --p0f-db FILE|none and --signatures FILE options of `portclass profile`
// (portclass/signature_options.hpp does the loading) and the line
// `portclass --version` prints about the signature databases.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "portclass/signature_options.hpp"

namespace portclass::cli {

void add_signature_options(CLI::App& cmd, SignatureOptions& options);
// Throws UsageError naming the file (and line) when a database does not load.
LoadedSignatures load_signature_option(const SignatureOptions& options);
// What the default options load: "signatures: p0f /etc/p0f/p0f.fp (192), built-in (41)",
// or the one-line reason they do not.
std::string signature_version_line();

}  // namespace portclass::cli
