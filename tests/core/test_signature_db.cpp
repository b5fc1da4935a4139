// SPDX-License-Identifier: GPL-2.0-or-later
// SignatureDb: p0f `sig` parsing, file loading (all or nothing, one-line
// errors with file:line), the label -> OS-profile mapping, p0f 3.09b's
// matching rules, the built-in file and the command-line loading helper.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <fstream>

#include "portclass/os_profile.hpp"
#include "portclass/signature_db.hpp"
#include "portclass/signature_options.hpp"

using namespace portclass;

namespace {

const std::filesystem::path kP0fDb{std::string(SignatureDb::kDefaultP0fPath)};

// A Linux 3.11+ SYN as p0f sees one: "4:64+0:0:1460:mss*20,7:mss,sok,ts,nop,ws:df,id+:0".
TcpSignature linux_syn(std::uint8_t ttl = 64) {
  TcpSignature s;
  s.ip_version = 4;
  s.ttl = ttl;
  s.mss = 1460;
  s.window = 29200;
  s.window_scale = 7;
  s.layout = "mss,sok,ts,nop,ws";
  s.quirks = quirk_df | quirk_id_plus;
  s.timestamp = 12345;
  return s;
}

TcpSignature windows10_syn() {
  TcpSignature s;
  s.ip_version = 4;
  s.ttl = 128;
  s.mss = 1460;
  s.window = 64240;
  s.window_scale = 8;
  s.layout = "mss,nop,ws,nop,nop,sok";
  s.quirks = quirk_df | quirk_id_plus;
  return s;
}

// A small file in p0f's syntax, with sources.
constexpr std::string_view kSmall =
    "classes = win,unix,other\n"
    "[tcp:request]\n"
    "label = s:unix:Linux:3.11 and newer\n"
    "source = test\n"
    "sig   = *:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0\n"
    "label = g:unix:Linux:2.2.x-3.x\n"
    "source = test\n"
    "sig   = *:64:0:*:*,*:mss,sok,ts,nop,ws:df,id+:0\n"
    "label = s:win:Windows:7 or 8\n"
    "source = test\n"
    "sig   = *:128:0:*:8192,8:mss,nop,ws,nop,nop,sok:df,id+:0\n"
    "label = s:!:NMap:SYN scan\n"
    "sys   = @unix,@win\n"
    "source = test\n"
    "sig   = *:64-:0:1460:1024,0:mss::0\n"
    "[tcp:response]\n"
    "label = s:unix:Linux:3.x\n"
    "source = test\n"
    "sig   = *:64:0:*:mss*10,*:mss,sok,ts,nop,ws:df:0\n"
    "[mtu]\n"
    "label = Ethernet or modem\n"
    "sig   = 1500\n"
    "label = DSL\n"
    "sig   = 1492\n"
    "[http:request]\n"
    "ua_os = Linux,Windows\n"
    "label = s:!:Firefox:10.x or newer\n"
    "sig   = *:Host,User-Agent:Accept-Charset:Firefox/\n";

SignatureDb small_db() {
  SignatureDb db;
  REQUIRE(db.load_text(kSmall, "small.fp", true).ok());
  return db;
}

std::string load_error(std::string_view text, bool require_sources = true) {
  SignatureDb db;
  auto r = db.load_text(text, "bad.fp", require_sources);
  REQUIRE_FALSE(r.ok());
  CHECK(db.size() == 0);
  return r.error().message;
}

}  // namespace

