// Internal to http_server.cpp: what a graceful Shutdown() needs to know about
// requests and connections that Pistache 0.0.5 does not track for us.
#pragma once

#include <pistache/peer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

namespace vc::common::internal {

// Requests received whose response is not yet on the wire. Shutdown() waits for
// zero: Pistache's event loops stop without flushing queued writes.
class InFlight {
 public:
  // False once draining: the caller should then close the connection after replying.
  bool Begin() {
    std::lock_guard lock(mu_);
    ++count_;
    return !draining_;
  }
  void End() {
    std::lock_guard lock(mu_);
    if (--count_ == 0) cv_.notify_all();
  }
  // Returns false when requests were still running at the deadline.
  bool Drain(std::chrono::milliseconds grace) {
    std::unique_lock lock(mu_);
    draining_ = true;
    return cv_.wait_for(lock, grace, [this] { return count_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int count_ = 0;
  bool draining_ = false;
};

// Sockets seen by handlers, so that Shutdown() can close the ones still open:
// Pistache 0.0.5 never closes peer sockets when it stops. Each is identified by fd
// and inode, so an fd that Pistache closed and the process reused is left alone.
class OpenConnections {
 public:
  void Note(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
    if (!peer || peer->tryGetData(kSeenKey)) return;
    peer->putData(kSeenKey, std::make_shared<bool>(true));
    struct stat st {};
    if (::fstat(peer->fd(), &st) != 0) return;
    std::lock_guard lock(mu_);
    sockets_[peer->fd()] = {st.st_dev, st.st_ino};
  }
  // Only once the event loops have been joined.
  void CloseAll() {
    std::lock_guard lock(mu_);
    for (const auto& [fd, id] : sockets_) {
      struct stat st {};
      if (::fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == id.first &&
          st.st_ino == id.second) {
        ::close(fd);
      }
    }
    sockets_.clear();
  }

 private:
  static constexpr const char* kSeenKey = "vc.seen";
  std::mutex mu_;
  std::map<int, std::pair<dev_t, ino_t>> sockets_;
};

}  // namespace vc::common::internal
