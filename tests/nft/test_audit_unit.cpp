// SPDX-License-Identifier: GPL-2.0-or-later
// The audit's reading of kernel bytecode, on hand-written expression lists
// shaped like the ones nft 1.0.6 emits (`nft --debug=netlink`). The same
// checks run against rulesets really loaded in a namespace in
// test_kernel.cpp; these keep the logic covered without root.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <cstring>

#include "portclass/nft/audit.hpp"

using namespace portclass;
using namespace portclass::nft;

namespace {

RawBytes u32(std::uint32_t v) {
  RawBytes b(4);
  std::memcpy(b.data(), &v, 4);
  return b;
}

KernelExpr ct(std::uint32_t key) {
  KernelExpr e;
  e.name = "ct";
  e.key = key;
  e.dreg = 1;
  return e;
}
KernelExpr meta(std::uint32_t key) {
  KernelExpr e;
  e.name = "meta";
  e.key = key;
  e.dreg = 1;
  return e;
}
KernelExpr payload(std::uint32_t base, std::uint32_t offset, std::uint32_t len) {
  KernelExpr e;
  e.name = "payload";
  e.base = base;
  e.offset = offset;
  e.len = len;
  e.dreg = 1;
  return e;
}
KernelExpr bitwise(RawBytes mask) {
  KernelExpr e;
  e.name = "bitwise";
  e.sreg = e.dreg = 1;
  e.data = std::move(mask);
  e.len = 4;
  return e;
}
KernelExpr cmp(std::uint32_t op, RawBytes data) {
  KernelExpr e;
  e.name = "cmp";
  e.sreg = 1;
  e.op = op;
  e.data = std::move(data);
  return e;
}
KernelExpr lookup(std::string set) {
  KernelExpr e;
  e.name = "lookup";
  e.sreg = 1;
  e.set = std::move(set);
  return e;
}
KernelExpr verdict(int v) {
  KernelExpr e;
  e.name = "immediate";
  e.has_verdict = true;
  e.verdict = v;
  return e;
}

std::vector<KernelExpr> ct_state(std::uint32_t bits) {
  return {ct(NFT_CT_STATE), bitwise(u32(bits)), cmp(NFT_CMP_NEQ, u32(0))};
}

struct Table {
  KernelRuleset rs;
  Table(std::uint32_t policy) {
    rs.tables.emplace_back(NFPROTO_INET, "t");
    KernelChain c;
    c.family = NFPROTO_INET;
    c.table = "t";
    c.name = "input";
    c.base = true;
    c.hook = NF_INET_LOCAL_IN;
    c.policy = policy;
    c.type = "filter";
    rs.chains.push_back(c);
  }
  void rule(std::vector<std::vector<KernelExpr>> parts) {
    KernelRule r;
    r.family = NFPROTO_INET;
    r.table = "t";
    r.chain = "input";
    r.handle = rs.rules.size() + 2;
    for (auto& p : parts) r.exprs.insert(r.exprs.end(), p.begin(), p.end());
    rs.rules.push_back(r);
  }
  void port_set(const std::string& name, const char* ports) {
    KernelSet s;
    s.family = NFPROTO_INET;
    s.table = "t";
    s.name = name;
    s.key_len = 2;
    s.flags = NFT_SET_INTERVAL;
    s.elements = port_intervals(PortSet::parse(ports).value());
    rs.sets.push_back(s);
  }
  void nd() {  // icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
    KernelSet s;
    s.family = NFPROTO_INET;
    s.table = "t";
    s.name = "__set9";
    s.key_len = 1;
    s.elements = {Interval{{135}, {135}}, Interval{{136}, {136}}};
    rs.sets.push_back(s);
    rule({{meta(NFT_META_NFPROTO), cmp(NFT_CMP_EQ, {NFPROTO_IPV6}), meta(NFT_META_L4PROTO),
           cmp(NFT_CMP_EQ, {IPPROTO_ICMPV6}), payload(NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1), lookup("__set9"),
           verdict(NF_ACCEPT)}});
  }
};

HostFacts linux_host() {
  HostFacts h;
  h.range.range = PortRange{32768, 60999};
  return h;
}

std::vector<std::string> codes(const AuditReport& r) {
  std::vector<std::string> out;
  for (const Finding& f : r.findings) out.push_back(f.code);
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("the blanket one-liner is too open twice over", "[audit]") {
  Table t(NF_DROP);
  t.rule({ct_state(kCtEstablished | kCtRelated), {verdict(NF_ACCEPT)}});
  t.nd();
  const auto c = codes(audit(t.rs, linux_host()));
  CHECK(contains(c, "blanket-established"));
  CHECK(contains(c, "related-beyond-icmp"));
  CHECK_FALSE(contains(c, "return-range-too-narrow"));  // it lets every reply in
}

TEST_CASE("a precise return rule gives nothing", "[audit]") {
  Table t(NF_DROP);
  t.port_set("eph", "32768-60999");
  t.rule({ct_state(kCtEstablished),
          {ct(NFT_CT_DIRECTION), cmp(NFT_CMP_EQ, {1}), payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2), lookup("eph"),
           verdict(NF_ACCEPT)}});
  t.nd();
  CHECK(audit(t.rs, linux_host()).findings.empty());
}

TEST_CASE("too wide, too narrow and missing neighbour discovery", "[audit]") {
  Table wide(NF_DROP);
  wide.port_set("p", "1024-65535");
  wide.rule({ct_state(kCtEstablished),
             {ct(NFT_CT_DIRECTION), cmp(NFT_CMP_EQ, {1}), payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2), lookup("p"),
              verdict(NF_ACCEPT)}});
  wide.nd();
  auto c = codes(audit(wide.rs, linux_host()));
  CHECK(c == std::vector<std::string>{"return-range-too-wide"});