TEST_CASE("p0f sig values parse, wildcards and all, and print back canonically", "[signatures]") {
  const auto p = SignaturePattern::parse("*:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0").value();
  CHECK(p.ip_version == 0);
  CHECK(p.initial_ttl == 64);
  CHECK_FALSE(p.mss);
  CHECK(p.window_kind == SignaturePattern::Window::mss_multiple);
  CHECK(p.window_value == 20);
  CHECK(p.window_scale == 10);
  CHECK(p.layout == "mss,sok,ts,nop,ws");
  CHECK(p.quirks == (quirk_df | quirk_id_plus));
  CHECK(p.payload_class == '0');

  // p0f's raw_sig form (observed TTL + distance) is accepted and kept as the sum.
  const auto raw = SignaturePattern::parse("4:58+6:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0").value();
  CHECK(raw.initial_ttl == 64);
  CHECK(raw.to_string() == "4:64:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0");

  const auto nmap = SignaturePattern::parse("*:64-:0:265:%512,*:mss,sok,ts,eol+0:ack+:*").value();
  CHECK(nmap.ttl_random);
  CHECK(nmap.window_kind == SignaturePattern::Window::modulo);
  CHECK(nmap.to_string() == "*:64-:0:265:%512,*:mss,sok,ts,eol+0:ack+:*");

  for (std::string_view text : {"6:64:0:1440:mtu*4,0:mss,?30::+", "*:255:4:*:*,*:::0", "4:128:0:0:0,0:nop,eol+18::0"}) {
    INFO(text);
    const auto q = SignaturePattern::parse(text).value();
    CHECK(q.to_string() == text);
    CHECK(SignaturePattern::parse(q.to_string()).value() == q);
  }
}

TEST_CASE("bad sig values name the field and the problem", "[signatures]") {
  const auto error = [](std::string_view text) {
    auto r = SignaturePattern::parse(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find('\n') == std::string::npos);
    return r.error().message;
  };
  CHECK_THAT(error("4:64:0:*:mss*20,7:mss"), Catch::Contains("not 8"));
  CHECK_THAT(error("5:64:0:*:*,*:mss::0"), Catch::Contains("IP version"));
  CHECK_THAT(error("4:0:0:*:*,*:mss::0"), Catch::Contains("initial TTL"));
  CHECK_THAT(error("4:300:0:*:*,*:mss::0"), Catch::Contains("initial TTL"));
  CHECK_THAT(error("4:250+10:0:*:*,*:mss::0"), Catch::Contains("more than 255"));
  CHECK_THAT(error("4:58+?:0:*:*,*:mss::0"), Catch::Contains("distance"));
  CHECK_THAT(error("4:64:0:70000:*,*:mss::0"), Catch::Contains("MSS"));
  CHECK_THAT(error("4:64:0:*:mss*0,*:mss::0"), Catch::Contains("multiplier"));
  CHECK_THAT(error("4:64:0:*:%1,*:mss::0"), Catch::Contains("%2"));
  CHECK_THAT(error("4:64:0:*:8192:mss::0"), Catch::Contains("wsize,scale"));
  CHECK_THAT(error("4:64:0:*:8192,300:mss::0"), Catch::Contains("window scale"));
  CHECK_THAT(error("4:64:0:*:8192,*:mss,foo::0"), Catch::Contains("option 'foo'"));
  CHECK_THAT(error("4:64:0:*:8192,*:eol+1,mss::0"), Catch::Contains("after eol"));
  CHECK_THAT(error("4:64:0:*:8192,*:mss:zz:0"), Catch::Contains("zz"));
  CHECK_THAT(error("6:64:0:*:8192,*:mss:df:0"), Catch::Contains("IPv4-only"));
  CHECK_THAT(error("4:64:0:*:8192,*:mss:flow:0"), Catch::Contains("flow"));
  CHECK_THAT(error("4:64:0:*:8192,*:mss::x"), Catch::Contains("payload class"));
  CHECK_THAT(error("4:64:0:\x1b[2J:*,*:mss::0"), Catch::Contains("\\x1b"));
}

