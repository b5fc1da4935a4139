// SPDX-License-Identifier: GPL-2.0-or-later
// Statistics fed by the "portclass" tap:
//   -z portclass,hosts   one row per host (also Statistics > portclass hosts in Wireshark)
//   -z portclass,tree    packets by port category and direction (a stats_tree)
#pragma once

namespace portclass::ws::plugin {

void register_host_table();
void register_category_tree();

inline void register_statistics() {
  register_host_table();
  register_category_tree();
}

}  // namespace portclass::ws::plugin