  Table narrow(NF_DROP);
  narrow.port_set("p", "40000-60999");
  narrow.rule({ct_state(kCtEstablished),
               {ct(NFT_CT_DIRECTION), cmp(NFT_CMP_EQ, {1}), payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2), lookup("p"),
                verdict(NF_ACCEPT)}});
  const auto report = audit(narrow.rs, linux_host());
  c = codes(report);
  CHECK(std::count(c.begin(), c.end(), "return-range-too-narrow") == 2);  // tcp and udp
  CHECK(contains(c, "missing-neighbour-discovery"));
  CHECK(report.findings.front().message.find("32768-39999") != std::string::npos);
}

TEST_CASE("a listener inside the range is reported unless the port is reserved", "[audit]") {
  Table t(NF_ACCEPT);
  HostFacts h = linux_host();
  h.listening.push_back(ListeningSocket{Transport::tcp, 50000, "0.0.0.0"});
  h.listening.push_back(ListeningSocket{Transport::tcp, 22, "0.0.0.0"});
  CHECK(codes(audit(t.rs, h)) == std::vector<std::string>{"service-in-ephemeral"});
  h.range.reserved = PortSet::parse("50000").value();
  CHECK(audit(t.rs, h).findings.empty());
}

TEST_CASE("listeners are reported per transport: the same port on TCP and UDP is two services", "[audit]") {
  Table t(NF_ACCEPT);
  HostFacts h = linux_host();
  h.listening.push_back(ListeningSocket{Transport::tcp, 50000, "0.0.0.0"});
  h.listening.push_back(ListeningSocket{Transport::tcp, 50000, "::"});  // the same service on IPv6
  h.listening.push_back(ListeningSocket{Transport::udp, 50000, "0.0.0.0"});
  const auto report = audit(t.rs, h);
  REQUIRE(report.findings.size() == 2);
  CHECK(report.findings[0].rule == "tcp port 50000");
  CHECK(report.findings[0].message.find("a TCP service") != std::string::npos);
  CHECK(report.findings[1].rule == "udp port 50000");
  CHECK(report.findings[1].message.find("a UDP service") != std::string::npos);
}