TEST_CASE("every sig line of p0f's own database parses", "[signatures][p0f]") {
  if (!std::filesystem::exists(kP0fDb)) {
    WARN("SKIP: no p0f database at " << kP0fDb.string() << " (install the p0f package)");
    return;
  }
  std::ifstream in(kP0fDb);
  std::string line, section;
  std::size_t tcp_sigs = 0;
  while (std::getline(in, line)) {
    if (line.starts_with('[')) section = line;
    if (!section.starts_with("[tcp:") || !line.starts_with("sig")) continue;
    const std::string value = line.substr(line.find('=') + 1);
    const auto text = value.substr(value.find_first_not_of(" \t"));
    INFO(text);
    auto p = SignaturePattern::parse(text);
    REQUIRE(p.ok());
    CHECK(SignaturePattern::parse(p->to_string()).value() == *p);
    ++tcp_sigs;
  }
  SignatureDb db;
  const auto loaded = db.load_file(kP0fDb, false);
  REQUIRE(loaded.ok());
  CHECK(*loaded == tcp_sigs);
  CHECK(db.size(false) + db.size(true) == tcp_sigs);
  CHECK(db.size(false) > 50);
  CHECK(db.size(true) > 50);
  CHECK(db.link_for_mss(1460, 4) == "Ethernet or modem");
  CHECK(db.link_for_mss(1452, 4) == "DSL");
  // p0f's database has no sources: requiring them refuses it, naming the first label.
  SignatureDb strict;
  const auto refused = strict.load_file(kP0fDb, true);
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error().message, Catch::Contains("p0f.fp:") && Catch::Contains("source"));
  CHECK(strict.size() == 0);
}

TEST_CASE("p0f labels map to portclass OS profiles", "[signatures][labels]") {
  const auto label_of = [](std::string_view label) {
    SignatureDb db;
    const std::string text = "[tcp:request]\nlabel = " + std::string(label) + "\nsig = *:64:0:*:*,*:mss::0\n";
    REQUIRE(db.load_text(text, "t", false).ok());
    return db.labels().front();
  };
  struct Row {
    std::string_view label;
    std::string_view profile;
    bool era_known;
  };
  const Row rows[] = {
      {"s:unix:Linux:(Android)", "android", true},
      {"s:unix:Linux:3.11 and newer", "linux", false},
      {"s:unix:Linux:3.1-3.10", "linux-2.6.23", true},
      {"s:unix:Linux:2.6.x", "linux-2.6.23", true},
      {"s:unix:Linux:2.4.x (loopback)", "linux-2.6.23", true},
      {"s:unix:Linux:2.2.x", "linux-2.6.23", true},
      {"s:unix:Linux:3.x", "linux-2.6.23", true},
      {"s:unix:Linux:4.20 and newer", "linux", true},
      {"g:unix:Linux:2.2.x-3.x", "linux", false},
      {"g:unix:Linux:3.x", "linux", false},
      {"s:win:Windows:XP", "windows-xp", true},
      {"g:win:Windows:NT kernel 5.x", "windows-xp", true},
      {"s:win:Windows:2000 SP4", "windows-xp", true},
      {"s:win:Windows:Server 2003", "windows-xp", true},
      {"s:win:Windows:7 or 8", "windows", true},
      {"g:win:Windows:NT kernel 6.x", "windows", true},
      {"s:win:Windows:10 or 11", "windows", true},
      {"g:win:Windows:NT kernel", "windows", false},
      {"s:unix:Mac OS X:10.x", "macos", true},
      {"s:unix:MacOS X:10.9 or newer (sometimes iPhone or iPad)", "macos", true},
      {"s:unix:iOS:iPhone or iPad", "ios", true},
      {"g:unix:FreeBSD:", "freebsd", true},
      {"s:unix:OpenBSD:5.x", "openbsd", true},
      {"s:unix:NetBSD:9", "netbsd", true},
      {"s:unix:Solaris:10", "solaris", true},
      {"s:unix:AIX:7", "aix", true},
      {"s:unix:HP-UX:11.x", "hpux", true},
      {"s:!:NMap:SYN scan", "", false},
      {"s:unix:p0f:sendsyn utility", "", false},
      {"s:unix:OpenVMS:8.x", "", false},
  };
  for (const Row& row : rows) {
    INFO(row.label);
    const SignatureLabel l = label_of(row.label);
    CHECK(l.profile_id == row.profile);
    if (!row.profile.empty()) CHECK(l.era_known == row.era_known);
  }
  // Every id named is a real profile.
  for (const Row& row : rows)
    if (!row.profile.empty()) CHECK(OsProfileDb::builtin().find(row.profile) != nullptr);
  CHECK(label_of("s:unix:Linux:3.11 and newer").display() == "Linux 3.11 and newer");
  CHECK(label_of("g:unix:FreeBSD:").display() == "FreeBSD");
}

