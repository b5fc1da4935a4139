// SPDX-License-Identifier: GPL-2.0-or-later
#include "live_profile.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <variant>

#include "exit_code.hpp"
#include "portclass/capture/live_capture.hpp"
#include "netns.hpp"
#include "stop_signal.hpp"

namespace portclass::cli {
namespace {

using Clock = std::chrono::steady_clock;
using capture::CaptureFailure;
using capture::LiveCapture;

[[noreturn]] void throw_netns(const NetnsError& e) {
  if (e.kind == NetnsErrorKind::bad_name || e.kind == NetnsErrorKind::missing) throw UsageError(e.message);
  throw SystemError(e.message);
}

std::vector<LiveCapture> open_here(const LiveSettings& settings) {
  std::vector<LiveCapture> handles;
  for (const std::string& name : settings.interfaces) {
    auto opened = LiveCapture::open({name, settings.filter, settings.promiscuous, 0, 0});
    if (auto* failure = std::get_if<CaptureFailure>(&opened)) {
      if (failure->kind == CaptureFailure::Kind::bad_input) throw UsageError(failure->message);
      throw SystemError(failure->message);
    }
    handles.push_back(std::move(std::get<LiveCapture>(opened)));
  }
  return handles;
}

std::vector<LiveCapture> open_all(const LiveSettings& settings) {
  if (settings.netns.empty()) return open_here(settings);
  auto path = named_netns_path(settings.netns);
  if (auto* e = std::get_if<NetnsError>(&path)) throw_netns(*e);
  auto visit = NetnsVisit::enter(std::get<std::filesystem::path>(path), settings.netns);
  if (auto* e = std::get_if<NetnsError>(&visit)) throw_netns(*e);
  auto handles = open_here(settings);  // on a throw, the visit's destructor leaves
  if (auto failed = std::get<NetnsVisit>(visit).leave()) throw SystemError(failed->message);
  return handles;
}

void fill_summary(const std::vector<LiveCapture>& handles, InputSummary& summary) {
  summary.counters = {};
  capture::LiveStats drops;
  for (const LiveCapture& h : handles) {
    const auto& c = h.counters();
    summary.counters.packets += c.packets;
    summary.counters.tcp_udp += c.tcp_udp;
    summary.counters.truncated += c.truncated;
    summary.counters.malformed += c.malformed;
    summary.counters.other += c.other;
    // A failed pcap_stats keeps the totals of the others: drops are a floor.
    if (const auto s = h.stats(); s) {
      drops.received += s->received;
      drops.kernel_dropped += s->kernel_dropped;
      drops.interface_dropped += s->interface_dropped;
    }
  }
  summary.drops = drops;
}

}  // namespace

int capture_live(const LiveSettings& settings, HostDirectory& directory, InputSummary& summary,
                 const LiveCallbacks& callbacks) {
  std::vector<LiveCapture> handles = open_all(settings);
  StopSignals signals;
  std::vector<pollfd> fds;
  fds.reserve(handles.size() + 1);
  for (const LiveCapture& h : handles) fds.push_back({h.selectable_fd(), POLLIN, 0});
  fds.push_back({signals.fd(), POLLIN, 0});  // a stop wakes the wait at once

  // The first snapshot says capture has started (and readers find a valid
  // report from then on); a failure to open wrote nothing.
  if (callbacks.snapshot) {
    summary.snapshot = true;
    callbacks.snapshot(summary);
    summary.snapshot = false;
  }
  const auto on_packet = [&](const PacketFacts& packet) { directory.observe(packet); };
  const auto start = Clock::now();
  const std::optional<Clock::time_point> deadline =
      settings.duration ? std::optional(start + *settings.duration) : std::nullopt;
  auto next_snapshot = settings.every ? start + *settings.every : Clock::time_point::max();
  auto next_tick = start;
  std::uint64_t read = 0;

  // Reads what every interface has ready; false once --count is reached.
  const auto drain = [&] {
    for (LiveCapture& h : handles) {
      const std::uint64_t left = settings.count ? settings.count - read : 0;
      const auto n = h.dispatch(on_packet, left);
      if (!n) throw SystemError(n.error().message);
      read += *n;
      if (settings.count && read >= settings.count) return false;
    }
    return true;
  };

  while (!signals.requested()) {
    const auto now = Clock::now();
    if (deadline && now >= *deadline) break;
    auto wake = std::min({now + std::chrono::milliseconds(100), next_snapshot, next_tick});
    if (deadline) wake = std::min(wake, *deadline);
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count();
    if (::poll(fds.data(), fds.size(), static_cast<int>(std::max<std::int64_t>(wait, 0))) < 0 && errno != EINTR)
      throw SystemError(std::string("poll on the capture handles: ") + std::strerror(errno));
    // Dispatch on every handle whatever poll said: libpcap may hold packets
    // in user space that poll cannot see, and a non-blocking read is cheap.
    if (!drain()) break;
    const auto after = Clock::now();
    if (callbacks.tick && after >= next_tick) {
      fill_summary(handles, summary);
      callbacks.tick(summary, after - start);
      next_tick = after + std::chrono::seconds(1);
    }
    if (callbacks.snapshot && after >= next_snapshot) {
      fill_summary(handles, summary);
      summary.evicted = directory.evicted();
      summary.snapshot = true;
      callbacks.snapshot(summary);
      summary.snapshot = false;
      // Intervals keep their phase; a slow write skips, never bunches.
      while (next_snapshot <= after) next_snapshot += *settings.every;
    }
  }
  // What arrived just before the stop still counts (unless --count is met).
  if (!settings.count || read < settings.count) drain();
  fill_summary(handles, summary);
  summary.evicted = directory.evicted();
  return signals.which();
}

}  // namespace portclass::cli
