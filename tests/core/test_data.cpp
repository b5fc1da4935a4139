// SPDX-License-Identifier: GPL-2.0-or-later
// Services registry, OS profile database and notable ports.
#include <catch2/catch.hpp>

#include <filesystem>

#include "portclass/knowledge.hpp"
#include "portclass/notable_ports.hpp"
#include "portclass/os_profile.hpp"
#include "portclass/services.hpp"

using namespace portclass;

TEST_CASE("services files parse in both the IANA and the netbase format", "[services]") {
  const auto reg = ServiceRegistry::parse(
                       "# comment\n"
                       "domain\t\t53/tcp/udp\t# Domain Name Server\n"
                       "ssh 22/tcp\n"
                       "kerberos 88/udp kerberos5 krb5 # Kerberos v5\n"
                       "garbage line\n"
                       "bad 70000/tcp\n"
                       "sctponly 9/sctp\n",
                       "inline")
                       .value();
  CHECK(reg.name(53, Transport::udp).value() == "domain");
  CHECK(reg.name(53, Transport::tcp).value() == "domain");
  CHECK(reg.lookup(53, Transport::udp).front().description == "Domain Name Server");
  CHECK(reg.name(22, Transport::tcp).value() == "ssh");
  CHECK_FALSE(reg.name(22, Transport::udp).has_value());
  CHECK(reg.name(88, Transport::udp).value() == "kerberos");
  CHECK_FALSE(reg.is_named(9, Transport::tcp));
  CHECK(reg.size() == 4);
}

TEST_CASE("the system registry is the built-in copy of the IANA registry, read from no file", "[services]") {
  const auto& reg = ServiceRegistry::system();
  CHECK(reg.origin() == ServiceRegistry::kBuiltinOrigin);
  CHECK(reg.size() > 5000);
  CHECK(reg.name(53, Transport::udp).value() == "domain");
  CHECK(reg.name(443, Transport::tcp).value() == "https");
  // Not in /etc/services: the name that went missing on Wireshark 4.4 hosts.
  CHECK(reg.name(1423, Transport::tcp).value() == "essbase");
  CHECK(reg.load_file("/nonexistent/services").error().message.find("/nonexistent/services") != std::string::npos);
}

TEST_CASE("the built-in OS database has every family of the facts file with sources", "[profiles]") {
  const auto& db = OsProfileDb::builtin();
  for (const char* id : {"linux", "linux-2.6.23", "windows", "windows-xp", "macos", "ios", "freebsd", "openbsd",
                         "netbsd", "solaris", "aix", "zos", "android", "nat-gateway"}) {
    INFO(id);
    const OsProfile* p = db.find(id);
    REQUIRE(p != nullptr);
    CHECK_FALSE(p->sources.empty());
    CHECK_FALSE(p->ephemeral.empty());
  }
  CHECK(db.find("linux")->ephemeral.to_string() == "32768-60999");
  CHECK(db.find("linux-2.6.23")->ephemeral.to_string() == "32768-61000");
  CHECK(db.find("windows")->ephemeral.to_string() == "49152-65535");
  CHECK(db.find("windows")->initial_ttl == 128);
  CHECK(db.find("windows-xp")->ephemeral.to_string() == "1025-5000");
  CHECK(db.find("windows-xp")->selection == PortSelection::global_counter);
  CHECK(db.find("freebsd")->ephemeral.to_string() == "10000-65535");
  CHECK(db.find("netbsd")->selection == PortSelection::count_down);
  CHECK(db.find("linux")->selection == PortSelection::even_connect);
  CHECK(db.find("nat-gateway")->gateway);

  std::vector<std::string> containing;
  for (const auto* p : db.containing(60248)) containing.push_back(p->id);
  CHECK(std::find(containing.begin(), containing.end(), "linux") != containing.end());
  CHECK(std::find(containing.begin(), containing.end(), "windows") != containing.end());
  containing.clear();
  for (const auto* p : db.containing(61000)) containing.push_back(p->id);
  CHECK(std::find(containing.begin(), containing.end(), "linux") == containing.end());
  CHECK(std::find(containing.begin(), containing.end(), "linux-2.6.23") != containing.end());
}

