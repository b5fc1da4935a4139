// SPDX-License-Identifier: GPL-2.0-or-later
#include "eve_reader.hpp"

#include <cerrno>
#include <cstring>
#include <deque>
#include <unordered_set>
#include <fstream>
#include <iostream>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace portclass::cli {
namespace {

using nlohmann::json;

// One line into `line`, keeping at most kMaxEveLine bytes (the rest is read
// and dropped, so a huge line costs no memory). False at end of input.
bool next_line(std::streambuf& in, std::string& line, bool& too_long) {
  line.clear();
  too_long = false;
  bool any = false;
  for (int c = in.sbumpc(); c != std::char_traits<char>::eof(); c = in.sbumpc()) {
    any = true;
    if (c == '\n') return true;
    if (line.size() < kMaxEveLine)
      line.push_back(static_cast<char>(c));
    else
      too_long = true;
  }
  return any;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Suricata's timestamps: 2026-12-01T10:00:00.123456+0000 (microseconds since
// the epoch, UTC). Anything else: nullopt.
std::optional<Timestamp> parse_time(const json& j) {
  if (!j.is_string()) return std::nullopt;
  const std::string& s = j.get_ref<const std::string&>();
  int y, mo, d, h, mi, se, n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 || n != 19)
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  std::size_t i = 19;
  std::int64_t micros = 0;
  if (i < s.size() && s[i] == '.') {
    std::int64_t scale = 100000;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10) micros += (s[i] - '0') * scale;
  }
  std::int64_t offset = 0;  // seconds east of UTC
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (s.size() - i < 5 || std::sscanf(s.c_str() + i + 1, "%2d%2d", &oh, &om) != 2) return std::nullopt;
    offset = (s[i] == '-' ? -1 : 1) * (std::int64_t{oh} * 3600 + std::int64_t{om} * 60);
    i += 5;
  }
  if (i != s.size()) return std::nullopt;
  const std::int64_t secs = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                            std::int64_t{h} * 3600 + std::int64_t{mi} * 60 + se - offset;
  return secs * 1000000 + micros;
}

std::optional<Port> port_of(const json& j) {
  if (!j.is_number_unsigned()) return std::nullopt;
  const auto v = j.get<std::uint64_t>();
  if (v > 65535) return std::nullopt;
  return static_cast<Port>(v);
}

std::optional<IpAddress> address_of(const json& j) {
  if (!j.is_string()) return std::nullopt;
  auto a = IpAddress::parse(j.get_ref<const std::string&>());
  if (!a) return std::nullopt;
  return a.value();
}

// Suricata writes the TCP flags it saw as hex ("1b"): the OR of every
// packet's flags in that direction (0x02 SYN, 0x10 ACK).
std::uint8_t hex_flags(const json& tcp, const char* key) {
  if (!tcp.is_object()) return 0;
  const auto it = tcp.find(key);
  if (it == tcp.end() || !it->is_string()) return 0;
  const std::string& s = it->get_ref<const std::string&>();
  if (s.empty() || s.size() > 2) return 0;
  unsigned v = 0;
  for (char c : s) {
    const int digit = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : -1;
    if (digit < 0) return 0;
    v = v * 16 + static_cast<unsigned>(digit);
  }
  return static_cast<std::uint8_t>(v);
}

constexpr std::uint8_t kSyn = 0x02;

// The flow_ids of the last flow events: enough for the netflow records that
// follow their flow record, even from several of Suricata's threads.
class RecentFlows {
 public:
  static constexpr std::size_t kSize = 4096;
  void add(std::uint64_t id) {
    if (!ids_.insert(id).second) return;
    order_.push_back(id);
    if (order_.size() > kSize) {
      ids_.erase(order_.front());
      order_.pop_front();
    }
  }
  bool contains(std::uint64_t id) const { return ids_.count(id) != 0; }

 private:
  std::unordered_set<std::uint64_t> ids_;
  std::deque<std::uint64_t> order_;
};

