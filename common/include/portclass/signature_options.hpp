// SPDX-License-Identifier: GPL-2.0-or-later
// The signature databases a command line asks for (--p0f-db FILE|none,
// --signatures FILE...), loaded into one SignatureDb, for `portclass` and
// `portclass-nft` alike.
//
// Contract:
//  - Load order, and so precedence from lowest to highest (signature_db.hpp):
//    p0f's database, the built-in signatures, the user files in the order given.
//  - p0f's database at the default path (/etc/p0f/p0f.fp, Debian's p0f
//    package) is optional: when it is missing a note says so ("p0f database
//    not found at ..., using built-in signatures") and loading goes on. A
//    path given explicitly, and every user file, must load: an error names
//    the file (and line) in one line.
//  - "none" for the p0f database leaves it out on purpose; builtin = false
//    leaves the compiled-in signatures out.
//  - User files need a `source` for every label, as the built-in file does.
#pragma once

#include <string>
#include <vector>

#include "portclass/result.hpp"
#include "portclass/signature_db.hpp"

namespace portclass {

struct SignatureOptions {
  std::string p0f_db;                   // empty: the default path; "none": leave it out
  std::vector<std::string> user_files;  // --signatures, in order
  // --no-builtin-signatures: leave the compiled-in file out (to measure a
  // changed copy of it, as the leave-one-repository-out test does).
  bool builtin = true;
};

struct LoadedSignatures {
  SignatureDb db;
  // What was loaded: "built-in signatures (41)", "p0f /etc/p0f/p0f.fp (192)",
  // "user.fp (3)", in load order.
  std::vector<std::string> sources;
  // Notes worth telling a user (the p0f database was not found, ...).
  std::vector<std::string> notes;
  // One line for --version and verbose output:
  // "signatures: p0f /etc/p0f/p0f.fp (192), built-in (41)".
  std::string summary() const;
};

Result<LoadedSignatures> load_signatures(const SignatureOptions& options);

}  // namespace portclass
