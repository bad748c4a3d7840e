// What store.cpp and store_writer.cpp share: the per-thread bookkeeping that
// turns a nested use of a Database into an error instead of a deadlock, the
// writer and pending-work records, and transaction helpers.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "common/store/store.h"

namespace vc::common {

struct Database::Writer {
  std::unique_ptr<Connection> conn;
  std::mutex mu;  // a batch, or Exec/Read on the first writer
  std::thread thread;
};

// One caller's work in a group commit.
struct Database::Pending {
  Work work;
  std::function<void(Status, std::exception_ptr)> done;
  Status status = Status::Ok();
  std::exception_ptr exception;
};

namespace detail {

// True when this thread holds a connection of `db` (inside a work).
bool HeldByThisThread(const Database* db);
// True on a writer or completion thread of `db`: a Done that waited for the
// writers would wait for itself.
bool IsWriterThreadOf(const Database* db);
void SetWriterThreadOf(const Database* db);

class HoldGuard {
 public:
  explicit HoldGuard(const Database* db);
  ~HoldGuard();
  HoldGuard(const HoldGuard&) = delete;
  HoldGuard& operator=(const HoldGuard&) = delete;

 private:
  const Database* db_;
};

Error NestedUse();

// Rolls back whatever is still open when the work returned an error, COMMIT
// failed, or an exception is unwinding.
class RollbackGuard {
 public:
  explicit RollbackGuard(Connection& conn) : conn_(conn) {}
  ~RollbackGuard() {
    if (conn_.InTransaction()) (void)conn_.Exec("ROLLBACK");
  }
  RollbackGuard(const RollbackGuard&) = delete;
  RollbackGuard& operator=(const RollbackGuard&) = delete;

 private:
  Connection& conn_;
};

// After a work said Ok: an error when its transaction can no longer commit
// what it did. SQLite rolls back on its own after some errors (I/O, out of
// memory); PostgreSQL refuses every statement after a failed one, and a work
// that swallowed that failure would otherwise commit nothing without knowing.
Status CheckStillOpen(Connection& conn);

}  // namespace detail
}  // namespace vc::common
