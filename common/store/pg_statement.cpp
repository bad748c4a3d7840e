#include <libpq-fe.h>

#include <cstdlib>
#include <utility>

#include "common/store/internal/pg_connection.h"

namespace vc::common::detail {
namespace {

constexpr Oid kByteaOid = 17;
constexpr Oid kBoolOid = 16;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// bytea in its hex text form ("\x0aff"); anything else is returned as it is.
std::string DecodeBytea(std::string_view text) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size() / 2 - 1);
  for (size_t i = 2; i + 1 < text.size(); i += 2) {
    const int hi = HexValue(text[i]);
    const int lo = HexValue(text[i + 1]);
    if (hi < 0 || lo < 0) return std::string(text);
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace

PgStatement::PgStatement(PgConnection* conn, std::string name, PgSql sql)
    : conn_(conn),
      name_(std::move(name)),
      sql_(std::move(sql)),
      values_(sql_.names.size()),
      is_null_(sql_.names.size(), 1),
      formats_(sql_.names.size(), 0) {}

// A cached statement goes back unbound and without its rows.
void PgStatement::Release() {
  if (name_.empty()) {
    delete this;
    return;
  }
  Reset();
  in_use = false;
}

Status PgStatement::Bind(int index, std::string value, int format) {
  if (index < 1 || static_cast<size_t>(index) > values_.size()) {
    return MakeError(std::string(kDbError), "bind " + std::to_string(index) + " in " + sql_.text +
                                                ": column index out of range");
  }
  const size_t i = static_cast<size_t>(index - 1);
  values_[i] = std::move(value);
  is_null_[i] = 0;
  formats_[i] = format;
  return Status::Ok();
}

Status PgStatement::BindText(int index, std::string_view value) {
  return Bind(index, std::string(value), 0);
}
Status PgStatement::BindInt64(int index, int64_t value) {
  return Bind(index, std::to_string(value), 0);
}
// Binary, so the bytes reach a bytea column as they are.
Status PgStatement::BindBlob(int index, std::string_view bytes) {
  return Bind(index, std::string(bytes), 1);
}
Status PgStatement::BindNull(int index) {
  Status s = Bind(index, "", 0);
  if (s) is_null_[static_cast<size_t>(index - 1)] = 1;
  return s;
}

int PgStatement::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < sql_.names.size(); ++i) {
    if (sql_.names[i] == name) return static_cast<int>(i) + 1;
  }
  return 0;
}

Status PgStatement::Execute() {
  const int n = static_cast<int>(values_.size());
  std::vector<const char*> values(values_.size());
  std::vector<int> lengths(values_.size());
  for (size_t i = 0; i < values_.size(); ++i) {
    values[i] = is_null_[i] ? nullptr : values_[i].data();
    lengths[i] = static_cast<int>(values_[i].size());
  }
  pg_conn* raw = conn_->raw();
  if (raw == nullptr) {
    return MakeError(std::string(kDbUnavailable), "the database connection is lost");
  }
  pg_result* r = name_.empty() ? PQexecParams(raw, sql_.text.c_str(), n, nullptr, values.data(),
                                              lengths.data(), formats_.data(), 0)
                               : PQexecPrepared(raw, name_.c_str(), n, values.data(),
                                                lengths.data(), formats_.data(), 0);
  result_.reset(r);
  const ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    Error error = PgError(raw, r, sql_.text);
    result_.reset();
    return error;
  }
  conn_->NoteChanges(r);
  rows_ = status == PGRES_TUPLES_OK ? PQntuples(r) : 0;
  row_ = -1;
  return Status::Ok();
}

Result<bool> PgStatement::Step() {
  if (!executed_) {
    executed_ = true;
    if (Status s = Execute(); !s) return s.error();
  }
  if (row_ < rows_) ++row_;
  return row_ < rows_;
}

void PgStatement::Reset() {
  result_.reset();
  executed_ = false;
  row_ = -1;
  rows_ = 0;
  for (size_t i = 0; i < values_.size(); ++i) {
    values_[i].clear();
    is_null_[i] = 1;
    formats_[i] = 0;
  }
}

int PgStatement::ColumnCount() const { return result_ ? PQnfields(result_.get()) : 0; }

bool PgStatement::ColumnIsNull(int index) const {
  return !result_ || row_ < 0 || row_ >= rows_ || index < 0 || index >= ColumnCount() ||
         PQgetisnull(result_.get(), row_, index) == 1;
}

std::string PgStatement::Cell(int index) const {
  if (ColumnIsNull(index)) return {};
  return std::string(PQgetvalue(result_.get(), row_, index),
                     static_cast<size_t>(PQgetlength(result_.get(), row_, index)));
}

int64_t PgStatement::ColumnInt64(int index) const {
  if (ColumnIsNull(index)) return 0;
  const char* text = PQgetvalue(result_.get(), row_, index);
  if (PQftype(result_.get(), index) == kBoolOid) return text[0] == 't' ? 1 : 0;
  return std::strtoll(text, nullptr, 10);
}

std::string PgStatement::ColumnText(int index) const {
  if (!ColumnIsNull(index) && PQftype(result_.get(), index) == kByteaOid) {
    return DecodeBytea(Cell(index));
  }
  return Cell(index);
}

std::string PgStatement::ColumnBlob(int index) const { return ColumnText(index); }

}  // namespace vc::common::detail
