// SPDX-License-Identifier: GPL-2.0-or-later
// TcpSignature's text forms. The to_p0f() expectations are what Debian's
// p0f 3.09b printed as raw_sig for the same packets (crafted SYNs read with
// `p0f -r`), so the two tools' outputs can be compared by eye.
#include <catch2/catch.hpp>

#include "portclass/tcp_signature.hpp"

using namespace portclass;

namespace {

TcpSignature linux_syn() {
  TcpSignature s;
  s.ttl = 61;
  s.mss = 1460;
  s.window = 64240;
  s.window_scale = 7;
  s.layout = "mss,sok,ts,nop,ws";
  s.quirks = quirk_df | quirk_id_plus;
  s.timestamp = 1;
  return s;
}

}  // namespace

TEST_CASE("quirks print in p0f's order and parse back", "[signature]") {
  CHECK(quirks_to_string(0).empty());
  CHECK(quirks_to_string(quirk_bad | quirk_df | quirk_id_plus) == "df,id+,bad");
  std::uint32_t all = 0;
  for (std::uint32_t bit = quirk_df; bit <= quirk_bad; bit <<= 1) all |= bit;
  CHECK(quirks_to_string(all) == "df,id+,id-,ecn,0+,flow,seq-,ack+,ack-,uptr+,urgf+,pushf+,ts1-,ts2+,opt+,exws,bad");
  CHECK(parse_quirks(quirks_to_string(all)).value() == all);
  CHECK(parse_quirks("").value() == 0);
  CHECK(parse_quirks("id-,ecn").value() == (quirk_id_minus | quirk_ecn));
  auto bad = parse_quirks("df,foo");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("'foo'") != std::string::npos);
  CHECK_FALSE(parse_quirks("df,,id+").ok());
  CHECK_FALSE(parse_quirks("df,").ok());
  CHECK(parse_quirks(std::string_view("d\nf")).error().message.find('\n') == std::string::npos);
}

TEST_CASE("initial TTL is the next of 32, 64, 128, 255", "[signature]") {
  TcpSignature s;
  for (auto [ttl, initial] :
       {std::pair{0, 32}, {1, 32}, {32, 32}, {33, 64}, {64, 64}, {65, 128}, {128, 128}, {129, 255}, {255, 255}}) {
    s.ttl = static_cast<std::uint8_t>(ttl);
    CHECK(s.initial_ttl() == initial);
  }
}

TEST_CASE("to_p0f prints what p0f 3.09b prints as raw_sig", "[signature]") {
  TcpSignature s = linux_syn();
  CHECK(s.to_p0f() == "4:61+3:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0");
  CHECK(s.key() == "4:64:0:1460:64240,7:mss,sok,ts,nop,ws:df,id+:0");

  TcpSignature w;  // Windows-like: not a multiple of anything
  w.ttl = 120, w.mss = 1460, w.window = 65535, w.window_scale = 8;
  w.layout = "mss,nop,ws,nop,nop,sok", w.quirks = quirk_df | quirk_id_plus;
  CHECK(w.to_p0f() == "4:120+8:0:1460:65535,8:mss,nop,ws,nop,nop,sok:df,id+:0");

  TcpSignature e;  // odd stack: EOL with non-zero padding, far away TTL
  e.ttl = 250, e.mss = 1460, e.window = 8192, e.layout = "mss,eol+3";
  e.quirks = quirk_id_minus | quirk_ecn | quirk_seq_minus | quirk_pushf_plus | quirk_opt_plus;
  CHECK(e.to_p0f() == "4:250+5:0:1460:8192,0:mss,eol+3:id-,ecn,seq-,pushf+,opt+:0");

  SECTION("window as a multiple of Ethernet's MSS when the MSS does not divide it") {
    TcpSignature t;
    t.ttl = 40, t.mss = 1380, t.window = 5840, t.layout = "mss,ts,nop,nop", t.timestamp = 0;
    t.quirks = quirk_df | quirk_id_plus | quirk_ecn | quirk_uptr_plus | quirk_ts1_minus | quirk_ts2_plus;
    CHECK(t.to_p0f() == "4:40+24:0:1380:mss*4,0:mss,ts,nop,nop:df,id+,ecn,uptr+,ts1-,ts2+:0");
  }
  SECTION("multiples of an MTU: MSS + 40, then MSS + the actual headers") {
    TcpSignature t = linux_syn();
    t.ttl = 64, t.window = 4500, t.window_scale = 0, t.layout = "mss,ws,eol+0";
    t.timestamp.reset();
    CHECK(t.to_p0f() == "4:64+0:0:1460:mtu*3,0:mss,ws,eol+0:df,id+:0");
    t = linux_syn();
    t.ttl = 64, t.window = 3040;
    CHECK(t.to_p0f() == "4:64+0:0:1460:mtu*2,7:mss,sok,ts,nop,ws:df,id+:0");
  }
  SECTION("MSS - 12 only with a non-zero own timestamp; 1448 always") {
    TcpSignature t = linux_syn();
    t.ttl = 64, t.mss = 1456, t.window = 1448 * 4;
    CHECK(t.to_p0f() == "4:64+0:0:1456:mss*4,7:mss,sok,ts,nop,ws:df,id+:0");
    t.mss = 1000, t.window = 988 * 3;
    CHECK(t.to_p0f().find(":mss*3,") != std::string::npos);
    t.timestamp = 0;
    CHECK(t.to_p0f().find(":2964,") != std::string::npos);
  }
  SECTION("no MSS prints 0 and never a multiple; payload prints +; IP options") {
    TcpSignature t;
    t.ttl = 64, t.window = 1000, t.payload = true, t.ip_options_length = 4;
    t.layout = "nop,nop", t.quirks = quirk_df | quirk_id_plus;
    CHECK(t.to_p0f() == "4:64+0:4:0:1000,0:nop,nop:df,id+:+");
  }
  SECTION("a SYN+ACK echoing p0f-sendsyn's MSS prints *") {
    TcpSignature t = linux_syn();
    t.syn_ack = true, t.mss = 1331, t.window = 1000;
    CHECK(t.to_p0f().starts_with("4:61+3:0:*:1000,7:"));
    t.syn_ack = false;
    CHECK(t.to_p0f().starts_with("4:61+3:0:1331:1000,7:"));
  }
  SECTION("beyond 35 hops the distance is unknown; IPv6") {
    TcpSignature t = linux_syn();
    t.ttl = 70;
    CHECK(t.to_p0f().starts_with("4:70+?:0:"));
    t.ip_version = 6, t.ttl = 57, t.quirks = quirk_flow, t.mss = 1440, t.window = 1440 * 10;
    CHECK(t.to_p0f() == "6:57+7:0:1440:mss*10,7:mss,sok,ts,nop,ws:flow:0");
    CHECK(t.key() == "6:64:0:1440:14400,7:mss,sok,ts,nop,ws:flow:0");
  }
}

