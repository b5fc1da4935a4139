// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: profile JSON (profile_json.hpp), the document
// `portclass profile --json` writes and `portclass profile --merge` and
// `portclass-nft --from-profile` read. The input is parsed as JSON the way
// the command line does (nlohmann::json, no exceptions here); text that is
// not JSON stops there.
//
// Asserts, beyond "no crash":
//  - merge_from_json on a directory that already holds a host: on error the
//    directory is untouched (nothing half-read) and the message is one
//    printable line, on success the count returned is the number of hosts in
//    the document and every host key is an address in full (no NUL inside);
//  - round trip: merging the document into an empty directory, then its
//    to_json() into another empty directory, gives the same JSON;
//  - inference and findings on every merged host are well formed
//    (fuzz_support.hpp);
//  - import_profiles (the nft helper's --from-profile) either refuses the
//    document or gives subnets with non-empty ranges, sorted by address.
#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "portclass/host_directory.hpp"
#include "portclass/nft/profile_import.hpp"
#include "portclass/profile_json.hpp"

namespace {

using namespace portclass;
using nlohmann::json;

// A directory with one host, to see that a refused document leaves it alone.
HostDirectory populated() {
  HostDirectory dir(PortKnowledge::builtin());
  PacketFacts p;
  p.src = IpAddress::parse("192.0.2.1").value();
  p.dst = IpAddress::parse("198.51.100.7").value();
  p.src_port = 40000;
  p.dst_port = 443;
  p.ttl = 64;
  p.tcp = TcpFlags{true, false, false, false};
  const TcpSignature syn = parse_signature_key("4:64:0:1460:64240,7:mss,sok,ts,nop,ws:df,id+:0", false).value();
  p.signature = &syn;
  p.when = 1'000'000;
  dir.observe(p);
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const json doc = json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return 0;
  const PortKnowledge& knowledge = PortKnowledge::builtin();

  HostDirectory dir = populated();
  const json before = to_json(dir);
  auto merged = merge_from_json(doc, dir);
  if (!merged) {
    fuzz::check_error(merged.error());
    FUZZ_CHECK(to_json(dir) == before, "a refused document leaves the directory untouched");
  } else {
    FUZZ_CHECK(*merged == doc.at("hosts").size(), "the count is the number of hosts in the document");
    for (const auto& [key, value] : doc.at("hosts").items())
      FUZZ_CHECK(key.find('\0') == std::string::npos, "an accepted address is the whole key, not its C-string prefix");

    HostDirectory first(knowledge);
    auto again = merge_from_json(doc, first);
    FUZZ_CHECK(again && *again == *merged, "merging is repeatable");
    const json written = to_json(first);
    HostDirectory second(knowledge);
    auto reread = merge_from_json(written, second);
    FUZZ_CHECK(reread.ok(), "portclass reads back what it writes");
    FUZZ_CHECK(to_json(second) == written, "to_json after merge_from_json round-trips");
    for (const auto& [address, profile] : first.hosts()) fuzz::check_inference(profile, knowledge);
  }

  auto imported = nft::import_profiles(doc, knowledge.profiles(), {});
  if (imported) {
    for (std::size_t i = 0; i < imported->subnets.size(); ++i) {
      FUZZ_CHECK(!imported->subnets[i].range().ports.empty(), "an imported subnet has a range");
      if (i > 0)
        FUZZ_CHECK(imported->subnets[i - 1].prefix.network() < imported->subnets[i].prefix.network(),
                   "imported subnets are sorted by address");
    }
  } else {
    fuzz::check_error(imported.error());
  }
  return 0;
}
