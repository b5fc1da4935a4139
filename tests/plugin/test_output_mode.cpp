// SPDX-License-Identifier: GPL-2.0-or-later
// Recognising tshark runs that print only listed fields (output_mode.hpp).
#include <catch2/catch.hpp>

#include "output_mode.hpp"

using portclass::ws::output_mode;

TEST_CASE("tshark -T fields with -e: only listed fields, ours or not", "[output]") {
  auto m = output_mode({"/usr/bin/tshark", "-2", "-r", "x.pcap", "-T", "fields", "-e", "ip.src", "-e", "tcp.port"},
                       "portclass");
  CHECK(m.listed_fields_only);
  CHECK_FALSE(m.lists_own_fields);
  m = output_mode({"tshark", "-Tfields", "-eip.src", "-e", "portclass.host.os"}, "portclass");
  CHECK(m.listed_fields_only);
  CHECK(m.lists_own_fields);
  CHECK(output_mode({"tshark", "-T", "ek", "-e", "portclass"}, "portclass").lists_own_fields);
  CHECK(output_mode({"tshark", "-T", "fields", "-e", "_ws.expert.message"}, "portclass").lists_own_fields);
  CHECK(output_mode({"tshark", "-T", "json", "-e", "frame.number"}, "portclass").listed_fields_only);
}

TEST_CASE("everything else prints whole trees", "[output]") {
  for (const auto& argv :
       std::vector<std::vector<std::string>>{{"tshark", "-V", "-r", "x.pcap"},
                                             {"tshark", "-T", "json", "-r", "x.pcap"},       // no -e: every field
                                             {"tshark", "-T", "pdml", "-e", "ip.src"},       // pdml ignores -e here
                                             {"tshark", "-r", "x.pcap", "-e", "ip.src"},     // -e without -T fields
                                             {"wireshark", "-T", "fields", "-e", "ip.src"},  // not tshark
                                             {"tshark", "-r", "x", "--", "-T", "fields", "-e", "a"},  // after --
                                             {}}) {
    INFO(argv.size());
    CHECK_FALSE(output_mode(argv, "portclass").listed_fields_only);
  }
  // A field of another protocol that merely starts with the same letters.
  CHECK_FALSE(output_mode({"tshark", "-T", "fields", "-e", "portclassx.a"}, "portclass").lists_own_fields);
}

TEST_CASE("the protocol's own listed fields are kept, in order", "[output]") {
  const auto m = output_mode({"tshark", "-T", "fields", "-e", "ip.src", "-e", "portclass.src.cat",
                              "-eportclass.client.port", "-e", "_ws.expert.message", "-e", "portclassx.a"},
                             "portclass");
  CHECK(m.own_fields == std::vector<std::string>{"portclass.src.cat", "portclass.client.port", "_ws.expert.message"});
  CHECK(output_mode({"tshark", "-V", "-e", "portclass.src.cat"}, "portclass").own_fields.size() == 1);
}
