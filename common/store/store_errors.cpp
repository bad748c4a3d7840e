// The store's error predicates and URL redaction (connection.h, store.h).
#include <regex>

#include "common/store/store.h"

namespace vc::common {

bool IsUniqueViolation(const Error& error) {
  if (error.code != kDbConstraint) return false;
  const std::string& m = error.message;
  return m.find("[SQLITE_CONSTRAINT_UNIQUE]") != std::string::npos ||
         m.find("[SQLITE_CONSTRAINT_PRIMARYKEY]") != std::string::npos ||
         m.find("[23505]") != std::string::npos;  // PostgreSQL unique_violation
}

bool IsUnavailable(const Error& error) { return error.code == kDbUnavailable; }

bool IsRetryableConflict(const Error& error) {
  if (error.code != kDbBusy) return false;
  // deadlock_detected, serialization_failure
  return error.message.find("[40P01]") != std::string::npos ||
         error.message.find("[40001]") != std::string::npos;
}

std::string RedactDatabaseUrl(std::string_view url) {
  std::string out(url);
  // URI: scheme://user:password@host…
  static const std::regex kUserInfo(R"(^([a-z]+://[^:/@?]*):[^@/?]*@)");
  out = std::regex_replace(out, kUserInfo, "$1:***@");
  // Keyword form (password=… or 'quoted') and a URI's ?password=…
  static const std::regex kKeyword(R"((password\s*=\s*)('(\\.|[^'])*'|[^\s&]*))");
  return std::regex_replace(out, kKeyword, "$1***");
}

}  // namespace vc::common
