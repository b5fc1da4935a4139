// SPDX-License-Identifier: GPL-2.0-or-later
#include "portclass/nft/safe_apply.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "nl/build.hpp"
#include "nl/snapshot.hpp"
#include "nl/socket.hpp"

namespace portclass::nft {
namespace {

namespace fs = std::filesystem;
constexpr auto kPoll = std::chrono::milliseconds(100);

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

// "WHAT: <strerror>" as a system error that keeps the errno.
Error errno_error(const std::string& what, int error) {
  return make_error(ErrorKind::system, what + ": " + std::strerror(error), error);
}

// An exclusive flock on <dir>/lock, released when this goes away.
class Lock {
 public:
  static Result<Lock> take(const fs::path& dir) {
    const std::string path = (dir / "lock").string();
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return errno_error("cannot open " + path, errno);
    while (flock(fd, LOCK_EX) < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      return errno_error("cannot lock " + path, saved);
    }
    return Lock(fd);
  }
  Lock(Lock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Lock& operator=(Lock&&) = delete;
  ~Lock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  explicit Lock(int fd) : fd_(fd) {}
  int fd_;
};

Outcome parse_outcome(const std::string& s) {
  for (Outcome o :
       {Outcome::pending, Outcome::confirmed, Outcome::reverted, Outcome::revert_failed, Outcome::cancelled})
    if (to_string(o) == s) return o;
  return Outcome::none;
}

Result<void> write_file_atomically(const fs::path& path, const std::string& content) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) return errno_error("cannot write " + tmp.string(), errno);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return make_error(ErrorKind::system, "cannot write " + path.string() + ": " + ec.message(), ec.value());
  return {};
}

Result<void> write_status(const fs::path& dir, const Status& s) {
  std::string message = s.message;
  for (char& c : message)
    if (c == '\n') c = ' ';
  return write_file_atomically(dir / "state", "state=" + to_string(s.outcome) + "\npid=" + std::to_string(s.watchdog) +
                                                  "\ndeadline=" + std::to_string(s.deadline) + "\nmessage=" + message +
                                                  "\n");
}

bool alive(pid_t pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

Result<void> restore(const fs::path& dir) {
  std::ifstream in(dir / "snapshot", std::ios::binary);
  if (!in) return make_error(ErrorKind::system, "the saved table is missing");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  auto snap = nl::decode(bytes.str());
  if (!snap) return snap.error();
  auto opened = nl::Socket::open();
  if (!opened) return opened.error();
  nl::Socket& socket = opened.value();
  nl::Batch batch(socket.next_seq(), true);
  if (auto r = nl::add_restore(batch, *snap); !r) return r;
  batch.finish();
  socket.reserve_seqs(static_cast<std::uint32_t>(batch.messages() + 2));
  auto errors = socket.transact(batch);
  if (!errors) return errors.error();
  if (!errors->empty())
    return make_error(ErrorKind::refused,
                      "kernel refused " + errors->front().description + ": " + nl::errno_text(errors->front().error),
                      errors->front().error);
  return {};
}

// The watchdog's whole life; never returns to the caller's code.
[[noreturn]] void watchdog(const fs::path& dir, std::int64_t deadline) {
  for (;;) {
    const Status s = read_status(dir);
    if (s.outcome != Outcome::pending) _exit(0);
    if (now() >= deadline) break;
    std::this_thread::sleep_for(kPoll);
  }
  auto lock = Lock::take(dir);
  if (!lock) _exit(1);
  Status s = read_status(dir);
  if (s.outcome != Outcome::pending) _exit(0);
  auto r = restore(dir);
  s.outcome = r ? Outcome::reverted : Outcome::revert_failed;
  s.message = r ? "restored at " + std::to_string(now()) : r.error().message;
  (void)write_status(dir, s);
  _exit(r ? 0 : 1);
}

// Double fork: the grandchild runs the watchdog in its own session; returns its pid.
// The middle child records the watchdog's pid in the state before anything
// else happens: were the caller killed right after the fork, a state saying
// "pending" with no live pid would let a plain apply through, and the
// watchdog would then undo it at the deadline. (The middle child shares the
// caller's lock through the inherited descriptor; the caller waits on the pipe.)
Result<pid_t> start_watchdog(const fs::path& dir, Status pending) {
  const std::int64_t deadline = pending.deadline;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) return errno_error("pipe", errno);
  const pid_t child = fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return errno_error("fork", errno);
  }
  if (child == 0) {
    setsid();
    signal(SIGHUP, SIG_IGN);
    const pid_t grandchild = fork();
    if (grandchild != 0) {
      if (grandchild > 0) {
        pending.watchdog = grandchild;
        (void)write_status(dir, pending);
      }
      (void)!write(fds[1], &grandchild, sizeof grandchild);
      _exit(grandchild < 0 ? 1 : 0);
    }
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
    }
    // Nothing of the caller's stays open here (its lock, its netlink socket).
    close_range(3, ~0u, 0);
    watchdog(dir, deadline);
  }
  ::close(fds[1]);
  pid_t grandchild = -1;
  const ssize_t n = read(fds[0], &grandchild, sizeof grandchild);
  ::close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  if (n != sizeof grandchild || grandchild <= 0)
    return make_error(ErrorKind::system, "could not start the revert watchdog");
  return grandchild;
}

}  // namespace

std::string to_string(Outcome o) {
  switch (o) {
    case Outcome::none: return "none";
    case Outcome::pending: return "pending";
    case Outcome::confirmed: return "confirmed";
    case Outcome::reverted: return "reverted";
    case Outcome::revert_failed: return "revert-failed";
    case Outcome::cancelled: return "cancelled";
  }
  return "none";
}