TEST_CASE("letters give the older layout form", "[signature]") {
  TcpSignature s = linux_syn();
  CHECK(s.letters() == "M,S,T,N,W");
  s.layout = "mss,nop,ws,nop,nop,sok";
  CHECK(s.letters() == "M,N,W,N,N,S");
  s.layout = "mss,sack,?30,eol+2";
  CHECK(s.letters() == "M,?5,?30,E");
  s.layout.clear();
  CHECK(s.letters().empty());
}

TEST_CASE("keys parse back to the same signature", "[signature]") {
  TcpSignature s = linux_syn();
  auto back = parse_signature_key(s.key(), false);
  REQUIRE(back.ok());
  s.ttl = 64, s.timestamp.reset();  // only the TTL class and no timestamp survive
  CHECK(*back == s);

  TcpSignature bare;  // no options at all, SYN+ACK, odd quirks and payload
  bare.syn_ack = true, bare.ttl = 255, bare.window = 0, bare.payload = true;
  bare.quirks = quirk_ack_minus | quirk_zero_plus | quirk_bad, bare.ip_options_length = 8;
  REQUIRE(parse_signature_key(bare.key(), true).ok());
  CHECK(*parse_signature_key(bare.key(), true) == bare);
  CHECK(bare.key() == "4:255:8:0:0,0::0+,ack-,bad:+");

  TcpSignature zero_mss = linux_syn();  // an MSS option of value 0 is not an absent one
  zero_mss.ttl = 64, zero_mss.timestamp.reset(), zero_mss.mss = 0, zero_mss.window_scale = 0;
  CHECK(*parse_signature_key(zero_mss.key(), false) == zero_mss);
}

TEST_CASE("bad keys are refused with one line naming the problem", "[signature]") {
  for (const char* bad : {
           "",
           "4:64:0:1460:64240,7:mss,sok,ts,nop,ws:df,id+",      // 7 fields
           "4:64:0:1460:64240,7:mss,sok,ts,nop,ws:df,id+:0:0",  // 9 fields
           "5:64:0:1460:64240,7:mss:df:0",                      // version
           "*:64:0:1460:64240,7:mss:df:0",                      // a wildcard is a pattern, not a key
           "4:0:0:1460:64240,7:mss,ws:df:0",                    // TTL 0
           "4:256:0:1460:64240,7:mss,ws:df:0",                  // TTL
           "4:64:44:1460:64240,7:mss,ws:df:0",                  // IPv4 options > 40
           "6:64:4:1460:64240,7:mss,ws:flow:0",                 // IPv6 options
           "4:64:0:*:64240,7:mss,ws:df:0",                      // MSS wildcard
           "4:64:0:65536:64240,7:mss,ws:df:0",                  // MSS range
           "4:64:0:1460:mss*44,7:mss,ws:df:0",                  // window form of to_p0f, not a key
           "4:64:0:1460:64240:mss,ws:df:0",                     // no scale
           "4:64:0:1460:64240,256:mss,ws:df:0",                 // scale range
           "4:64:0:1460:64240,7:mss:df:0",                      // scale without ws
           "4:64:0:1460:64240,0:ws:df:0",                       // MSS without mss
           "4:64:0:1460:64240,7:mss,foo,ws:df:0",               // unknown option
           "4:64:0:1460:64240,7:mss,eol+1,ws:df:0",             // options after EOL
           "4:64:0:1460:64240,7:mss,ws,:df:0",                  // empty option
           "4:64:0:1460:64240,7:mss,ws:df,nope:0",              // unknown quirk
           "4:64:0:1460:64240,7:mss,ws:df:*",                   // payload class wildcard
           "4:+64:0:1460:64240,7:mss,ws:df:0",                  // sign
       }) {
    INFO(bad);
    auto r = parse_signature_key(bad, false);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find('\n') == std::string::npos);
  }
  auto r = parse_signature_key("4:64:0:1460:64240,7:mss,ws:df,nope:0", false);
  CHECK(r.error().message.find("nope") != std::string::npos);
  CHECK(parse_signature_key(std::string_view("4:64:0:1460:6\x01"
                                             "4240,7:mss:df:0"),
                            false)
            .error()
            .message.find('\x01') == std::string::npos);
}
