// SPDX-License-Identifier: GPL-2.0-or-later
// -z portclass,hosts (and Statistics > portclass hosts in Wireshark): one row
// per host with the packets the tap saw to or from it, the client ports it
// used, its judged OS and confidence, and its findings.
//
// A stat_tap_table_ui: tshark prints it with its generic table printer and
// Wireshark gives it a menu entry and a dialog, with one registration.
#include <cmath>
#include <string>
#include <unordered_map>

#include <epan/packet.h>
#include <epan/stat_tap_ui.h>

#include "registration.hpp"
#include "report.hpp"
#include "stats.hpp"
#include "tap_record.hpp"

namespace portclass::ws::plugin {
namespace {

enum Column : guint { kHost, kPackets, kClientPorts, kMin, kMax, kOs, kConfidence, kFindings, kColumns };

stat_tap_table_item columns[kColumns] = {
    {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Host", "%-24s"},       {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Packets", "%8u"},
    {TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Client ports", "%12u"}, {TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Min", "%5s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Max", "%5s"},         {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "OS", "%-9s"},
    {TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Confidence", "%10s"}, {TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Findings", "%s"},
};

struct Row {
  guint index = 0;
  std::uint64_t generation = ~std::uint64_t{0};
};

// Row of each host in the (single) table; reset with the table.
std::unordered_map<IpAddress, Row, IpAddressHash>& rows() {
  static std::unordered_map<IpAddress, Row, IpAddressHash> map;
  return map;
}

void set_string(stat_tap_table* table, guint row, guint column, const std::string& value) {
  stat_tap_table_item_type* item = stat_tap_get_field_data(table, row, column);
  g_free(const_cast<char*>(item->value.string_value));
  item->value.string_value = g_strdup(value.c_str());
}

std::string findings_of(const HostJudgement* j) {
  std::string out;
  if (j)
    for (const std::string& id : j->ids) out += (out.empty() ? "" : ",") + id;
  return out.empty() ? "-" : out;
}

void refresh(stat_tap_table* table, guint row, CaptureAnalysis& a, const IpAddress& address, bool final) {
  const HostJudgement* j = a.judgement(address, final);
  const HostProfile* p = a.directory().find(address);
  DistinctPorts clients;
  if (p) {
    clients = p->stats(Transport::tcp).client_ports;
    clients.merge(p->stats(Transport::udp).client_ports);
  }
  stat_tap_get_field_data(table, row, kClientPorts)->value.uint_value = clients.count();
  set_string(table, row, kMin, clients.empty() ? "-" : std::to_string(clients.min()));
  set_string(table, row, kMax, clients.empty() ? "-" : std::to_string(clients.max()));
  const bool os = j && j->has_os;
  set_string(table, row, kOs, os ? j->label : "-");
  set_string(table, row, kConfidence,
             os && j->verdict == Verdict::identified ? std::to_string(std::lround(j->confidence * 100)) + "%" : "-");
  set_string(table, row, kFindings, findings_of(j));
}

guint row_of(stat_tap_table* table, const IpAddress& address, Row*& row) {
  auto [it, inserted] = rows().try_emplace(address);
  row = &it->second;
  if (inserted) {
    stat_tap_table_item_type items[kColumns] = {};
    for (guint c = 0; c < kColumns; ++c) items[c].type = columns[c].type;
    items[kHost].value.string_value = g_strdup(address.to_string().c_str());
    for (guint c : {kMin, kMax, kOs, kConfidence, kFindings}) items[c].value.string_value = g_strdup("-");
    row->index = table->num_elements;
    stat_tap_init_table_row(table, row->index, kColumns, items);
  }
  return row->index;
}

tap_packet_status host_packet(void* tapdata, packet_info* /*pinfo*/, epan_dissect_t* /*edt*/, const void* data,
                              tap_flags_t /*flags*/) {
  try {
    auto* stat_data = static_cast<stat_data_t*>(tapdata);
    auto* table = g_array_index(stat_data->stat_tap_data->tables, stat_tap_table*, 0);
    const auto* r = static_cast<const TapRecord*>(data);
    CaptureAnalysis& a = analysis();
    for (const IpAddress* address : {&r->src, &r->dst}) {
      if (address == &r->dst && r->dst == r->src) break;
      Row* row = nullptr;
      const guint index = row_of(table, *address, row);
      stat_tap_get_field_data(table, index, kPackets)->value.uint_value++;
      a.judgement(*address, r->final);  // brings the judgement up to date
      const std::uint64_t generation = a.generation(*address);
      if (row->generation != generation) {
        row->generation = generation;
        refresh(table, index, a, *address, r->final);
      }
    }
    return TAP_PACKET_REDRAW;
  } catch (const std::exception& e) {
    report_failure_once("hosts statistics", e);
    return TAP_PACKET_FAILED;
  }
}

// Rows are never removed from a stat_tap_table, so after a reset (a retap,
// a new file) the map is rebuilt from the rows that exist and their counts
// start again from zero.
void resync(stat_tap_table* table) {
  rows().clear();
  for (guint row = 0; row < table->num_elements; ++row) {
    stat_tap_get_field_data(table, row, kPackets)->value.uint_value = 0;
    stat_tap_get_field_data(table, row, kClientPorts)->value.uint_value = 0;
    const char* host = stat_tap_get_field_data(table, row, kHost)->value.string_value;
    if (auto address = IpAddress::parse(host ? host : "")) rows()[address.value()] = Row{row, ~std::uint64_t{0}};
  }
}

void host_table_init(stat_tap_table_ui* ui) {
  if (ui->tables && ui->tables->len > 0) {
    resync(g_array_index(ui->tables, stat_tap_table*, 0));
    return;
  }
  rows().clear();
  stat_tap_table* table = stat_tap_init_table("portclass hosts", kColumns, 0, nullptr);
  stat_tap_add_table(ui, table);
}

void host_table_reset(stat_tap_table* table) { resync(table); }

void host_table_free_item(stat_tap_table* /*table*/, guint /*row*/, guint column, stat_tap_table_item_type* item) {
  if (columns[column].type == TABLE_ITEM_STRING) {
    g_free(const_cast<char*>(item->value.string_value));
    item->value.string_value = nullptr;
  }
}

}  // namespace

void register_host_table() {
  static stat_tap_table_ui ui = {
      REGISTER_PACKET_STAT_GROUP_UNSORTED,  // the group Wireshark 4.0 lists in its Statistics menu
      "portclass hosts",
      "portclass",
      "portclass,hosts",
      host_table_init,
      host_packet,
      host_table_reset,
      host_table_free_item,
      nullptr,
      G_N_ELEMENTS(columns),
      columns,
      0,
      nullptr,
      nullptr,
      0,
  };
  register_stat_tap_table_ui(&ui);
}

}  // namespace portclass::ws::plugin