TEST_CASE("a user profile file adds and overrides profiles", "[profiles]") {
  const auto user = OsProfileDb::parse_toml(R"(
[[profile]]
id = "linux"
family = "linux"
name = "Our tuned Linux fleet"
ranges = ["20000-29999"]
initial_ttl = 64
selection = "even-connect"
sources = ["our sysctl.conf"]

[[profile]]
id = "appliance"
family = "embedded"
ranges = ["1024-4999", "60000-60010"]
initial_ttl = 255
sources = ["vendor manual"]
)",
                                            "user.toml")
                        .value();
  const auto db = OsProfileDb::builtin().overridden_by(user);
  CHECK(db.profiles().size() == OsProfileDb::builtin().profiles().size() + 1);
  CHECK(db.find("linux")->ephemeral.to_string() == "20000-29999");
  CHECK(db.find("appliance")->ephemeral.to_string() == "1024-4999,60000-60010");
  CHECK(db.find("appliance")->selection == PortSelection::random);
}

TEST_CASE("hostile or broken profile files are refused with the place named", "[profiles]") {
  struct Case {
    const char* text;
    const char* expect;
  };
  const Case cases[] = {
      {"[[profile]]\nid = \"x; drop\"\nfamily=\"f\"\nranges=[\"1-2\"]\ninitial_ttl=64\nsources=[\"s\"]\n", "id"},
      {"[[profile]]\nid = \"x\"\nfamily=\"F A\"\nranges=[\"1-2\"]\ninitial_ttl=64\nsources=[\"s\"]\n", "family"},
      {"[[profile]]\nid = \"x\"\nfamily=\"f\"\nranges=[\"2-1\"]\ninitial_ttl=64\nsources=[\"s\"]\n", "2-1"},
      {"[[profile]]\nid = \"x\"\nfamily=\"f\"\nranges=[\"1-2\"]\ninitial_ttl=300\nsources=[\"s\"]\n", "initial_ttl"},
      {"[[profile]]\nid = \"x\"\nfamily=\"f\"\nranges=[\"1-2\"]\ninitial_ttl=64\n", "sources"},
      {"[[profile]]\nid = \"x\"\nfamily=\"f\"\nranges=[]\ninitial_ttl=64\nsources=[\"s\"]\n", "ranges"},
      {"[[profile]]\nid = \"x\"\nfamily=\"f\"\nranges=[\"1\"]\ninitial_ttl=64\nsources=[\"s\"]\nselection=\"magic\"\n",
       "magic"},
      {"[[profile]]\nid = \"x\"\nfamily=\"f\"\nranges=[\"1\"]\ninitial_ttl=64\nsources=[\"s\"]\ncolour=1\n", "colour"},
      {"[[profile]]\nid = \"x\"\nfamily=\"f\"\nname=\"a\\u0007b\"\nranges=[\"1\"]\ninitial_ttl=64\nsources=[\"s\"]\n",
       "control"},
      {"[[profile]]\nid = \"x\"\nfamily=\"f\"\nranges=[\"1\"]\ninitial_ttl=64\nsources=[\"s\"]\n"
       "[[profile]]\nid = \"x\"\nfamily=\"f\"\nranges=[\"1\"]\ninitial_ttl=64\nsources=[\"s\"]\n",
       "duplicate"},
      {"[[profile]\nid=", "bad.toml:1"},
      {"", "no [[profile]]"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto db = OsProfileDb::parse_toml(c.text, "bad.toml");
    REQUIRE_FALSE(db.ok());
    CHECK(db.error().message.find(c.expect) != std::string::npos);
    CHECK(db.error().message.find('\n') == std::string::npos);
  }
  CHECK_FALSE(OsProfileDb::load_file("/nonexistent.toml").ok());
}

TEST_CASE("notable uses explain ports the registry does not", "[notable]") {
  const auto& db = NotablePortDb::builtin();
  auto names = [&](Port p) {
    std::vector<std::string> out;
    for (const auto* u : db.matching(p)) out.push_back(u->name);
    return out;
  };
  const auto k8s = names(30080);
  CHECK(std::find(k8s.begin(), k8s.end(), "Kubernetes NodePort") != k8s.end());
  const auto mosh = names(60001);
  CHECK(std::find(mosh.begin(), mosh.end(), "mosh") != mosh.end());
  CHECK_FALSE(NotablePortDb::parse_toml(
                  "[[use]]\nports=\"1\"\nname=\"n\"\nkind=\"weird\"\ndescription=\"d\"\nsource=\"s\"\n", "x")
                  .ok());
}

TEST_CASE("notable uses: at least 100, every one with a source, the cases explainer pages name", "[notable]") {
  const auto& db = NotablePortDb::builtin();
  CHECK(db.uses().size() >= 100);
  for (const auto& u : db.uses()) {
    INFO(u.name);
    CHECK_FALSE(u.source.empty());
    CHECK_FALSE(u.description.empty());
  }
  const auto find = [&](Port p, std::string_view needle) -> const NotablePortUse* {
    for (const auto* u : db.matching(p))
      if (u->name.find(needle) != std::string::npos) return u;
    return nullptr;
  };
  const auto* netlify = find(60248, "Netlify");
  REQUIRE(netlify != nullptr);
  CHECK(netlify->weak);  // third-party explainer pages only
  CHECK(netlify->tcp);
  const auto* xsan = find(60714, "Xsan");
  REQUIRE(xsan != nullptr);
  CHECK(xsan->ports.contains(49152));
  CHECK(xsan->ports.contains(65535));
  CHECK(xsan->source.find("HT202944") != std::string::npos);
  CHECK(xsan->kind == "client-range");  // must not make every dynamic port look like a server
  for (const auto& [port, needle] : std::vector<std::pair<Port, std::string_view>>{{3000, "Rails"},
                                                                                   {5173, "Vite"},
                                                                                   {8888, "Jupyter"},
                                                                                   {2375, "Docker"},
                                                                                   {6443, "Kubernetes API"},
                                                                                   {10250, "kubelet"},
                                                                                   {2380, "etcd"},
                                                                                   {31000, "NodePort"},
                                                                                   {5060, "SIP"},
                                                                                   {15000, "Asterisk"},
                                                                                   {20000, "Cisco RTP"},
                                                                                   {27020, "Steam"},
                                                                                   {25565, "Minecraft"},
                                                                                   {3074, "Xbox"},
                                                                                   {1194, "OpenVPN"},
                                                                                   {5432, "PostgreSQL"},
                                                                                   {6379, "Redis"},
                                                                                   {27017, "MongoDB"},
                                                                                   {9200, "Elasticsearch"}}) {
    INFO(port << " " << needle);
    CHECK(find(port, needle) != nullptr);
  }
}

TEST_CASE("notable-ports loader refuses hostile files with file, entry and key named", "[notable]") {
  const std::string good = "ports=\"1\"\nname=\"n\"\nkind=\"service\"\ndescription=\"d\"\n";
  struct Case {
    std::string text, expect;
  };
  const std::vector<Case> cases = {
      {"[[use]]\n" + good, "source"},
      {"[[use]]\n" + good + "source=\"\"\n", "source is empty"},
      {"[[use]]\n" + good + "source=\"s\"\nconfidence=\"sure\"\n", "confidence 'sure'"},
      {"[[use]]\n" + good + "source=\"s\"\nconfidence=3\n", "confidence"},
      {"[[use]]\n" + good + "source=\"s\"\nconfidnce=\"weak\"\n", "confidnce"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto db = NotablePortDb::parse_toml(c.text, "bad.toml");
    REQUIRE_FALSE(db.ok());
    CHECK(db.error().message.find(c.expect) != std::string::npos);
    CHECK(db.error().message.find("bad.toml") != std::string::npos);
    CHECK(db.error().message.find("use #1") != std::string::npos);
    CHECK(db.error().message.find('\n') == std::string::npos);
  }
  auto weak = NotablePortDb::parse_toml("[[use]]\n" + good + "source=\"s\"\nconfidence=\"weak\"\n", "ok.toml");
  REQUIRE(weak.ok());
  CHECK(weak.value().uses().at(0).weak);
}

TEST_CASE("port knowledge ranks service ports above ephemeral ones", "[knowledge]") {
  const auto& k = PortKnowledge::builtin();
  CHECK(k.server_likeness(443, Transport::tcp) > k.server_likeness(50000, Transport::tcp));
  CHECK(k.server_likeness(53, Transport::udp) > k.server_likeness(33333, Transport::udp));
  CHECK(k.server_likeness(8080, Transport::tcp) > k.server_likeness(44321, Transport::tcp));
  CHECK(k.in_any_ephemeral_range(40000));
  CHECK_FALSE(k.in_any_ephemeral_range(80));
}