TEST_CASE("files load section by section, http sections skipped on purpose", "[signatures]") {
  const SignatureDb db = small_db();
  CHECK(db.size(false) == 4);
  CHECK(db.size(true) == 1);
  CHECK(db.origins() == std::vector<std::string>{"small.fp"});
  CHECK(db.labels().size() == 5);  // Firefox's http label is not among them
  CHECK(db.link_for_mss(1460, 4) == "Ethernet or modem");
  CHECK(db.link_for_mss(1440, 6) == "Ethernet or modem");
  CHECK(db.link_for_mss(1452, 4) == "DSL");
  CHECK(db.link_for_mss(1000, 4).empty());
  CHECK(db.labels().front().origin == "small.fp");
  CHECK(db.labels().front().line == 3);
  CHECK(db.labels().front().source == "test");
}

TEST_CASE("a bad line is one error with file and line, and nothing of the file is kept", "[signatures]") {
  CHECK(load_error(
            "[tcp:request]\nlabel = s:unix:X:\nsource = t\nsig = 4:64:0:*:*,*:mss::0\nsig = 4:64:0:*:*,*:bogus::0\n") ==
        "bad.fp:5: option 'bogus' is unknown (eol+N, nop, mss, ws, sok, sack, ts, ?N)");
  CHECK_THAT(load_error("[tcp:request]\nlabel = s:unix:Linux:x\nsig = 4:64:0:*:*,*:mss::0\n"),
             Catch::StartsWith("bad.fp:2: label 'Linux x' has no 'source"));
  CHECK_THAT(load_error("[tcp:sideways]\n"), Catch::StartsWith("bad.fp:1: unknown section"));
  CHECK_THAT(load_error("sig = 4:64:0:*:*,*:mss::0\n"), Catch::StartsWith("bad.fp:1: sig before any section"));
  CHECK_THAT(load_error("[tcp:request]\nsig = 4:64:0:*:*,*:mss::0\n"),
             Catch::StartsWith("bad.fp:2: sig before any label"));
  CHECK_THAT(load_error("[tcp:request]\nlabel = x:unix:Linux:\n"), Catch::StartsWith("bad.fp:2: label type"));
  CHECK_THAT(load_error("classes = win\n[tcp:request]\nlabel = s:unix:Linux:\n"),
             Catch::StartsWith("bad.fp:3: label class 'unix'"));
  CHECK_THAT(load_error("[tcp:request]\nlabel = s:unix:Linux\n"), Catch::Contains("type:class:name:flavor"));
  CHECK_THAT(load_error("[tcp:request]\nlabel = s:unix:Li\x01nux:\n"), Catch::Contains("\\x01"));
  CHECK_THAT(load_error("[tcp:request]\nlabel = s:unix:Linux:\nlearned = maybe\n"),
             Catch::StartsWith("bad.fp:3: 'learned'"));
  CHECK_THAT(load_error("[tcp:request]\nfoo = 1\n"), Catch::StartsWith("bad.fp:2: unknown key 'foo'"));
  CHECK_THAT(load_error("[tcp:request]\njust words\n"), Catch::StartsWith("bad.fp:2: expected 'key = value'"));
  CHECK_THAT(load_error("[mtu]\nlabel = Ethernet\nsig = 99999\n"), Catch::StartsWith("bad.fp:3: MTU"));
  CHECK_THAT(load_error("[tcp:request]\nua_os = Linux\n"), Catch::StartsWith("bad.fp:2: 'ua_os'"));
  CHECK_THAT(load_error("[mtu]\nclasses = win\n"), Catch::StartsWith("bad.fp:2: 'classes' after"));
  std::string binary;
  for (int i = 0; i < 1024; ++i) binary += static_cast<char>(i % 256);
  const std::string garbage = load_error(binary);
  CHECK(garbage.find('\n') == std::string::npos);
  CHECK(std::all_of(garbage.begin(), garbage.end(), [](char c) { return c >= 0x20 && c < 0x7f; }));

  // A database that already holds signatures keeps exactly those.
  SignatureDb db = small_db();
  const std::size_t before = db.size();
  const auto r = db.load_text(
      "[tcp:request]\nlabel = s:unix:Y:\nsource = t\nsig = 4:64:0:*:*,*:mss::0\nsig = nonsense\n", "user.fp", true);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::StartsWith("user.fp:5: "));
  CHECK(db.size() == before);
  CHECK(db.labels().size() == 5);
  CHECK(db.origins().size() == 1);
  CHECK(db.match(linux_syn()).value().label->display() == "Linux 3.11 and newer");
}

