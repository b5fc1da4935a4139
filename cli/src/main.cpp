// SPDX-License-Identifier: GPL-2.0-or-later
// portclass: explains port numbers (explain), checks a host's ephemeral ports
// (host) and profiles the hosts of captures (profile). Exit codes:
// exit_code.hpp. Every error ends as one line on stderr.
#include <iostream>

#include <CLI/CLI.hpp>

#include "exit_code.hpp"
#include "explain_command.hpp"
#include "host_command.hpp"
#include "profile_command.hpp"
#include "signature_option.hpp"

#ifndef PORTCLASS_VERSION
#define PORTCLASS_VERSION "unknown"
#endif

namespace {

int fail(const std::string& where, const std::string& message, int code = portclass::kExitUsage) {
  std::cerr << where << ": " << message << "\n";
  return code;
}

int run(int argc, char** argv) {
  using namespace portclass::cli;
  CLI::App app{"portclass: what a port number is, who uses it, and which OS picked it", "portclass"};
  // The signature databases are read only when asked: a plain command need not pay for it here.
  app.set_version_flag("--version", std::function<std::string()>([] {
                         return std::string("portclass ") + PORTCLASS_VERSION + "\n" + signature_version_line();
                       }));
  app.require_subcommand(1);
  app.footer(
      "Run `portclass COMMAND --help` for a command's options; man portclass for the details.\n"
      "Exit codes: 0 fine, 1 a warning threshold crossed or a finding present where asked,\n"
      "2 bad usage or input, 3 the system failed (kernel, permission, internal error),\n"
      "4 (host) the critical threshold crossed.");

  ExplainOptions explain;
  HostOptions host;
  ProfileOptions profile;
  CLI::App* explain_cmd = add_explain_command(app, explain);
  CLI::App* host_cmd = add_host_command(app, host);
  CLI::App* profile_cmd = add_profile_command(app, profile);

  // CLI11 would call an unknown command "a missing subcommand": name it.
  const auto named = [&](const CLI::App* sub) { return argc > 1 && sub->check_name(argv[1]); };
  if (argc > 1 && argv[1][0] != '-' && app.get_subcommands(named).empty())
    return fail("portclass", std::string("unknown command '") + argv[1] + "' (commands: explain, host, profile)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::string where = "portclass";
    for (const CLI::App* sub : app.get_subcommands([](CLI::App* s) { return s->parsed(); }))
      where += " " + sub->get_name();
    return fail(where, std::string(e.what()) + " (see " + where + " --help)");
  }

  std::string where = "portclass";
  try {
    if (explain_cmd->parsed()) {
      where = "portclass explain";
      return run_explain(explain, std::cout);
    }
    if (host_cmd->parsed()) {
      where = "portclass host";
      return run_host(host, std::cout);
    }
    if (profile_cmd->parsed()) {
      where = "portclass profile";
      return run_profile(profile, std::cout);
    }
  } catch (const UsageError& e) {
    return fail(where, e.what());
  } catch (const SystemError& e) {
    return fail(where, e.what(), kExitSystem);
  } catch (const std::exception& e) {
    // Anything unexpected still ends as one line, never a crash: the program's fault, not the input's.
    return fail(where, std::string("internal error: ") + e.what(), kExitSystem);
  }
  return fail("portclass", "no command given (see portclass --help)");
}

}  // namespace

int main(int argc, char** argv) {
  // Setting the options up can throw too (out of memory): one line, never an abort.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    return fail("portclass", std::string("internal error: ") + e.what(), portclass::kExitSystem);
  }
}
