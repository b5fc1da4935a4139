// SPDX-License-Identifier: GPL-2.0-or-later
// Parsing a TOML document that came from a user (an OS profile file, the
// nftables helper's config): a syntax error becomes one printable line,
// "<origin>:<line>:<column>: <why>", with any control character toml++ quotes
// from the input escaped as \xNN.
#pragma once

#include <toml++/toml.h>

#include <string_view>

#include "portclass/result.hpp"

namespace portclass {

Result<toml::table> parse_toml_document(std::string_view text, std::string_view origin);

}  // namespace portclass