std::optional<std::uint64_t> flow_id(const json& e) {
  const auto it = e.find("flow_id");
  if (it == e.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<std::uint64_t>();
}

enum class Outcome { used, ignored, malformed };

// One flow or netflow event. Only facts the decoder would report for the
// flow's packets are fed (no TTL, no signature: a flow record has neither):
//  - TCP, flow event, SYN seen from src: the client's SYN (a connection
//    start, for the sequence) and, with a SYN from dest, the server's
//    SYN+ACK (its service port). Suricata names src the side of the first
//    packet, which is the SYN's sender when the start was seen.
//  - Any other TCP flow (start not seen) and every UDP flow: one datagram
//    or segment from src and, when dest answered, one back, judged by the
//    same port heuristic as mid-connection packets in a capture.
//  - A netflow event is one direction of a flow, with no word on which side
//    began it: one packet src -> dest, judged by the port heuristic.
Outcome use_event(const json& e, HostDirectory& directory, bool netflow) {
  const auto proto_it = e.find("proto");
  if (proto_it == e.end()) return Outcome::malformed;
  if (!proto_it->is_string()) return Outcome::ignored;  // a number: Suricata's name for protocols it cannot name
  const std::string& proto = proto_it->get_ref<const std::string&>();
  Transport transport;
  if (proto == "TCP")
    transport = Transport::tcp;
  else if (proto == "UDP")
    transport = Transport::udp;
  else
    return Outcome::ignored;
  const auto field = [&](const char* key) -> const json& {
    static const json null;  // immutable: a shared "absent" value
    const auto it = e.find(key);
    return it == e.end() ? null : *it;
  };
  const auto src = address_of(field("src_ip"));
  const auto dst = address_of(field("dest_ip"));
  const auto sport = port_of(field("src_port"));
  const auto dport = port_of(field("dest_port"));
  if (!src || !dst || !sport || !dport) return Outcome::malformed;
  const json& record = field(netflow ? "netflow" : "flow");
  if (!record.is_object()) return Outcome::malformed;
  std::optional<Timestamp> when;
  if (const auto it = record.find("start"); it != record.end()) when = parse_time(*it);
  if (!when) when = parse_time(field("timestamp"));
  if (!when) return Outcome::malformed;

  PacketFacts forward{{*src, *dst, transport, *sport, *dport}, 0, {}, nullptr, *when};
  PacketFacts back{{*dst, *src, transport, *dport, *sport}, 0, {}, nullptr, *when};
  const json& tcp = field("tcp");
  if (netflow) {
    forward.tcp.ack = true;  // mid-connection: judged by the ports
    directory.observe(forward);
    return Outcome::used;
  }
  const auto answered = [&] {
    const auto it = record.find("pkts_toclient");
    return it != record.end() && it->is_number_unsigned() && it->get<std::uint64_t>() > 0;
  };
  if (transport == Transport::tcp && (hex_flags(tcp, "tcp_flags_ts") & kSyn)) {
    forward.tcp.syn = true;
    directory.observe(forward);
    if (hex_flags(tcp, "tcp_flags_tc") & kSyn) {
      back.tcp.syn = back.tcp.ack = true;
      directory.observe(back);
    }
    return Outcome::used;
  }
  forward.tcp.ack = back.tcp.ack = true;
  directory.observe(forward);
  if (answered()) directory.observe(back);
  return Outcome::used;
}

}  // namespace

void read_eve_stream(std::istream& in, HostDirectory& directory, EveCounters& counters) {
  std::streambuf* buf = in.rdbuf();
  if (!buf) return;
  std::string line;
  bool too_long = false;
  RecentFlows recent;
  while (next_line(*buf, line, too_long)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos && !too_long) continue;
    ++counters.lines;
    if (too_long) {
      ++counters.malformed;
      continue;
    }
    // No exceptions: a bad line is a count, not an error.
    const json e = json::parse(line, nullptr, false);
    if (e.is_discarded() || !e.is_object()) {
      ++counters.malformed;
      continue;
    }
    const auto type = e.find("event_type");
    if (type == e.end() || !type->is_string()) {
      ++counters.malformed;
      continue;
    }
    const bool flow = *type == "flow", netflow = *type == "netflow";
    if (!flow && !netflow) {
      ++counters.ignored;
      continue;
    }
    const auto id = flow_id(e);
    if (netflow && id && recent.contains(*id)) {
      ++counters.repeats;
      continue;
    }
    switch (use_event(e, directory, netflow)) {
      case Outcome::used:
        ++(netflow ? counters.netflows : counters.flows);
        if (flow && id) recent.add(*id);
        break;
      case Outcome::ignored: ++counters.ignored; break;
      case Outcome::malformed: ++counters.malformed; break;
    }
  }
}

Result<void> read_eve_file(const std::string& path, HostDirectory& directory, EveCounters& counters) {
  if (path == "-") {
    read_eve_stream(std::cin, directory, counters);
    return {};
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const int err = errno;
    return Error{path + ": cannot read EVE log (" + std::strerror(err) + ")", ErrorKind::bad_input, err};
  }
  // A directory opens as an ifstream on Linux and then fails to read.
  if (file.peek() == std::char_traits<char>::eof() && file.bad())
    return Error{path + ": cannot read EVE log", ErrorKind::bad_input, 0};
  read_eve_stream(file, directory, counters);
  return {};
}

}  // namespace portclass::cli