fs::path state_dir_for(const std::string& netns) {
  const char* base = std::getenv("PORTCLASS_STATE_DIR");
  const fs::path root = base && *base ? fs::path(base) : fs::path("/run/portclass");
  return root / (netns.empty() ? std::string("root") : "netns-" + netns);
}

Status read_status(const fs::path& dir) {
  Status s;
  std::ifstream in(dir / "state");
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "state")
      s.outcome = parse_outcome(value);
    else if (key == "pid")
      s.watchdog = static_cast<pid_t>(std::atol(value.c_str()));
    else if (key == "deadline")
      s.deadline = std::atoll(value.c_str());
    else if (key == "message")
      s.message = value;
  }
  return s;
}

Result<void> refuse_if_pending(const fs::path& dir) {
  const Status s = read_status(dir);
  if (s.outcome == Outcome::pending && alive(s.watchdog))
    return make_error(ErrorKind::pending, "a safe apply is waiting for confirmation (watchdog pid " +
                                              std::to_string(s.watchdog) + ", " +
                                              std::to_string(std::max<std::int64_t>(0, s.deadline - now())) +
                                              " s left): run `portclass-nft confirm` first");
  return {};
}

Result<void> apply_unless_pending(const fs::path& dir, const std::function<Result<void>()>& apply) {
  std::optional<Lock> lock;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    auto taken = Lock::take(dir);
    if (!taken) return taken.error();
    lock.emplace(std::move(taken.value()));
  }
  if (auto p = refuse_if_pending(dir); !p) return p;
  return apply();
}

Result<Pending> safe_apply(const Ruleset& ruleset, std::chrono::seconds timeout, const fs::path& dir) {
  // Until the batch is sent, every failure leaves the ruleset as it was.
  const auto unchanged = [](const Error& e) { return reworded(e, e.message + "; nothing was changed"); };
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return unchanged(make_error(ErrorKind::system, "cannot create " + dir.string() + ": " + ec.message(), ec.value()));
  auto lock = Lock::take(dir);
  if (!lock) return unchanged(lock.error());
  if (auto p = refuse_if_pending(dir); !p) return p.error();

  auto opened = nl::Socket::open();
  if (!opened) return unchanged(opened.error());
  nl::Socket& socket = opened.value();
  auto snap = nl::take_snapshot(socket, ruleset.table);
  if (!snap) return unchanged(snap.error());
  if (auto w = write_file_atomically(dir / "snapshot", nl::encode(*snap)); !w) return unchanged(w.error());

  Status s;
  s.outcome = Outcome::pending;
  s.deadline = now() + timeout.count();
  if (auto w = write_status(dir, s); !w) return unchanged(w.error());
  auto pid = start_watchdog(dir, s);
  s.watchdog = pid ? *pid : 0;
  if (auto w = pid ? write_status(dir, s) : Result<void>(pid.error()); !w) {
    s.outcome = Outcome::cancelled;  // the watchdog, if any, then exits without touching anything
    (void)write_status(dir, s);
    return unchanged(w.error());
  }

  // The watchdog is armed: from here a crash of this process still reverts.
  auto generation = socket.generation();
  if (!generation) {
    s.outcome = Outcome::cancelled;
    (void)write_status(dir, s);
    return unchanged(reworded(generation.error(), "cannot read the ruleset generation: " + generation.error().message));
  }
  nl::Batch batch(socket.next_seq(), true);
  nl::BuildContext context;
  if (unsigned index = if_nametoindex("lo")) context.loopback_ifindex = index;
  nl::add_replace(batch, ruleset, context);
  batch.finish();
  socket.reserve_seqs(static_cast<std::uint32_t>(batch.messages() + 2));
  auto errors = socket.transact(batch);
  if (!errors && socket.batch_sent()) {
    const nl::Changed changed = nl::changed_since(*generation);
    if (changed != nl::Changed::no)  // the batch may well be in: the revert stays armed
      return nl::lost_answer(errors.error(), changed, ruleset.table,
                             "; the revert stays armed: the previous table comes back in " +
                                 std::to_string(std::max<std::int64_t>(0, s.deadline - now())) +
                                 " s unless `portclass-nft confirm` runs");
    s.outcome = Outcome::cancelled;
    (void)write_status(dir, s);
    return nl::lost_answer(errors.error(), changed, ruleset.table, "");
  }
  if (!errors || !errors->empty()) {
    s.outcome = Outcome::cancelled;
    (void)write_status(dir, s);
    if (!errors) return unchanged(errors.error());
    return nl::refusal(*errors, batch.first_seq(), true);
  }
  return Pending{s.watchdog, s.deadline};
}

Result<Status> confirm_pending(const fs::path& dir) {
  if (!fs::exists(dir / "state")) return make_error("nothing to confirm: no safe apply was made here");
  auto lock = Lock::take(dir);
  if (!lock) return lock.error();
  Status s = read_status(dir);
  switch (s.outcome) {
    case Outcome::pending:
      s.outcome = Outcome::confirmed;
      if (auto w = write_status(dir, s); !w) return w.error();
      return s;
    case Outcome::confirmed: return make_error("already confirmed");
    case Outcome::reverted: return make_error("too late: the previous ruleset was already restored");
    case Outcome::revert_failed: return make_error("too late, and the revert failed: " + s.message);
    case Outcome::cancelled: return make_error("nothing to confirm: the last safe apply failed and changed nothing");
    case Outcome::none: break;
  }
  return make_error("nothing to confirm");
}

Status wait_outcome(const fs::path& dir) {
  for (;;) {
    Status s = read_status(dir);
    if (s.outcome != Outcome::pending) return s;
    if (!alive(s.watchdog) && now() > s.deadline + 5) return s;  // watchdog gone: report as is
    std::this_thread::sleep_for(kPoll);
  }
}

}  // namespace portclass::nft
