// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include "portclass/category.hpp"
#include "portclass/port.hpp"

using namespace portclass;

TEST_CASE("ports parse and refuse bad input with the input named", "[port]") {
  CHECK(parse_port("80").value() == 80);
  CHECK(parse_port("65535").value() == 65535);
  CHECK(parse_port(" 0 ").value() == 0);
  for (const char* bad : {"65536", "-1", "abc", "", "8o", "99999999999999999999", "1.5"}) {
    auto r = parse_port(bad);
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    if (*bad) CHECK(r.error().message.find(bad) != std::string::npos);
  }
}

TEST_CASE("ranges accept dash and colon and refuse reversed ones", "[port]") {
  CHECK(parse_port_range("32768-60999").value() == PortRange{32768, 60999});
  CHECK(parse_port_range("32768:60999").value() == PortRange{32768, 60999});
  CHECK(parse_port_range("80").value() == PortRange{80, 80});
  for (const char* bad : {"60999-32768", "1-65536", "-1", "1-", "-", "a-b", "", "1--2", "1-2-3"}) {
    INFO(bad);
    CHECK_FALSE(parse_port_range(bad).ok());
  }
  CHECK(parse_port_range("60999-32768").error().message.find("60999-32768") != std::string::npos);
}

TEST_CASE("port sets are normalised and support set algebra", "[port]") {
  const auto set = PortSet::parse("8000-8100, 22,80,8050-8200,23").value();
  CHECK(set.to_string() == "22-23,80,8000-8200");
  CHECK(set.size() == 2 + 1 + 201);
  CHECK(set.contains(Port{8150}));
  CHECK_FALSE(set.contains(Port{24}));
  CHECK(set.contains(PortRange{8000, 8200}));
  CHECK_FALSE(set.contains(PortRange{79, 80}));

  const PortSet linux_range{{32768, 60999}};
  const PortSet windows_range{{49152, 65535}};
  CHECK(linux_range.intersection(windows_range).to_string() == "49152-60999");
  CHECK(linux_range.union_with(windows_range).to_string() == "32768-65535");
  CHECK(linux_range.difference(windows_range).to_string() == "32768-49151");
  CHECK(windows_range.difference(linux_range).to_string() == "61000-65535");
  CHECK(PortSet{}.complement() == PortSet::all());
  CHECK(PortSet::all().size() == 65536);
  CHECK(linux_range.complement().to_string() == "0-32767,61000-65535");
  CHECK(PortSet::parse("1-3,4-6").value().to_string() == "1-6");  // adjacent ranges merge
  CHECK(PortSet::parse("0,65535").value().to_string() == "0,65535");
  for (const char* bad : {"", " ", "22,,80", "22,", "80,70000", "1-2,x"}) {
    INFO(bad);
    CHECK_FALSE(PortSet::parse(bad).ok());
  }
  CHECK(PortSet::parse("80,70000").error().message.find("70000") != std::string::npos);
}

TEST_CASE("IANA categories follow RFC 6335", "[category]") {
  CHECK(category_of(0) == PortCategory::system);
  CHECK(category_of(1023) == PortCategory::system);
  CHECK(category_of(1024) == PortCategory::user);
  CHECK(category_of(49151) == PortCategory::user);
  CHECK(category_of(49152) == PortCategory::dynamic);
  CHECK(category_of(65535) == PortCategory::dynamic);
  CHECK(to_string(PortCategory::dynamic) == "dynamic");
  const auto spans = split_by_category({1000, 50000});
  REQUIRE(spans.size() == 3);
  CHECK(spans[0].ports == PortRange{1000, 1023});
  CHECK(spans[1].ports == PortRange{1024, 49151});
  CHECK(spans[2].ports == PortRange{49152, 50000});
  CHECK(split_by_category({80, 80}).size() == 1);
}
