// SPDX-License-Identifier: GPL-2.0-or-later
#include "signature_option.hpp"

#include "exit_code.hpp"

namespace portclass::cli {

void add_signature_options(CLI::App& cmd, SignatureOptions& options) {
  cmd.add_option("--p0f-db", options.p0f_db,
                 "p0f's signature database (default /etc/p0f/p0f.fp when installed), or 'none'")
      ->type_name("FILE|none");
  // One file per --signatures: a vector option would otherwise swallow the captures after it.
  cmd.add_option("--signatures", options.user_files,
                 "TCP signature file in p0f's syntax with a source per label; repeatable, later files win")
      ->type_name("FILE")
      ->allow_extra_args(false);
  cmd.add_flag_function(
      "--no-builtin-signatures", [&options](std::int64_t) { options.builtin = false; },
      "leave portclass's compiled-in signatures out (e.g. to try a changed copy of them with --signatures)");
}

LoadedSignatures load_signature_option(const SignatureOptions& options) {
  auto loaded = load_signatures(options);
  if (!loaded) throw UsageError(loaded.error().message);
  return std::move(loaded).value();
}

std::string signature_version_line() {
  const auto loaded = load_signatures({});
  return loaded ? loaded->summary() : "signatures: " + loaded.error().message;
}

}  // namespace portclass::cli