TEST_CASE("matching follows p0f: specific exact, then generic, then fuzzy", "[signatures][match]") {
  const SignatureDb db = small_db();

  SECTION("a Linux 3.11 SYN is a specific exact match, its distance from the TTL") {
    const auto m = db.match(linux_syn(58)).value();
    CHECK(m.label->display() == "Linux 3.11 and newer");
    CHECK(m.kind == MatchKind::exact);
    CHECK(m.ttl_distance == 6);
    CHECK(m.line == 5);
    CHECK(m.pattern->to_string() == "*:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0");
  }
  SECTION("another window falls back on the generic signature of the same layout") {
    TcpSignature s = linux_syn();
    s.window = 64240;  // mss*44: not 3.11's mss*20
    const auto m = db.match(s).value();
    CHECK(m.label->display() == "Linux 2.2.x-3.x");
    CHECK(m.kind == MatchKind::generic);
  }
  SECTION("df and id+ may disappear, id- and ecn may appear: fuzzy") {
    TcpSignature s = linux_syn();
    s.quirks = quirk_df;  // IP ID zero
    auto m = db.match(s);
    REQUIRE(m);
    CHECK(m->kind == MatchKind::fuzzy);
    CHECK(m->label->display() == "Linux 3.11 and newer");
    s.quirks = quirk_df | quirk_id_plus | quirk_ecn;
    CHECK(db.match(s).value().kind == MatchKind::fuzzy);
    s.quirks = quirk_df | quirk_id_plus | quirk_ts2_plus;  // another quirk appearing: no match
    CHECK_FALSE(db.match(s));
  }
  SECTION("a TTL above the signature's, or more than 35 hops below, is fuzzy") {
    auto m = db.match(linux_syn(128)).value();  // a Linux layout with Windows' TTL
    CHECK(m.kind == MatchKind::fuzzy);
    CHECK(m.ttl_distance == 0);  // p0f guesses the distance from the TTL alone
    m = db.match(linux_syn(20)).value();
    CHECK(m.kind == MatchKind::fuzzy);
    CHECK(m.ttl_distance == 12);                                      // 32 - 20
    CHECK(db.match(linux_syn(29)).value().kind == MatchKind::exact);  // 35 hops: still exact
  }
  SECTION("the option layout, MSS, scale and payload class must agree") {
    TcpSignature s = linux_syn();
    s.layout = "mss,nop,nop,sok,nop,ws";
    CHECK_FALSE(db.match(s));
    s = linux_syn();
    s.payload = true;
    CHECK_FALSE(db.match(s));
  }
  SECTION("IPv6: a signature for both versions ignores df and id+, but a flow label is a quirk") {
    TcpSignature s = linux_syn();
    s.ip_version = 6;
    s.mss = 1440;
    s.window = 28800;  // mss*20
    s.quirks = 0;
    CHECK(db.match(s).value().kind == MatchKind::exact);
    s.quirks = quirk_flow;
    CHECK_FALSE(db.match(s));  // as in p0f: 'flow' appearing is not fuzzy
  }
  SECTION("a signature for one IP version matches only that version") {
    SignatureDb v4;
    REQUIRE(v4.load_text("[tcp:request]\nlabel = s:unix:Linux:3.x\nsig = 4:64:0:*:mss*20,7:mss,sok,ts,nop,ws::0\n",
                         "v4", false)
                .ok());
    TcpSignature s = linux_syn();
    s.quirks = 0;
    CHECK(v4.match(s).value().kind == MatchKind::exact);
    s.ip_version = 6;
    s.mss = 1440;
    s.window = 28800;
    CHECK_FALSE(v4.match(s));
  }
  SECTION("random-TTL tools match exactly at any distance, never fuzzily") {
    TcpSignature s;
    s.ip_version = 4;
    s.ttl = 41;
    s.mss = 1460;
    s.window = 1024;
    s.window_scale.reset();
    s.layout = "mss";
    const auto m = db.match(s).value();
    CHECK(m.label->name == "NMap");
    CHECK(m.kind == MatchKind::exact);
    CHECK(m.ttl_distance == 23);
    s.ttl = 70;  // above 64: no match at all
    CHECK_FALSE(db.match(s));
    s.ttl = 41;
    s.quirks = quirk_id_minus;  // would be fuzzy: not for class '!'
    CHECK_FALSE(db.match(s));
  }
  SECTION("SYN+ACKs match [tcp:response] only") {
    TcpSignature s = linux_syn();
    s.syn_ack = true;
    s.window = 14600;  // mss*10
    s.window_scale = 3;
    s.quirks = quirk_df;
    const auto m = db.match(s).value();
    CHECK(m.label->display() == "Linux 3.x");
    CHECK(m.kind == MatchKind::exact);
    s.syn_ack = false;
    s.window = 29200;
    s.window_scale = 7;
    CHECK(db.match(s).value().kind == MatchKind::fuzzy);  // the SYN signature, id+ gone
  }
}

