// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/signature_options.hpp"

#include <system_error>

namespace portclass {

std::string LoadedSignatures::summary() const {
  std::string out = "signatures:";
  for (std::size_t i = 0; i < sources.size(); ++i) out += (i ? ", " : " ") + sources[i];
  for (const std::string& note : notes) out += "; " + note;
  return out;
}

Result<LoadedSignatures> load_signatures(const SignatureOptions& options) {
  LoadedSignatures out;
  const auto counted = [](const std::string& what, std::size_t n) { return what + " (" + std::to_string(n) + ")"; };

  if (options.p0f_db != "none") {
    const bool explicit_path = !options.p0f_db.empty();
    const std::string path = explicit_path ? options.p0f_db : std::string(SignatureDb::kDefaultP0fPath);
    std::error_code ec;
    if (!explicit_path && !std::filesystem::exists(path, ec)) {
      // p0f is an optional package: the built-in signatures still cover current systems.
      out.notes.push_back("p0f database not found at " + path + ", using built-in signatures");
    } else {
      auto n = out.db.load_file(path, false);
      if (!n) return make_error("p0f database: " + n.error().message);
      out.sources.push_back(counted("p0f " + path, *n));
    }
  }

  if (options.builtin) {
    auto builtin = out.db.load_builtin();
    if (!builtin) return builtin.error();
    out.sources.push_back(counted("built-in", *builtin));
  }

  for (const std::string& path : options.user_files) {
    auto n = out.db.load_file(path, true);
    if (!n) return n.error();
    out.sources.push_back(counted(path, *n));
  }
  return out;
}

}  // namespace portclass
