// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: PacketDecoder (capture/packet_decoder.hpp) on the raw
// bytes of one packet, without libpcap's file framing in the way: cheaper
// per input than fuzz_capture, so it goes deeper into the link layers,
// tunnels, IP and TCP header paths. Input: one byte choosing the link type
// (every type the decoder supports, and one it does not), then the captured
// bytes. Decoded packets go to a HostDirectory and the sender is inferred.
//
// Asserts, beyond "no crash" (ASan also checks that no header is read past
// the captured length: the bytes sit in a buffer of exactly that size):
//  - an unsupported link type gives unsupported_link and nothing else; the
//    work per packet stays within kMaxLayers headers;
//  - ok => TCP or UDP, both addresses of one family; a signature only on a
//    TCP SYN or SYN+ACK without FIN/RST, of the packet's IP version and TTL,
//    whose key reads back to the same signature and whose p0f text has
//    p0f's nine fields;
//  - the encapsulation does not change what is decoded: the same IP packet
//    as raw IP and behind every link layer and tunnel the decoder knows
//    (Ethernet, VLAN, QinQ, Linux cooked v1/v2, BSD loopback, PPP, PPPoE,
//    Cisco HDLC, ARCNET, NFLOG, 802.11 plain and behind radiotap, PPI,
//    Prism, AVS, MPLS with and without a pseudowire, GRE, transparent
//    Ethernet bridging, ERSPAN, IP-in-IP, VXLAN, GENEVE, GTP-U, Teredo,
//    AYIYA) gives the same status and the same facts;
//  - inference and findings on the sender are well formed, and the
//    directory round-trips through profile JSON.
#include <pcap/dlt.h>

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "fuzz_support.hpp"
#include "portclass/capture/packet_decoder.hpp"
#include "portclass/host_directory.hpp"
#include "portclass/profile_json.hpp"

