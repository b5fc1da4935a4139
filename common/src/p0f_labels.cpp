// SPDX-License-Identifier: GPL-2.0-or-later
#include "p0f_labels.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace portclass::detail {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

bool icontains(std::string_view hay, std::string_view needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                     [](char x, char y) { return lower(x) == lower(y); }) != hay.end();
}

// The words of a flavor: "7 (Websense crawler)" -> "7", "Websense", "crawler".
std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::string_view(" ()/,").find(s[i]) != std::string_view::npos) ++i;
    std::size_t j = i;
    while (j < s.size() && std::string_view(" ()/,").find(s[j]) == std::string_view::npos) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// Systems whose label name alone says which profile.
struct NamedProfile {
  std::string_view name;
  std::string_view profile_id;
};
constexpr std::array<NamedProfile, 15> kByName{{
    {"Mac OS X", "macos"},
    {"MacOS X", "macos"},
    {"macOS", "macos"},
    {"Mac OS", "macos"},
    {"iOS", "ios"},
    {"iPadOS", "ios"},
    {"Android", "android"},
    {"FreeBSD", "freebsd"},
    {"OpenBSD", "openbsd"},
    {"NetBSD", "netbsd"},
    {"Solaris", "solaris"},
    {"SunOS", "solaris"},
    {"AIX", "aix"},
    {"HP-UX", "hpux"},
    {"z/OS", "zos"},
}};

// Windows releases by the words p0f and portclass's file use for them:
// 2000 / XP / 2003 and older drew ports from 1025-5000 (windows-xp), Vista /
// 2008 and later from 49152-65535 (windows), per os-profiles.toml.
constexpr std::array<std::string_view, 8> kWindowsXpEra{"95", "98", "ME", "NT4", "2000", "XP", "2003", "5.x"};
constexpr std::array<std::string_view, 14> kWindowsModern{"Vista", "7",    "8",    "8.1",  "10",   "11",   "6.x",
                                                          "2008",  "2012", "2016", "2019", "2022", "2025", "10.x"};

LabelProfile windows(std::string_view flavor) {
  for (std::string_view w : words(flavor)) {
    if (std::any_of(kWindowsXpEra.begin(), kWindowsXpEra.end(), [&](std::string_view v) { return iequal(v, w); }))
      return {"windows-xp", true};
    if (std::any_of(kWindowsModern.begin(), kWindowsModern.end(), [&](std::string_view v) { return iequal(v, w); }))
      return {"windows", true};
  }
  // "NT kernel", "": any release; the current profile stands for the family.
  return {"windows", false};
}

struct Version {
  unsigned major = 0;
  unsigned minor = 0;  // "x" counts as the highest
  friend auto operator<=>(const Version&, const Version&) = default;
};

// The versions a Linux flavor names: "2.4.x-2.6.x" -> 2.4, 2.6; "3.1-3.10"
// -> 3.1, 3.10; "4.20 and newer" -> 4.20.
std::vector<Version> versions(std::string_view s) {
  std::vector<Version> out;
  for (std::size_t i = 0; i < s.size();) {
    if (!std::isdigit(static_cast<unsigned char>(s[i])) ||
        (i > 0 && std::isalnum(static_cast<unsigned char>(s[i - 1])))) {
      ++i;
      continue;
    }
    Version v;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      v.major = v.major * 10 + static_cast<unsigned>(s[i++] - '0');
    if (i + 1 < s.size() && s[i] == '.' && (s[i + 1] == 'x' || std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      ++i;
      if (s[i] == 'x') {
        v.minor = 999;
        ++i;
      } else {
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
          v.minor = v.minor * 10 + static_cast<unsigned>(s[i++] - '0');
      }
    }
    // Skip the rest of "2.6.32" and "2.4.x".
    while (i < s.size() && (s[i] == '.' || s[i] == 'x' || std::isdigit(static_cast<unsigned char>(s[i])))) ++i;
    if (v.major > 0 && v.major < 100) out.push_back(v);
  }
  return out;
}

// Linux took 32768-61000 in 2.6.23 and 32768-60999 in 4.2 (os-profiles.toml's
// history); before 2.6.23 machines with enough memory used 32768-61000 too,
// so older versions map to linux-2.6.23, the nearest profile.
LabelProfile linux_profile(bool generic, std::string_view flavor) {
  if (icontains(flavor, "android")) return {"android", true};
  const std::vector<Version> v = versions(flavor);
  // A generic signature matches by option layout whatever the version (p0f's
  // "2.2.x-3.x" catches current kernels too): only the family is known.
  if (generic || v.empty()) return {"linux", false};
  constexpr Version kLinux42{4, 2};
  const Version oldest = *std::min_element(v.begin(), v.end());
  const Version newest = *std::max_element(v.begin(), v.end());
  const bool open_ended =
      icontains(flavor, "newer") || icontains(flavor, "later") || flavor.find('+') != std::string_view::npos;
  if (oldest >= kLinux42) return {"linux", true};
  if (open_ended || newest >= kLinux42) return {"linux", false};  // "3.11 and newer": both ranges
  return {"linux-2.6.23", true};
}

}  // namespace

LabelProfile profile_for_label(bool generic, std::string_view os_class, std::string_view name,
                               std::string_view flavor) {
  // Class '!' is an application (NMap, p0f-sendsyn), never an OS verdict.
  if (os_class == "!") return {"", false};
  if (iequal(name, "Linux")) return linux_profile(generic, flavor);
  if (iequal(name, "Windows")) return windows(flavor);
  for (const NamedProfile& p : kByName)
    if (iequal(name, p.name)) return {std::string(p.profile_id), true};
  return {"", false};  // OpenVMS, Tru64, Nintendo, crawlers...: no portclass profile
}

}  // namespace portclass::detail
