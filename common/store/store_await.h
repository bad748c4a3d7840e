// Database calls for coroutines (common/base/task.h): the coroutine is parked
// while the storage works, never a thread.
#pragma once

#include <utility>

#include "common/base/task.h"
#include "common/store/store.h"

namespace vc::common {

// co_await AwaitCommit(db, work): Database::Submit; the coroutine resumes with
// work's Status once its batch is committed, on the database's completion
// thread (hop with ResumeOn before anything long).
inline auto AwaitCommit(Database& db, Database::Work work) {
  return Callback<Status>([&db, work = std::move(work)](auto resume) mutable {
    db.Submit(std::move(work), std::move(resume));
  });
}

// co_await AwaitRead(db, work): Database::Query; resumes with work's Status on
// the reader thread that ran it.
inline auto AwaitRead(Database& db, Database::Work work) {
  return Callback<Status>([&db, work = std::move(work)](auto resume) mutable {
    db.Query(std::move(work), std::move(resume));
  });
}

}  // namespace vc::common