namespace {

using namespace portclass;
using capture::DecodeStatus;
using Bytes = std::vector<std::uint8_t>;

// The first byte's table: the first nine entries keep their index (seeds and
// regression inputs name link types by it), new types go after them.
constexpr std::array<int, 21> kLinkTypes = {DLT_EN10MB,
                                            DLT_LINUX_SLL,
                                            DLT_LINUX_SLL2,
                                            DLT_RAW,
                                            DLT_IPV4,
                                            DLT_IPV6,
                                            DLT_NULL,
                                            DLT_LOOP,
                                            DLT_USER0,
                                            DLT_PPP,
                                            DLT_PPP_SERIAL,
                                            DLT_PPP_ETHER,
                                            DLT_C_HDLC,
                                            DLT_IEEE802_11,
                                            DLT_IEEE802_11_RADIO,
                                            DLT_PRISM_HEADER,
                                            DLT_IEEE802_11_RADIO_AVS,
                                            DLT_PPI,
                                            DLT_NFLOG,
                                            DLT_ARCNET,
                                            DLT_ARCNET_LINUX};

struct Decoded {
  DecodeStatus status;
  PacketFacts facts;
  std::optional<TcpSignature> signature;  // facts.signature points into the decoder: keep a copy
  int layers = 0;
  int encapsulations = 0;
};

Decoded decode(int dlt, const Bytes& bytes) {
  capture::PacketDecoder decoder;
  Decoded d{};
  // An exact-size heap copy: a read past the end is an ASan report.
  Bytes exact(bytes);
  d.status = decoder.decode(dlt, exact.data(), exact.size(), 1'000'000, d.facts);
  if (d.facts.signature) d.signature = *d.facts.signature;
  d.facts.signature = nullptr;
  d.layers = decoder.layers();
  d.encapsulations = decoder.encapsulations();
  FUZZ_CHECK(d.layers >= 0 && d.layers <= capture::PacketDecoder::kMaxLayers, "bounded work per packet");
  return d;
}

bool same(const Decoded& a, const Decoded& b) {
  if (a.status != b.status) return false;
  if (a.status != DecodeStatus::ok) return true;
  const PacketFacts &x = a.facts, &y = b.facts;
  return x.src == y.src && x.dst == y.dst && x.transport == y.transport && x.src_port == y.src_port &&
         x.dst_port == y.dst_port && x.ttl == y.ttl && x.tcp.syn == y.tcp.syn && x.tcp.ack == y.tcp.ack &&
         x.tcp.fin == y.tcp.fin && x.tcp.rst == y.tcp.rst && a.signature == b.signature;
}

void check_signature(const Decoded& d) {
  if (!d.signature) return;
  const TcpSignature& s = *d.signature;
  const PacketFacts& p = d.facts;
  FUZZ_CHECK(p.transport == Transport::tcp && p.tcp.syn && !p.tcp.fin && !p.tcp.rst,
             "signatures only of SYNs and SYN+ACKs");
  FUZZ_CHECK(s.syn_ack == p.tcp.ack, "a SYN+ACK's signature says so");
  FUZZ_CHECK(s.ip_version == (p.src.is_v4() ? 4 : 6), "the signature's IP version is the packet's");
  FUZZ_CHECK(s.ttl == p.ttl, "the signature's TTL is the packet's");
  auto back = parse_signature_key(s.key(), s.syn_ack);
  if (!back) std::fprintf(stderr, "parse_signature_key(%s): %s\n", s.key().c_str(), back.error().message.c_str());
  FUZZ_CHECK(back.ok(), "a signature's key reads back");
  TcpSignature expected = s;
  expected.ttl = s.initial_ttl();
  expected.timestamp.reset();
  FUZZ_CHECK(*back == expected, "a signature's key reads back to the same signature");
  const std::string p0f = s.to_p0f();
  FUZZ_CHECK(std::count(p0f.begin(), p0f.end(), ':') == 7, "p0f's raw_sig has nine fields");
  FUZZ_CHECK(s.letters().empty() == s.layout.empty(), "letters of every layout");
}

void append(Bytes& out, const Bytes& more) { out.insert(out.end(), more.begin(), more.end()); }
void put16(Bytes& out, std::size_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
Bytes cat(std::initializer_list<std::uint8_t> head, const Bytes& tail) {
  Bytes out(head);
  append(out, tail);
  return out;
}

struct Wrapping {
  const Bytes& ip;
  bool v6;
  std::uint16_t ethertype() const { return v6 ? 0x86dd : 0x0800; }
  std::uint8_t et_hi() const { return v6 ? 0x86 : 0x08; }
  std::uint8_t et_lo() const { return v6 ? 0xdd : 0x00; }

  Bytes ethernet(const Bytes& payload, std::uint16_t type) const {
    Bytes e{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    put16(e, type);
    append(e, payload);
    return e;
  }
  Bytes ethernet() const { return ethernet(ip, ethertype()); }
  // An outer IPv4 header (no options, not fragmented) around `payload`.
  Bytes outer_ipv4(std::uint8_t protocol, const Bytes& payload) const {
    Bytes h{0x45, 0};
    put16(h, 20 + payload.size());
    append(h, {0, 1, 0x40, 0, 200, protocol, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2});
    append(h, payload);
    return h;
  }
  Bytes outer_udp(std::uint16_t port, const Bytes& payload) const {
    Bytes u;
    put16(u, 40000);
    put16(u, port);
    put16(u, 8 + payload.size());
    put16(u, 0);
    append(u, payload);
    return outer_ipv4(17, u);
  }
  Bytes llc() const { return cat({0xaa, 0xaa, 0x03, 0, 0, 0, et_hi(), et_lo()}, ip); }
  Bytes dot11() const {
    Bytes f{0x08, 0x02, 0, 0, 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 3, 0x10, 0};
    append(f, llc());
    return f;
  }
  Bytes ppp_protocol() const { return cat({0x00, static_cast<std::uint8_t>(v6 ? 0x57 : 0x21)}, ip); }
  Bytes pppoe_session() const {
    Bytes h{0x11, 0x00, 0x12, 0x34};
    const Bytes ppp = ppp_protocol();
    put16(h, ppp.size());
    append(h, ppp);
    return h;
  }
  Bytes nflog() const {
    Bytes n{static_cast<std::uint8_t>(v6 ? 10 : 2), 0, 0, 1};
    const std::size_t length = 4 + ip.size();
    append(n, {static_cast<std::uint8_t>(length), static_cast<std::uint8_t>(length >> 8), 9, 0});
    append(n, ip);
    return n;
  }
  Bytes prism() const {
    Bytes h(144, 0);
    h[0] = 0x44, h[4] = 144;
    append(h, dot11());
    return h;
  }
  Bytes avs() const {
    Bytes h(64, 0);
    h[0] = 0x80, h[1] = 0x21, h[2] = 0x10, h[3] = 0x01, h[7] = 64;
    append(h, dot11());
    return h;
  }
  Bytes ppi() const { return cat({0, 0, 8, 0, DLT_IEEE802_11, 0, 0, 0}, dot11()); }
  Bytes radiotap() const { return cat({0, 0, 8, 0, 0, 0, 0, 0}, dot11()); }
  Bytes mpls(bool pseudowire) const {
    Bytes m{0x00, 0x06, 0x41, 0x40};  // label 100, bottom of stack
    if (pseudowire) append(m, {0, 0, 0, 0});
    append(m, pseudowire ? ethernet() : ip);
    return ethernet(m, 0x8847);
  }
  Bytes gre(std::uint16_t protocol, const Bytes& payload, bool sequence = false) const {
    Bytes g{static_cast<std::uint8_t>(sequence ? 0x10 : 0), 0};
    put16(g, protocol);
    if (sequence) append(g, {0, 0, 0, 9});
    append(g, payload);
    return ethernet(outer_ipv4(47, g), 0x0800);
  }
  Bytes erspan2() const { return gre(0x88be, cat({0x10, 0, 0, 123, 0, 0, 0, 0}, ethernet()), true); }
  Bytes vxlan() const { return ethernet(outer_udp(4789, cat({0x08, 0, 0, 0, 0, 0, 42, 0}, ethernet())), 0x0800); }
  Bytes geneve() const { return ethernet(outer_udp(6081, cat({0, 0, 0x65, 0x58, 0, 0, 43, 0}, ethernet())), 0x0800); }
  Bytes gtp_u() const {
    Bytes g{0x30, 0xff};
    put16(g, ip.size());
    append(g, {0, 0, 0x12, 0x34});
    append(g, ip);
    return ethernet(outer_udp(2152, g), 0x0800);
  }
  Bytes ayiya() const {
    Bytes a{0x41, 0x52, 0x21, static_cast<std::uint8_t>(v6 ? 41 : 4), 0, 0, 0, 1};
    a.resize(a.size() + 16 + 20, 0);
    append(a, ip);
    return ethernet(outer_udp(5072, a), 0x0800);
  }
};

// The IP packet `ip` (version 4 or 6) behind each link header and tunnel the decoder knows.
void check_encapsulation_independence(const Bytes& ip, const Decoded& raw) {
  // Wrapping adds headers: a packet already near the bounds may cross them.
  if (raw.layers > capture::PacketDecoder::kMaxLayers - 8 ||
      raw.encapsulations > capture::PacketDecoder::kMaxEncapsulations - 2 || ip.size() > 60000)
    return;
  const Wrapping w{ip, (ip[0] >> 4) == 6};
  const std::uint8_t hi = w.et_hi(), lo = w.et_lo();
  const struct {
    const char* what;
    int dlt;
    Bytes frame;
  } cases[] = {
      {"Ethernet", DLT_EN10MB, w.ethernet()},
      {"an 802.1Q tag", DLT_EN10MB, cat({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x81, 0x00, 0x00, 0x07, hi, lo}, ip)},
      {"QinQ", DLT_EN10MB, cat({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x88, 0xa8, 0, 5, 0x81, 0, 0, 7, hi, lo}, ip)},
      {"Linux cooked v1", DLT_LINUX_SLL, cat({0, 0, 0, 1, 0, 6, 0, 1, 2, 3, 4, 5, 0, 0, hi, lo}, ip)},
      {"Linux cooked v2", DLT_LINUX_SLL2, cat({hi, lo, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 0, 1, 2, 3, 4, 5, 0, 0}, ip)},
      {"BSD loopback", DLT_NULL, cat({static_cast<std::uint8_t>(w.v6 ? 30 : 2), 0, 0, 0}, ip)},
      {"DLT_IPV4/IPV6", w.v6 ? DLT_IPV6 : DLT_IPV4, ip},
      {"PPP", DLT_PPP, cat({0xff, 0x03}, w.ppp_protocol())},
      {"PPP serial", DLT_PPP_SERIAL, cat({0xff, 0x03}, w.ppp_protocol())},
      {"PPPoE without Ethernet", DLT_PPP_ETHER, w.pppoe_session()},
      {"PPPoE", DLT_EN10MB, w.ethernet(w.pppoe_session(), 0x8864)},
      {"Cisco HDLC", DLT_C_HDLC, cat({0x0f, 0x00, hi, lo}, ip)},
      {"ARCNET (BSD)", DLT_ARCNET, cat({1, 2, static_cast<std::uint8_t>(w.v6 ? 0xc4 : 0xd4), 0, 0, 5}, ip)},
      {"ARCNET (Linux)", DLT_ARCNET_LINUX,
       cat({1, 2, 0, 0, static_cast<std::uint8_t>(w.v6 ? 0xc4 : 0xd4), 0, 0, 5}, ip)},
      {"NFLOG", DLT_NFLOG, w.nflog()},
      {"802.11", DLT_IEEE802_11, w.dot11()},
      {"radiotap", DLT_IEEE802_11_RADIO, w.radiotap()},
      {"PPI", DLT_PPI, w.ppi()},
      {"Prism", DLT_PRISM_HEADER, w.prism()},
      {"AVS", DLT_IEEE802_11_RADIO_AVS, w.avs()},
      {"MPLS", DLT_EN10MB, w.mpls(false)},
      {"an MPLS Ethernet pseudowire", DLT_EN10MB, w.mpls(true)},
      {"GRE", DLT_EN10MB, w.gre(w.ethertype(), ip)},
      {"GRE transparent Ethernet bridging", DLT_EN10MB, w.gre(0x6558, w.ethernet())},
      {"ERSPAN type II", DLT_EN10MB, w.erspan2()},
      {"IP-in-IP / 6in4", DLT_EN10MB, w.ethernet(w.outer_ipv4(w.v6 ? 41 : 4, ip), 0x0800)},
      {"VXLAN", DLT_EN10MB, w.vxlan()},
      {"GENEVE", DLT_EN10MB, w.geneve()},
      {"GTP-U", DLT_EN10MB, w.gtp_u()},
      {"AYIYA", DLT_EN10MB, w.ayiya()},
  };
  for (const auto& c : cases) {
    if (!same(raw, decode(c.dlt, c.frame))) {
      std::fprintf(stderr, "behind %s\n", c.what);
      FUZZ_CHECK(false, "the encapsulation changes nothing of what is decoded");
    }
  }
  if (w.v6) {  // Teredo carries IPv6 only
    const Bytes teredo = w.ethernet(w.outer_udp(3544, ip), 0x0800);
    FUZZ_CHECK(same(raw, decode(DLT_EN10MB, teredo)), "Teredo changes nothing of what is decoded");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const int dlt = kLinkTypes[data[0] % kLinkTypes.size()];
  const Bytes bytes(data + 1, data + size);
  const Decoded d = decode(dlt, bytes);

  FUZZ_CHECK(capture::is_supported_link_type(dlt) == (d.status != DecodeStatus::unsupported_link),
             "unsupported_link exactly for unsupported link types");
  if (d.status == DecodeStatus::ok) {
    const PacketFacts& p = d.facts;
    FUZZ_CHECK(p.transport == Transport::tcp || p.transport == Transport::udp, "TCP or UDP");
    FUZZ_CHECK(p.src.family() == p.dst.family(), "both addresses of one IP version");
    check_signature(d);

    HostDirectory dir(PortKnowledge::builtin());
    PacketFacts facts = p;
    facts.signature = d.signature ? &*d.signature : nullptr;
    dir.observe(facts);
    const HostProfile* sender = dir.find(p.src);
    FUZZ_CHECK(sender != nullptr && sender->packets() == 1, "the sender is recorded");
    fuzz::check_inference(*sender, dir.knowledge());
    // What `portclass profile --json` would write of this packet, `--merge` reads back.
    const nlohmann::json written = to_json(dir);
    HostDirectory reread(dir.knowledge());
    auto merged = merge_from_json(written, reread);
    if (!merged) std::fprintf(stderr, "merge_from_json: %s\n", merged.error().message.c_str());
    FUZZ_CHECK(merged.ok() && to_json(reread) == written, "the profiles round-trip through JSON");
  } else {
    FUZZ_CHECK(!d.signature, "no signature without a packet");
  }
  if (dlt == DLT_RAW && !bytes.empty() && ((bytes[0] >> 4) == 4 || (bytes[0] >> 4) == 6))
    check_encapsulation_independence(bytes, d);
  return 0;
}
