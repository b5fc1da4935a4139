// SPDX-License-Identifier: GPL-2.0-or-later
// Which of portclass's fields one dissection adds.
//
// Contract: everything a reader can see is added, and nothing else.
//  - No tree: nothing (findings still go to expert info and the tap).
//  - A visible tree (packet-details pane, -V, -T pdml, -T json without -e):
//    everything.
//  - A visible tree that Wireshark 4.0's `tshark -T fields -e` (or json/ek
//    with -e) walks for its listed fields: the portclass fields listed there
//    (core/output_mode.hpp says why the command line is read for that), plus
//    whatever is primed, as below.
//  - A tree that is not visible (display filters, custom columns, taps with
//    filters): the fields Wireshark says are referenced
//    (header_field_info::ref_type, what proto_field_is_referenced() reads),
//    and the protocol item when it is referenced or protocols are not faked.
// The caller adds everything on a packet that raises a finding, as before
// (expert items hang on the portclass tree, and they are rare).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <epan/proto.h>

namespace portclass::ws::plugin {

class WantedFields {
 public:
  static WantedFields everything() noexcept { return WantedFields(~std::uint64_t{0}, true, true); }
  WantedFields() = default;

  // The field with this id (one of FieldIds) is wanted.
  bool has(int hf) const noexcept;
  // The protocol item is added at all (some field, or the item itself).
  bool protocol() const noexcept { return protocol_ || mask_ != 0; }
  // Its summary line ("client port 51822 (dynamic), ...") is formatted.
  bool label() const noexcept { return label_; }
  // Any of the sending host's fields: the host's judgement is needed.
  bool host() const noexcept;

 private:
  WantedFields(std::uint64_t mask, bool protocol, bool label) noexcept
      : mask_(mask), protocol_(protocol), label_(label) {}
  friend WantedFields wanted_fields(proto_tree* tree);
  friend struct FieldListing;
  std::uint64_t mask_ = 0;  // bit (hf - FieldIds::first)
  bool protocol_ = false;
  bool label_ = false;
};

// What a `-T fields -e` run lists of the protocol (see output_mode.hpp),
// resolved to field ids once, at handoff.
struct FieldListing {
  bool fields_only = false;  // tshark prints only its -e fields
  WantedFields listed;       // the portclass fields among them
  bool lists_own = false;    // some -e field is portclass's or _ws.expert.*
  // Resolves the field names (the protocol's own and _ws.expert.*).
  static FieldListing from(bool fields_only, const std::vector<std::string>& own_fields);
};

WantedFields wanted_fields(proto_tree* tree);

}  // namespace portclass::ws::plugin
