// SPDX-License-Identifier: GPL-2.0-or-later
#include "knowledge_option.hpp"

#include "exit_code.hpp"

namespace portclass::cli {

std::unique_ptr<PortKnowledge> load_knowledge(const std::string& path) {
  const PortKnowledge& builtin = PortKnowledge::builtin();
  if (path.empty()) return std::make_unique<PortKnowledge>(builtin.services(), builtin.profiles(), builtin.notable());
  auto user = OsProfileDb::load_file(path);
  if (!user) throw UsageError(user.error().message);
  return std::make_unique<PortKnowledge>(builtin.services(), builtin.profiles().overridden_by(*user),
                                         builtin.notable());
}

}  // namespace portclass::cli