TEST_CASE("window multiples are found as p0f's detect_win_multi finds them", "[signatures][match]") {
  const auto one = [](std::string_view sig) {
    SignatureDb db;
    REQUIRE(db.load_text("[tcp:request]\nlabel = s:unix:T:\nsig = " + std::string(sig) +
                             "\n[tcp:response]\nlabel = s:unix:T:\nsig = " + std::string(sig) + "\n",
                         "t", false)
                .ok());
    return db;
  };
  TcpSignature s = linux_syn();
  SECTION("MSS less 12 when timestamps are on") {
    s.mss = 1400;
    s.window = 1388 * 47;
    CHECK(one("*:64:0:*:mss*47,7:mss,sok,ts,nop,ws:df,id+:0").match(s));
    s.quirks |= quirk_ts1_minus;  // own timestamp zero: p0f makes no "MSS - 12" test
    CHECK_FALSE(one("*:64:0:*:mss*47,7:mss,sok,ts,nop,ws:df,id+,ts1-:0").match(s));
  }
  SECTION("Ethernet's MSS when the MSS option was clamped") {
    s.mss = 1361;
    s.window = 64240;  // 44 x 1460
    CHECK(one("*:64:0:*:mss*44,7:mss,sok,ts,nop,ws:df,id+:0").match(s));
  }
  SECTION("MTU multiples are not MSS multiples") {
    s.window = 1500 * 4;
    CHECK(one("*:64:0:*:mtu*4,7:mss,sok,ts,nop,ws:df,id+:0").match(s));
    CHECK_FALSE(one("*:64:0:*:mss*4,7:mss,sok,ts,nop,ws:df,id+:0").match(s));
  }
  SECTION("modulo and fixed windows") {
    s.window = 8192 * 3;
    CHECK(one("*:64:0:*:%8192,7:mss,sok,ts,nop,ws:df,id+:0").match(s));
    CHECK_FALSE(one("*:64:0:*:8192,7:mss,sok,ts,nop,ws:df,id+:0").match(s));
  }
  SECTION("a SYN+ACK's window may be a multiple of the SYN's MSS") {
    s.syn_ack = true;
    s.window = 1200 * 7;
    const SignatureDb db = one("*:64:0:*:mss*7,7:mss,sok,ts,nop,ws:df,id+:0");
    CHECK_FALSE(db.match(s));
    CHECK(db.match(s, std::uint16_t{1200}));
  }
}

