// SPDX-License-Identifier: GPL-2.0-or-later
// -z portclass,tree: packets by direction (client to server, server to client)
// and by the IANA categories of their source and destination ports.
#include <epan/stats_tree.h>

#include "portclass/category.hpp"
#include "stats.hpp"
#include "tap_record.hpp"

namespace portclass::ws::plugin {
namespace {

constexpr const char* kRoot = "Packets by direction and port category";
constexpr const char* kToServer = "client to server";
constexpr const char* kToClient = "server to client";

const char* name(PortCategory c) {
  switch (c) {
    case PortCategory::system: return "system";
    case PortCategory::user: return "user";
    case PortCategory::dynamic: break;
  }
  return "dynamic";
}

void tree_init(stats_tree* st) {
  const int root = stats_tree_create_node(st, kRoot, 0, STAT_DT_INT, TRUE);
  stats_tree_create_node(st, kToServer, root, STAT_DT_INT, TRUE);
  stats_tree_create_node(st, kToClient, root, STAT_DT_INT, TRUE);
}

tap_packet_status tree_packet(stats_tree* st, packet_info* /*pinfo*/, epan_dissect_t* /*edt*/, const void* data,
                              tap_flags_t /*flags*/) {
  const auto* r = static_cast<const TapRecord*>(data);
  const char* direction = r->client_is_src ? kToServer : kToClient;
  // "dynamic -> system": source port category to destination port category.
  char pair[48];
  g_snprintf(pair, sizeof pair, "%s -> %s", name(category_of(r->src_port)), name(category_of(r->dst_port)));
  const int root = tick_stat_node(st, kRoot, 0, TRUE);
  const int dir = tick_stat_node(st, direction, root, TRUE);
  tick_stat_node(st, pair, dir, FALSE);
  return TAP_PACKET_REDRAW;
}

}  // namespace

void register_category_tree() {
  stats_tree_register_plugin("portclass", "portclass", "portclass/Port categories by direction", 0, tree_packet,
                             tree_init, nullptr);
}

}  // namespace portclass::ws::plugin
