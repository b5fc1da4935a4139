// SPDX-License-Identifier: GPL-2.0-or-later
#include "bpf_filter.hpp"

#include <pcap/pcap.h>

namespace portclass::capture {
namespace {

// bpf_program is a C struct with a heap array inside: free it on every path.
class CompiledFilter {
 public:
  CompiledFilter() = default;
  CompiledFilter(const CompiledFilter&) = delete;
  CompiledFilter& operator=(const CompiledFilter&) = delete;
  ~CompiledFilter() {
    if (compiled_) pcap_freecode(&program_);
  }
  bpf_program* get() noexcept { return &program_; }
  void mark_compiled() noexcept { compiled_ = true; }

 private:
  bpf_program program_{};
  bool compiled_ = false;
};

}  // namespace

Result<void> install_filter(pcap* handle, const std::string& expression, unsigned netmask) {
  if (expression.empty()) return {};  // no filter: nothing to install
  CompiledFilter program;
  // optimize = 1, as tcpdump does.
  if (pcap_compile(handle, program.get(), expression.c_str(), 1, netmask) != 0)
    return make_error("bad filter '" + expression + "': " + pcap_geterr(handle));
  program.mark_compiled();
  if (pcap_setfilter(handle, program.get()) != 0)
    return make_error("cannot install filter '" + expression + "': " + pcap_geterr(handle));
  return {};
}

}  // namespace portclass::capture
