// SPDX-License-Identifier: GPL-2.0-or-later
// Regression tests for what the libFuzzer targets (fuzz/, docs/fuzzing.md)
// found. Each case names the input under fuzz/regressions/<target>/ that
// found it; the fuzz-regression CTest label of the fuzz tree replays those
// files, these cases pin the behaviour in the normal (gcc) suite.
#include <catch2/catch.hpp>

#include <pcap/dlt.h>

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "portclass/address.hpp"
#include "portclass/capture/capture_reader.hpp"
#include "portclass/capture/packet_decoder.hpp"
#include "portclass/os_profile.hpp"
#include "portclass/profile_json.hpp"

using namespace portclass;

namespace {

// An IPv4 TCP SYN from 10.77.6.2:26664 to 10.77.6.1:80 with these option bytes.
std::vector<std::uint8_t> ipv4_syn(const std::vector<std::uint8_t>& options) {
  const std::size_t tcp_len = 20 + options.size();
  const std::size_t total = 20 + tcp_len;
  std::vector<std::uint8_t> p = {0x45,
                                 0,
                                 static_cast<std::uint8_t>(total >> 8),
                                 static_cast<std::uint8_t>(total),
                                 0,
                                 0,
                                 0x40,
                                 0,
                                 64,
                                 6,
                                 0,
                                 0,
                                 10,
                                 77,
                                 6,
                                 2,
                                 10,
                                 77,
                                 6,
                                 1,
                                 0x68,
                                 0x28,
                                 0,
                                 80,
                                 0,
                                 0,
                                 0,
                                 1,
                                 0,
                                 0,
                                 0,
                                 0,
                                 static_cast<std::uint8_t>((tcp_len / 4) << 4),
                                 0x02,
                                 0xfa,
                                 0xf0,
                                 0,
                                 0,
                                 0,
                                 0};
  for (std::uint8_t b : options) p.push_back(b);  // (vector::insert trips GCC 12's -Warray-bounds here)
  return p;
}

std::string layout_of(const std::vector<std::uint8_t>& packet) {
  capture::PacketDecoder decoder;
  PacketFacts facts;
  REQUIRE(decoder.decode(DLT_RAW, packet.data(), packet.size(), 0, facts) == capture::DecodeStatus::ok);
  REQUIRE(facts.tcp.syn);
  return facts.signature ? facts.signature->layout : std::string();
}

void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// A little-endian pcapng: section header, one Ethernet interface (microsecond
// timestamps), one enhanced packet block with this 64-bit timestamp.
std::vector<std::uint8_t> pcapng_with_timestamp(std::uint64_t ts, const std::vector<std::uint8_t>& frame) {
  std::vector<std::uint8_t> f;
  for (std::uint32_t v : {0x0A0D0D0Au, 28u, 0x1A2B3C4Du, 1u, 0xFFFFFFFFu, 0xFFFFFFFFu, 28u}) put32(f, v);
  for (std::uint32_t v : {1u, 20u, 1u, 65535u, 20u}) put32(f, v);  // IDB: linktype 1, reserved 0, snaplen
  const std::uint32_t padded = static_cast<std::uint32_t>((frame.size() + 3) / 4 * 4);
  const std::uint32_t length = 32 + padded;
  for (std::uint32_t v : {6u, length, 0u, static_cast<std::uint32_t>(ts >> 32), static_cast<std::uint32_t>(ts),
                          static_cast<std::uint32_t>(frame.size()), static_cast<std::uint32_t>(frame.size())})
    put32(f, v);
  for (std::uint8_t b : frame) f.push_back(b);
  f.resize(f.size() + (padded - frame.size()), 0);
  put32(f, length);
  return f;
}

}  // namespace

// fuzz/regressions/decoder/syn-option-length-0-trailing-comma and
// fuzz/regressions/capture/syn-option-trailing-comma.pcap: an option with a
// length below 2 ends the layout; the decoder used to leave "M," behind.
// The layout is p0f's now (portclass/ip_packet.hpp): the option that ends the
// walk is named, and the signature says "bad".
TEST_CASE("SYN option layout cut at a bad option has no dangling comma", "[fuzz][decoder]") {
  // MSS, then kind 11 with length 0, then bytes that must not be read as options.
  CHECK(layout_of(ipv4_syn({0x02, 0x04, 0x05, 0xb4, 0x0b, 0x00, 0x04, 0x02})) == "mss,?11");
  // NOP, then a kind with no room for its length byte.
  CHECK(layout_of(ipv4_syn({0x01, 0x01, 0x01, 0x08})) == "nop,nop,nop,ts");
  // An option whose length runs past the header: the same in the Wireshark
  // plugin (plugin-wireshark/core/frame_headers.cpp), which shares the parser.
  CHECK(layout_of(ipv4_syn({0x02, 0x04, 0x05, 0xb4, 0x08, 0x0a, 0x00, 0x00})) == "mss,ts");
  // A well-formed layout is unchanged.
  CHECK(layout_of(ipv4_syn({0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0,    0,
                            0,    1,    0,    0,    0,    0,    0x01, 0x03, 0x03, 0x07})) == "mss,sok,ts,nop,ws");
}

