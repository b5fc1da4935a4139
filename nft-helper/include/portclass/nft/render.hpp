// SPDX-License-Identifier: GPL-2.0-or-later
// The two textual forms of a Ruleset.
//
// render_script: an nft script for `nft -f` that atomically replaces the
// table (the "add, delete, define" idiom: it creates the table when missing
// so the delete never fails, and nft -f applies the file as one transaction).
// It never names another table. The layout is nft's own listing layout, so a
// reader sees what `nft list table` will print.
//
// render_json: the same commands in the libnftables-json(5) schema of nft
// 1.0.6, for `nft -j -f`. That schema has no table, chain or set comments,
// so only rule comments are carried.
//
// Both are pure functions of the Ruleset: byte-identical for equal input.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "portclass/nft/model.hpp"

namespace portclass::nft {

std::string render_script(const Ruleset& ruleset, const std::string& header_comment = {});
nlohmann::ordered_json render_json(const Ruleset& ruleset);

// One rule as nft prints it ("ct state invalid drop comment \"...\"").
std::string render_rule(const Rule& rule);

}  // namespace portclass::nft
