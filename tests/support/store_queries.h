// One-value queries for store tests, on either engine.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "common/store/store.h"

namespace vc::testing {

// Reads one integer with a query on a reader connection; -1 when no row.
inline int64_t QueryInt(common::Database& db, const std::string& sql) {
  int64_t value = -1;
  common::Status s = db.Read([&](common::Connection& conn) -> common::Status {
    auto st = conn.Prepare(sql);
    if (!st.ok()) return st.error();
    auto row = st->Step();
    if (!row.ok()) return row.error();
    if (*row) value = st->ColumnInt64(0);
    return common::Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.error().message;
  return value;
}

inline std::string QueryText(common::Database& db, const std::string& sql) {
  std::string value;
  common::Status s = db.Read([&](common::Connection& conn) -> common::Status {
    auto st = conn.Prepare(sql);
    if (!st.ok()) return st.error();
    auto row = st->Step();
    if (!row.ok()) return row.error();
    if (*row) value = st->ColumnText(0);
    return common::Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.error().message;
  return value;
}

}  // namespace vc::testing
