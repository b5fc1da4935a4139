// SPDX-License-Identifier: GPL-2.0-or-later
// One small helper per nf_tables expression, each appending a new expression
// to a rule (the rule owns it from then on).
#pragma once

#include <cstdint>
#include <string>

#include "nl/objects.hpp"

namespace portclass::nft::nl {

void add_meta(nftnl_rule* r, std::uint32_t key, std::uint32_t dreg);
void add_ct(nftnl_rule* r, std::uint32_t key, std::uint32_t dreg);
void add_payload(nftnl_rule* r, std::uint32_t base, std::uint32_t offset, std::uint32_t len, std::uint32_t dreg);
void add_cmp(nftnl_rule* r, std::uint32_t sreg, std::uint32_t op, const void* data, std::uint32_t len);
void add_bitwise(nftnl_rule* r, std::uint32_t reg, const void* mask, const void* xor_value, std::uint32_t len);
void add_range(nftnl_rule* r, std::uint32_t sreg, std::uint32_t op, const void* from, const void* to,
               std::uint32_t len);
void add_lookup(nftnl_rule* r, std::uint32_t sreg, const std::string& set, std::uint32_t set_id);
void add_verdict(nftnl_rule* r, int verdict);

}  // namespace portclass::nft::nl
