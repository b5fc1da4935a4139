// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: the capture reader behind `portclass profile`
// (capture/capture_reader.hpp): a whole pcap or pcapng file through
// CaptureReader::open and read_all (libpcap + PacketDecoder), each decoded
// packet into a HostDirectory, then inference and findings on every host,
// exactly the command's path. The input is written to a memfd and opened by
// its /proc/self/fd path, so the reader's own open() is what runs.
//
// Asserts, beyond "no crash":
//  - open() refuses only with a message naming the file;
//  - the counters add up: packets = tcp_udp + truncated + malformed + other,
//    and on_packet ran once per tcp_udp packet;
//  - every delivered packet is well formed: a signature only on a TCP SYN
//    or SYN+ACK, and one whose key reads back;
//  - the resulting profiles survive the JSON round trip (what `portclass
//    profile --json` writes, `--merge` reads back to the same JSON);
//  - inference and findings on every host are well formed (fuzz_support.hpp).
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "fuzz_support.hpp"
#include "portclass/capture/capture_reader.hpp"
#include "portclass/host_directory.hpp"
#include "portclass/profile_json.hpp"

namespace {

using namespace portclass;

class MemFile {
 public:
  MemFile(const std::uint8_t* data, std::size_t size) : fd_(memfd_create("fuzz-capture", MFD_CLOEXEC)) {
    if (fd_ < 0) std::abort();
    for (std::size_t done = 0; done < size;) {
      const ssize_t n = write(fd_, data + done, size - done);
      if (n <= 0) std::abort();
      done += static_cast<std::size_t>(n);
    }
  }
  ~MemFile() { close(fd_); }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const MemFile file(data, size);
  const std::string path = file.path();
  auto reader = capture::CaptureReader::open(path);
  if (!reader) {
    fuzz::check_error(reader.error());
    FUZZ_CHECK(reader.error().message.rfind(path, 0) == 0, "an error starts with the file name");
    return 0;
  }
  const PortKnowledge& knowledge = PortKnowledge::builtin();
  HostDirectory dir(knowledge);
  std::uint64_t delivered = 0;
  auto counters = reader.value().read_all([&](const PacketFacts& p) {
    ++delivered;
    FUZZ_CHECK(p.transport == Transport::tcp || p.transport == Transport::udp, "TCP or UDP");
    FUZZ_CHECK(p.src.family() == p.dst.family(), "both addresses of one IP version");
    if (p.signature) {
      FUZZ_CHECK(p.transport == Transport::tcp && p.tcp.syn, "signatures only of SYNs and SYN+ACKs");
      FUZZ_CHECK(parse_signature_key(p.signature->key(), p.signature->syn_ack).ok(), "a signature's key reads back");
    }
    dir.observe(p);
  });
  if (!counters) {
    fuzz::check_error(counters.error());
    FUZZ_CHECK(counters.error().message.rfind(path, 0) == 0, "an error starts with the file name");
  } else {
    const capture::CaptureCounters& c = *counters;
    FUZZ_CHECK(c.packets == c.tcp_udp + c.truncated + c.malformed + c.other, "the counters add up");
    FUZZ_CHECK(delivered == c.tcp_udp, "one callback per TCP/UDP packet");
  }
  // The profiles of whatever was read, even before an error in the file.
  const nlohmann::json written = to_json(dir);
  HostDirectory reread(knowledge);
  auto merged = merge_from_json(written, reread);
  if (!merged) std::fprintf(stderr, "merge_from_json: %s\n", merged.error().message.c_str());
  FUZZ_CHECK(merged.ok(), "portclass reads back the profiles it writes");
  FUZZ_CHECK(to_json(reread) == written, "the profiles round-trip through JSON");
  for (const auto& [address, profile] : dir.hosts()) fuzz::check_inference(profile, knowledge);
  return 0;
}