TEST_CASE("later files take precedence over earlier ones", "[signatures][match]") {
  SignatureDb db = small_db();
  REQUIRE(db.load_text("[tcp:request]\nlabel = s:unix:Linux:mine\nsource = me\nsig = "
                       "*:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0\n",
                       "mine.fp", true)
              .ok());
  CHECK(db.match(linux_syn()).value().label->display() == "Linux mine");
  CHECK(db.match(linux_syn()).value().label->origin == "mine.fp");
  // A specific match from an earlier file still beats a generic one from a later file.
  SignatureDb other = small_db();
  REQUIRE(
      other
          .load_text(
              "[tcp:request]\nlabel = g:unix:Linux:any\nsource = me\nsig = *:64:0:*:*,*:mss,sok,ts,nop,ws:df,id+:0\n",
              "generic.fp", true)
          .ok());
  CHECK(other.match(linux_syn()).value().label->display() == "Linux 3.11 and newer");
  TcpSignature s = linux_syn();
  s.window = 64240;
  CHECK(other.match(s).value().label->display() == "Linux any");
}

TEST_CASE("the built-in signatures load, each with a source and an OS profile", "[signatures][builtin]") {
  const SignatureDb db = SignatureDb::builtin();
  CHECK(db.origins() == std::vector<std::string>{"builtin"});
  CHECK(db.size(false) >= 15);
  CHECK(db.size(true) >= 10);
  for (const SignatureLabel& l : db.labels()) {
    INFO(l.display() << " (line " << l.line << ")");
    CHECK_FALSE(l.source.empty());
    CHECK_FALSE(l.profile_id.empty());
    CHECK(OsProfileDb::builtin().find(l.profile_id) != nullptr);
    CHECK(l.origin == "builtin");
    // A learned signature names the capture it came from ("owner/repo path").
    if (l.learned) CHECK(l.source.find('/') != std::string::npos);
  }
  SECTION("current systems that p0f 3.09b misses or calls by the wrong era") {
    auto m = db.match(windows10_syn()).value();
    CHECK(m.label->display() == "Windows 10 or 11");
    CHECK(m.label->profile_id == "windows");
    CHECK(m.label->learned);
    CHECK(m.kind == MatchKind::exact);

    TcpSignature linux = linux_syn();
    linux.window = 64240;
    m = db.match(linux).value();
    CHECK(m.label->display() == "Linux 4.20 and newer");
    CHECK(m.label->profile_id == "linux");
    CHECK_FALSE(m.label->learned);

    TcpSignature mac;
    mac.ttl = 64;
    mac.mss = 1460;
    mac.window = 65535;
    mac.window_scale = 6;
    mac.layout = "mss,nop,ws,nop,nop,ts,sok,eol+1";
    mac.quirks = quirk_df;
    CHECK(db.match(mac).value().label->profile_id == "macos");

    TcpSignature freebsd = mac;
    freebsd.layout = "mss,nop,ws,sok,ts";
    CHECK(db.match(freebsd).value().label->profile_id == "freebsd");
    freebsd.ip_version = 6;
    freebsd.mss = 1440;
    freebsd.quirks = quirk_flow;
    CHECK(db.match(freebsd).value().label->profile_id == "freebsd");

    TcpSignature synack = linux_syn();
    synack.syn_ack = true;
    synack.window = 65160;  // 45 x (1460 - 12)
    synack.quirks = quirk_df;
    m = db.match(synack).value();
    CHECK(m.label->profile_id == "linux");
    CHECK(m.kind == MatchKind::exact);
  }
  SECTION("no two built-in sig lines of one direction are the same") {
    std::ifstream in(std::string(PORTCLASS_SOURCE_DIR) + "/common/data/tcp-signatures.fp");
    REQUIRE(in);
    std::set<std::pair<std::string, std::string>> seen;
    std::string line, section;
    while (std::getline(in, line)) {
      if (line.starts_with('[')) section = line;
      if (!line.starts_with("sig")) continue;
      const std::string value = line.substr(line.find_first_not_of(" \t", line.find('=') + 1));
      INFO(line);
      CHECK(seen.emplace(section, SignaturePattern::parse(value).value().to_string()).second);
    }
    CHECK(seen.size() == db.size());
  }
}

