#include "common/http/internal/write_pump.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <stdexcept>

#include "common/http/internal/http_connection.h"

namespace vc::common::internal {

WritePump::WritePump(std::chrono::milliseconds sweep) : sweep_(sweep) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) throw std::runtime_error("cannot create the write pump");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;  // connection ids start at 1
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
}

WritePump::~WritePump() {
  Stop();
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

void WritePump::Start() {
  thread_ = std::thread([this] { Run(); });
}

void WritePump::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  const uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
}

void WritePump::Add(const std::shared_ptr<HttpConnection>& connection) {
  std::lock_guard lock(mu_);
  open_[connection->id()] = connection;
}

void WritePump::Remove(uint64_t id) {
  std::lock_guard lock(mu_);
  open_.erase(id);
}

std::vector<std::shared_ptr<HttpConnection>> WritePump::TakeAll() {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<HttpConnection>> out;
  out.reserve(open_.size());
  for (auto& [id, c] : open_) out.push_back(std::move(c));
  open_.clear();
  watched_.clear();
  return out;
}

size_t WritePump::size() const {
  std::lock_guard lock(mu_);
  return open_.size();
}

void WritePump::Watch(const std::shared_ptr<HttpConnection>& connection) {
  std::lock_guard lock(mu_);
  epoll_event ev{};
  ev.events = EPOLLOUT | EPOLLET;
  ev.data.u64 = connection->id();
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, connection->fd(), &ev) != 0) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, connection->fd(), &ev);
  }
  watched_[connection->id()] = connection;
}

void WritePump::Unwatch(uint64_t id, int fd) {
  std::lock_guard lock(mu_);
  if (watched_.erase(id) == 0) return;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

void WritePump::Run() {
  auto next_sweep = std::chrono::steady_clock::now() + sweep_;
  epoll_event events[64];
  while (true) {
    const auto now = std::chrono::steady_clock::now();
    const int wait_ms = static_cast<int>(std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(next_sweep - now).count()));
    const int n = ::epoll_wait(epoll_fd_, events, 64, wait_ms);
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 == 0) continue;
      std::shared_ptr<HttpConnection> c;
      {
        std::lock_guard lock(mu_);
        auto it = watched_.find(events[i].data.u64);
        if (it != watched_.end()) c = it->second;
      }
      if (c) c->ContinueWrite();
    }
    if (std::chrono::steady_clock::now() >= next_sweep) {
      const auto at = std::chrono::steady_clock::now();
      std::vector<std::shared_ptr<HttpConnection>> open;
      {
        std::lock_guard lock(mu_);
        open.reserve(open_.size());
        for (const auto& [id, c] : open_) open.push_back(c);
      }
      for (const auto& c : open) c->CheckTimeouts(at);
      next_sweep = at + sweep_;
    }
  }
}

}  // namespace vc::common::internal
