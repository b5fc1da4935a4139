// SPDX-License-Identifier: GPL-2.0-or-later
#include "atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "exit_code.hpp"

namespace portclass::cli {
namespace {

[[noreturn]] void fail(const std::string& what, int err) {
  const std::string line = what + ": " + std::strerror(err);
  if (err == ENOENT || err == ENOTDIR || err == EACCES || err == EISDIR || err == EROFS || err == ENAMETOOLONG)
    throw UsageError(line);
  throw SystemError(line);
}

// The temporary file: closed and, unless renamed, removed.
class TemporaryFile {
 public:
  explicit TemporaryFile(std::string pattern) : path_(std::move(pattern)), fd_(::mkstemp(path_.data())) {}
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!renamed_ && fd_ >= 0) ::unlink(path_.c_str());
  }
  int fd() const noexcept { return fd_; }
  const std::string& path() const noexcept { return path_; }
  int close() noexcept {
    const int rc = ::close(fd_);
    fd_ = -2;  // closed, but still ours to unlink
    return rc;
  }
  void renamed() noexcept { renamed_ = true; }

 private:
  std::string path_;
  int fd_;
  bool renamed_ = false;
};

}  // namespace

void replace_file_atomically(const std::filesystem::path& path, std::string_view content) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  TemporaryFile tmp((dir / ("." + path.filename().string() + ".XXXXXX")).string());
  if (tmp.fd() < 0) fail("cannot write a report next to " + path.string(), errno);
  // mkstemp makes 0600; a report is for other processes to read.
  ::fchmod(tmp.fd(), 0644);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(tmp.fd(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write " + tmp.path(), errno);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(tmp.fd()) != 0) fail("cannot flush " + tmp.path(), errno);
  if (tmp.close() != 0) fail("cannot close " + tmp.path(), errno);
  if (::rename(tmp.path().c_str(), path.c_str()) != 0) fail("cannot replace " + path.string(), errno);
  tmp.renamed();
}

}  // namespace portclass::cli
