// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: the OS profile TOML format (os_profile.hpp), i.e. the
// user profile file given to `portclass --profiles FILE` and to the nft
// helper's `profiles = "..."`. OsProfileDb::load_file reads the file and
// hands its text to OsProfileDb::parse_toml, which is what this calls. The
// same text also goes through NotablePortDb::parse_toml (same field readers).
//
// Asserts, beyond "no crash":
//  - parse_toml ok => every profile is what the header promises: valid id
//    and family, unique ids, a non-empty ephemeral range, at least one
//    source, a prior in (0, 1000];
//  - builtin().overridden_by(user) holds every user profile by id, equal to
//    it, and every built-in id (user ones replace, never remove);
//  - a PortKnowledge built with the merged database answers inference on a
//    few fixed hosts with well-formed probabilities (fuzz_support.hpp), so a
//    hostile prior or range cannot poison `portclass profile`.
#include <set>
#include <string>

#include "fuzz_support.hpp"
#include "portclass/host_profile.hpp"
#include "portclass/knowledge.hpp"
#include "portclass/notable_ports.hpp"
#include "portclass/os_profile.hpp"

namespace {

using namespace portclass;

// Hosts that exercise every term of the model: ports in and out of common
// ranges, even ports, a +1 counter, TTLs and SYN layouts.
const std::vector<HostProfile>& sample_hosts() {
  static const std::vector<HostProfile> hosts = [] {
    std::vector<HostProfile> out(3);
    for (Port p = 32768; p < 32768 + 40; p += 2) out[0].add_client_port(Transport::tcp, p, p, true);
    for (int i = 0; i < 10; ++i)
      out[0].add_packet(Transport::tcp, 64),
          out[0].add_signature_key(false, "4:64:0:1460:64240,7:mss,sok,ts,nop,ws:df,id+:0");
    for (Port p = 1025; p < 1045; ++p) out[1].add_client_port(Transport::tcp, p, p, true);
    for (int i = 0; i < 10; ++i)
      out[1].add_packet(Transport::tcp, 128), out[1].add_packet(Transport::tcp, 60),
          out[1].add_signature_key(false, "4:128:0:1460:64240,8:mss,nop,ws,nop,nop,sok:df,id+:0");
    out[2].add_client_port(Transport::udp, 5353, 1, true);
    out[2].add_server_port(Transport::tcp, 40000);
    return out;
  }();
  return hosts;
}

void check_db(const OsProfileDb& user) {
  std::set<std::string> ids;
  for (const OsProfile& p : user.profiles()) {
    FUZZ_CHECK(is_valid_profile_id(p.id) && is_valid_profile_id(p.family), "valid id and family");
    FUZZ_CHECK(ids.insert(p.id).second, "unique ids");
    FUZZ_CHECK(!p.ephemeral.empty(), "a profile has an ephemeral range");
    FUZZ_CHECK(!p.sources.empty(), "a profile names its sources");
    FUZZ_CHECK(p.prior > 0.0 && p.prior <= 1000.0, "prior in (0, 1000]");
    FUZZ_CHECK(user.find(p.id) == &p, "find() returns the profile");
  }

  const OsProfileDb& builtin = OsProfileDb::builtin();
  const OsProfileDb merged = builtin.overridden_by(user);
  for (const OsProfile& p : user.profiles()) {
    const OsProfile* q = merged.find(p.id);
    FUZZ_CHECK(q && q->ephemeral == p.ephemeral && q->family == p.family && q->prior == p.prior,
               "a user profile replaces or adds by id");
  }
  std::size_t added = 0;
  for (const OsProfile& p : user.profiles()) added += builtin.find(p.id) == nullptr;
  FUZZ_CHECK(merged.profiles().size() == builtin.profiles().size() + added, "overriding never removes a profile");
  for (const OsProfile& p : builtin.profiles()) FUZZ_CHECK(merged.find(p.id) != nullptr, "built-in ids survive");
  for (const OsProfile* p : merged.containing(40000)) FUZZ_CHECK(p->ephemeral.contains(Port{40000}), "containing()");

  const PortKnowledge& base = PortKnowledge::builtin();
  const PortKnowledge knowledge(base.services(), merged, base.notable());
  for (const HostProfile& host : sample_hosts()) fuzz::check_inference(host, knowledge);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  auto user = OsProfileDb::parse_toml(text, "fuzz.toml");
  if (user) {
    check_db(*user);
  } else {
    fuzz::check_error(user.error());
    FUZZ_CHECK(user.error().message.find("fuzz.toml") != std::string::npos, "an error names the file");
  }
  auto notable = NotablePortDb::parse_toml(text, "fuzz-notable.toml");
  if (notable) {
    for (const NotablePortUse& use : notable->uses())
      for (const NotablePortUse* m : notable->overlapping(use.ports)) FUZZ_CHECK(m != nullptr, "overlapping()");
  } else {
    fuzz::check_error(notable.error());
    FUZZ_CHECK(notable.error().message.find("fuzz-notable.toml") != std::string::npos, "an error names the file");
  }
  return 0;
}
