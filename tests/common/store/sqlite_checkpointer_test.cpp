// The WAL is checkpointed off the writer thread: commits past the threshold
// wake the checkpointer, which copies their pages into the database file, and
// a WAL that outgrows ten times the threshold is bounded by the writer.
#include "common/store/internal/sqlite_checkpointer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "common/store/internal/sqlite_connection.h"
#include "support/temp_dir.h"

namespace vc::common::detail {
namespace {

constexpr uintmax_t kPage = 4096;

class SqliteCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("c.db");
    auto writer = SqliteConnection::Open(path_, true, 5000, true);
    ASSERT_TRUE(writer.ok());
    writer_ = std::move(*writer);
    ASSERT_TRUE(writer_->Exec("PRAGMA journal_mode=WAL").ok());
    ASSERT_TRUE(writer_->Exec("CREATE TABLE t(v BLOB)").ok());
  }
  // One commit per row; between two, the writer's catch-up, as Database's
  // writer loop runs it between two batches.
  void Insert(int rows) {
    for (int i = 0; i < rows; ++i) {
      ASSERT_TRUE(writer_->Exec("INSERT INTO t VALUES(zeroblob(3000))").ok());
      if (checkpointer_) checkpointer_->CatchUpIfDue();
    }
  }
  void Watch(SqliteCheckpointer& checkpointer) {
    checkpointer.Watch(*writer_);
    checkpointer_ = &checkpointer;
  }
  int64_t Rows() {
    auto st = writer_->Prepare("SELECT count(*) FROM t");
    EXPECT_TRUE(st.ok());
    auto row = st->Step();
    EXPECT_TRUE(row.ok() && *row);
    return st->ColumnInt64(0);
  }

  vc::testing::TempDir dir_;
  std::string path_;
  std::unique_ptr<SqliteConnection> writer_;
  SqliteCheckpointer* checkpointer_ = nullptr;
};

TEST_F(SqliteCheckpointerTest, CommitsPastTheThresholdAreCopiedIntoTheDatabaseFile) {
  auto checkpointer = SqliteCheckpointer::Start(path_, 5000, true, 64);
  ASSERT_TRUE(checkpointer.ok());
  Watch(**checkpointer);
  Insert(4);  // a few pages, far below the threshold: nothing is copied yet
  EXPECT_FALSE((*checkpointer)->WaitForCheckpoints(1, std::chrono::milliseconds(0)));
  Insert(60);  // a page each
  ASSERT_TRUE((*checkpointer)->WaitForCheckpoints(1, std::chrono::seconds(60)));
  // The first checkpoint copied at least the pages that woke it.
  EXPECT_GE(std::filesystem::file_size(path_), 32 * kPage);
  checkpointer_ = nullptr;
  writer_.reset();  // the writer closes before its checkpointer
  auto reopened = SqliteConnection::Open(path_, false, 5000, true);
  ASSERT_TRUE(reopened.ok());
  writer_ = std::move(*reopened);
  EXPECT_EQ(Rows(), 64);
}

// Each row fills a page, so 600 commits write some 1,200 WAL pages. The WAL
// starts over each time a checkpoint has copied all of it (in the background,
// then the last pages by the writer's catch-up, or all by the writer once it
// holds ten thresholds), so its file stays far below.
TEST_F(SqliteCheckpointerTest, TheWalStartsOverInsteadOfGrowing) {
  auto checkpointer = SqliteCheckpointer::Start(path_, 5000, true, 8);
  ASSERT_TRUE(checkpointer.ok());
  Watch(**checkpointer);
  Insert(600);
  EXPECT_LT(std::filesystem::file_size(path_ + "-wal"), 400 * (kPage + 24));
  EXPECT_EQ(Rows(), 600);
}

}  // namespace
}  // namespace vc::common::detail