TEST_CASE("command-line loading: p0f's database is optional at its default path only", "[signatures][options]") {
  const auto dir = std::filesystem::temp_directory_path() / "portclass-signature-options";
  std::filesystem::create_directories(dir);
  const auto user = dir / "user.fp";
  std::ofstream(user) << "[tcp:request]\nlabel = s:unix:Linux:mine\nsource = test\nsig = "
                         "*:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0\n";
  const auto bad = dir / "bad.fp";
  std::ofstream(bad)
      << "[tcp:request]\nlabel = s:unix:Linux:mine\nsig = *:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0\n";

  SECTION("none: built-in and user files only, later files first") {
    auto loaded = load_signatures({"none", {user.string()}});
    REQUIRE(loaded.ok());
    CHECK(loaded->db.origins() == std::vector<std::string>{"builtin", user.string()});
    CHECK(loaded->notes.empty());
    CHECK_THAT(loaded->summary(), Catch::StartsWith("signatures: built-in (") && Catch::Contains("user.fp (1)"));
    CHECK(loaded->db.match(linux_syn()).value().label->display() == "Linux mine");
  }
  SECTION("the default path, whether p0f is installed or not") {
    auto loaded = load_signatures({});
    REQUIRE(loaded.ok());
    if (std::filesystem::exists(kP0fDb)) {
      CHECK(loaded->db.origins().front() == kP0fDb.string());
      CHECK(loaded->notes.empty());
      CHECK_THAT(loaded->summary(), Catch::StartsWith("signatures: p0f /etc/p0f/p0f.fp ("));
    } else {
      CHECK(loaded->notes ==
            std::vector<std::string>{"p0f database not found at /etc/p0f/p0f.fp, using built-in signatures"});
    }
  }
  SECTION("an explicit p0f path that does not exist is an error") {
    auto loaded = load_signatures({(dir / "missing.fp").string(), {}});
    REQUIRE_FALSE(loaded.ok());
    CHECK_THAT(loaded.error().message,
               Catch::StartsWith("p0f database: cannot read signature file") && Catch::Contains("missing.fp"));
  }
  SECTION("a user file without sources, or missing, is an error naming it") {
    auto loaded = load_signatures({"none", {bad.string()}});
    REQUIRE_FALSE(loaded.ok());
    CHECK_THAT(loaded.error().message, Catch::StartsWith(bad.string() + ":2: label 'Linux mine' has no 'source"));
    loaded = load_signatures({"none", {(dir / "nope.fp").string()}});
    REQUIRE_FALSE(loaded.ok());
    CHECK_THAT(loaded.error().message, Catch::Contains("nope.fp"));
  }
  std::filesystem::remove_all(dir);
}