// fuzz/regressions/capture/pcapng-timestamp-overflow.pcapng: pcapng
// timestamps are 64-bit, and seconds * 1000000 overflowed int64 (undefined
// behaviour, UBSan report). Such a time now saturates.
TEST_CASE("a pcapng timestamp beyond int64 microseconds saturates", "[fuzz][capture]") {
  std::vector<std::uint8_t> frame = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00};
  for (std::uint8_t b : ipv4_syn({})) frame.push_back(b);
  const auto path =
      std::filesystem::temp_directory_path() / ("portclass-fuzz-regression-" + std::to_string(getpid()) + ".pcapng");
  {
    const auto bytes = pcapng_with_timestamp(~std::uint64_t{0}, frame);
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  auto reader = capture::CaptureReader::open(path);
  REQUIRE(reader.ok());
  std::vector<Timestamp> times;
  auto counters = reader.value().read_all([&](const PacketFacts& p) { times.push_back(p.when); });
  std::filesystem::remove(path);
  REQUIRE(counters.ok());
  REQUIRE(times.size() == 1);
  CHECK(times[0] == std::numeric_limits<Timestamp>::max());
}

// fuzz/regressions/profile_json/address-with-nul.json: inet_pton reads a C
// string, so "10.0.0.1\0junk" passed as 10.0.0.1 (a host key in profile JSON,
// a subnet in the nft helper's config). Such text is now refused, and the
// message shows it on one printable line.
TEST_CASE("address text with a NUL inside is refused, on one printable line", "[fuzz][address]") {
  using namespace std::string_view_literals;
  for (const auto text : {"10.0.0.1\0junk"sv, "fd00::1\0"sv, "\0"sv}) {
    auto a = IpAddress::parse(text);
    REQUIRE_FALSE(a.ok());
    CHECK(a.error().message.find('\0') == std::string::npos);
  }
  CHECK_FALSE(IpPrefix::parse("10.0.0.0\0junk/8"sv).ok());
  CHECK(IpAddress::parse("10.0.0.1"sv).ok());

  const auto too_long = IpAddress::parse("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n"sv);
  REQUIRE_FALSE(too_long.ok());
  CHECK(too_long.error().message.find('\n') == std::string::npos);

  HostDirectory directory(PortKnowledge::builtin());
  const nlohmann::json document = {{"format", "portclass-profiles"},
                                   {"version", 2},
                                   {"hosts", {{std::string("10.0.0.1\0junk", 13), to_json(HostProfile{})}}}};
  auto merged = merge_from_json(document, directory);
  REQUIRE_FALSE(merged.ok());
  CHECK(merged.error().message.find("invalid IP address '10.0.0.1?junk'") != std::string::npos);
  CHECK(directory.size() == 0);
}

// fuzz/regressions/os_profile/toml-error-quotes-a-newline.toml: toml++'s
// message quotes the character it stopped at ("expected 'inf', saw 'i\n'"),
// so a syntax error in a profile file printed two lines. Control characters
// in it are now escaped.
TEST_CASE("a TOML syntax error is reported on one printable line", "[fuzz][toml]") {
  for (const char* text : {"[[profile]]\nprior = i\n", "x = \"a\x01b\"\n", "x = [\n\x1b[31m"}) {
    auto db = OsProfileDb::parse_toml(text, "user.toml");
    REQUIRE_FALSE(db.ok());
    INFO(db.error().message);
    CHECK(db.error().message.rfind("user.toml:", 0) == 0);
    const std::string& m = db.error().message;
    CHECK(std::none_of(m.begin(), m.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }));
  }
}

// fuzz/regressions/decoder/syn-layout-too-long-for-profile-json: a SYN whose
// 40 option bytes are NOPs has the layout "N,N,...,N" (79 characters);
// `portclass profile --json` wrote it, and `--merge` refused the document
// (layouts were limited to 64 characters when read). Every layout a TCP
// header can hold now reads back; longer text is only counted.
TEST_CASE("profile JSON reads back the SYN layout of any TCP header", "[fuzz][profile-json]") {
  HostDirectory directory(PortKnowledge::builtin());
  capture::PacketDecoder decoder;
  PacketFacts facts;
  const auto packet = ipv4_syn(std::vector<std::uint8_t>(40, 0x01));
  REQUIRE(decoder.decode(DLT_RAW, packet.data(), packet.size(), 0, facts) == capture::DecodeStatus::ok);
  REQUIRE(facts.signature);
  REQUIRE(facts.signature->layout.size() == 24 * 4 - 1);  // "nop,nop,...": p0f reads 24 options
  directory.observe(facts);

  const nlohmann::json written = to_json(directory);
  HostDirectory reread(PortKnowledge::builtin());
  auto merged = merge_from_json(written, reread);
  INFO((merged.ok() ? std::string() : merged.error().message));
  REQUIRE(merged.ok());
  CHECK(to_json(reread) == written);

  HostProfile host;
  host.add_signature_key(false, std::string(HostProfile::kMaxSignatureLength + 1, 'N'));
  CHECK(host.signatures(false).empty());
  CHECK(host.signatures_dropped() == 1);
}

TEST_CASE("profile JSON takes signature keys only in the canonical form portclass writes", "[regression]") {
  // Found in review: "4:064:...,07:...:id+,df,df:0" parsed and was stored as
  // written, a second entry for the stack that "4:64:...,7:...:df,id+:0" is.
  HostProfile host;
  host.add_signature_key(false, "4:64:0:1460:64240,7:mss,sok,ts,nop,ws:df,id+:0");
  nlohmann::json written = to_json(host);
  REQUIRE(host_profile_from_json(written).ok());
  nlohmann::json odd = written;
  auto& syn = odd["signatures"]["syn"];
  syn.clear();
  syn["4:064:0:1460:64240,07:mss,sok,ts,nop,ws:id+,df,df:0"] = 1;
  const auto refused = host_profile_from_json(odd);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("canonical") != std::string::npos);
  CHECK(refused.error().message.find('\n') == std::string::npos);
}
