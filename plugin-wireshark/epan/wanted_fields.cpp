// SPDX-License-Identifier: GPL-2.0-or-later
#include "wanted_fields.hpp"

#include "fields.hpp"
#include "registration.hpp"

namespace portclass::ws::plugin {
namespace {

std::uint64_t bit(const FieldIds& f, int hf) noexcept {
  const int i = hf - f.first;
  return f.count > 0 && i >= 0 && i < f.count ? std::uint64_t{1} << i : 0;
}

// The host's fields are registered as one run, host_ip ... host_finding.
std::uint64_t host_bits(const FieldIds& f) noexcept {
  std::uint64_t m = 0;
  for (int hf = f.host_ip; hf <= f.host_finding; ++hf) m |= bit(f, hf);
  return m;
}

bool referenced(int hf) noexcept {
  return hf > 0 && proto_registrar_get_nth(static_cast<guint>(hf))->ref_type != HF_REF_TYPE_NONE;
}

}  // namespace

bool WantedFields::has(int hf) const noexcept {
  const FieldIds& f = fields();
  return f.count == 0 ? mask_ != 0 || protocol_ : (mask_ & bit(f, hf)) != 0;
}

bool WantedFields::host() const noexcept {
  const FieldIds& f = fields();
  return f.count == 0 ? mask_ != 0 : (mask_ & host_bits(f)) != 0;
}

FieldListing FieldListing::from(bool fields_only, const std::vector<std::string>& own_fields) {
  FieldListing l;
  l.fields_only = fields_only;
  l.lists_own = !own_fields.empty();
  const FieldIds& f = fields();
  for (const std::string& name : own_fields) {
    if (name == "portclass") {
      l.listed.protocol_ = l.listed.label_ = true;  // -e portclass prints the item's summary line
      continue;
    }
    const int hf = proto_registrar_get_id_byname(name.c_str());
    // _ws.expert.* and unknown names: expert items come with findings, which
    // always get the whole tree; a field Wireshark does not know prints nothing.
    if (hf > 0) l.listed.mask_ |= bit(f, hf);
  }
  // Ids not in one run: list everything rather than guess.
  if (f.count == 0 && !own_fields.empty()) l.listed = WantedFields::everything();
  return l;
}

WantedFields wanted_fields(proto_tree* tree) {
  if (!tree) return {};
  const PluginState& s = state();
  const tree_data_t* data = PTREE_DATA(tree);
  if (data->visible && !s.listing.fields_only) return WantedFields::everything();
  const FieldIds& f = fields();
  WantedFields w = data->visible ? s.listing.listed : WantedFields{};
  // Trees that keep every protocol item (e.g. protocol hierarchy statistics).
  if (!data->fake_protocols) w.protocol_ = true;
  // Priming a field marks its protocol too (HF_REF_TYPE_INDIRECT): when the
  // protocol is not referenced, none of its fields is.
  const header_field_info* p = proto_registrar_get_nth(static_cast<guint>(s.proto));
  if (p->ref_type == HF_REF_TYPE_NONE) {
    // A filter on one of the expert fields: the item it hangs on.
    for (const expert_field& e : experts())
      if (referenced(e.hf)) w.protocol_ = true;
    return w;
  }
  w.protocol_ = true;
  if (p->ref_type == HF_REF_TYPE_DIRECT) w.label_ = true;  // e.g. a column of `portclass` itself
  if (f.count == 0) return WantedFields::everything();
  for (int i = 0; i < f.count; ++i)
    if (referenced(f.first + i)) w.mask_ |= std::uint64_t{1} << i;
  return w;
}

}  // namespace portclass::ws::plugin
