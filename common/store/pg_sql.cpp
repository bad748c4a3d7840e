// PostgreSQL's side of the shared dialect: parameter rewriting and SQLSTATE
// mapping (internal/pg_connection.h).
#include <libpq-fe.h>

#include <algorithm>
#include <cctype>

#include "common/store/internal/pg_connection.h"

namespace vc::common::detail {
namespace {

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Copies a quoted run ('…' or "…", a doubled quote inside stays inside) and
// returns the index after it.
size_t CopyQuoted(std::string_view sql, size_t i, std::string& out) {
  const char quote = sql[i];
  out += sql[i++];
  while (i < sql.size()) {
    out += sql[i];
    if (sql[i++] == quote) {
      if (i < sql.size() && sql[i] == quote) {
        out += sql[i++];
        continue;
      }
      break;
    }
  }
  return i;
}

size_t CopyComment(std::string_view sql, size_t i, std::string& out) {
  const bool line = sql[i] == '-';
  const std::string_view end = line ? "\n" : "*/";
  const size_t stop = sql.find(end, i + 2);
  const size_t next = stop == std::string_view::npos ? sql.size() : stop + end.size();
  out.append(sql.substr(i, next - i));
  return next;
}

int NumberFor(PgSql& out, const std::string& name) {
  auto it = std::find(out.names.begin(), out.names.end(), name);
  if (it != out.names.end()) return static_cast<int>(it - out.names.begin()) + 1;
  out.names.push_back(name);
  return static_cast<int>(out.names.size());
}

std::string Shorten(std::string_view what) {
  constexpr size_t kMax = 80;
  if (what.size() <= kMax) return std::string(what);
  return std::string(what.substr(0, kMax)) + "...";
}

bool IsConnectionLoss(const std::string& state) {
  return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
}

}  // namespace

PgSql RewriteParameters(std::string_view sql) {
  PgSql out;
  out.text.reserve(sql.size() + 8);
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    if (c == '\'' || c == '"') {
      i = CopyQuoted(sql, i, out.text);
    } else if ((c == '-' && next == '-') || (c == '/' && next == '*')) {
      i = CopyComment(sql, i, out.text);
    } else if (c == ':' && next == ':') {
      out.text += "::";
      i += 2;
    } else if (c == '?' && IsDigit(next)) {
      size_t j = i + 1;
      while (j < sql.size() && IsDigit(sql[j])) ++j;
      const int n = std::stoi(std::string(sql.substr(i + 1, j - i - 1)));
      if (static_cast<int>(out.names.size()) < n) out.names.resize(static_cast<size_t>(n));
      out.text += "$" + std::to_string(n);
      i = j;
    } else if (c == '?') {
      out.names.emplace_back();
      out.text += "$" + std::to_string(out.names.size());
      ++i;
    } else if ((c == ':' || c == '@' || c == '$') && IsNameStart(next)) {
      size_t j = i + 1;
      while (j < sql.size() && IsNameChar(sql[j])) ++j;
      out.text += "$" + std::to_string(NumberFor(out, std::string(sql.substr(i, j - i))));
      i = j;
    } else {
      out.text += c;
      ++i;
    }
  }
  return out;
}

Error PgError(pg_conn* conn, const pg_result* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string detail = primary ? primary : (conn ? PQerrorMessage(conn) : "no connection");
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  std::string message = Shorten(what) + ": " + detail;
  if (!sqlstate.empty()) message += " [" + sqlstate + "]";
  if (conn == nullptr || PQstatus(conn) == CONNECTION_BAD || IsConnectionLoss(sqlstate)) {
    return MakeError(std::string(kDbUnavailable), message);
  }
  if (sqlstate.rfind("23", 0) == 0) return MakeError(std::string(kDbConstraint), message);
  // disk_full, out_of_memory... (class 53: insufficient resources).
  if (sqlstate == "53100") return MakeError(std::string(kDbFull), message);
  // Deadlock, serialization failure, lock timeout: the engine chose this
  // statement to fail so that another could go on.
  if (sqlstate == "40P01" || sqlstate == "40001" || sqlstate == "55P03") {
    return MakeError(std::string(kDbBusy), message);
  }
  return MakeError(std::string(kDbError), message);
}

}  // namespace vc::common::detail
