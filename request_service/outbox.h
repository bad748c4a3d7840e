// The Request Service's callback outbox: common/outbox.h on the rs_outbox table
// (created by RequestServiceMigrations). Callback events are written in the same
// transaction as the state change that causes them; see HttpOutbox for delivery.
#pragma once

#include <string>

#include "common/outbox.h"
#include "request_service/request_parse.h"

namespace vc::request_service {

using OutboxOptions = common::OutboxOptions;
using OutboxWorker = common::OutboxWorker;

inline constexpr const char* kOutboxTable = "rs_outbox";

class CallbackOutbox : public common::HttpOutbox {
 public:
  CallbackOutbox(common::Database& db, common::HttpClient& http, const common::Clock& clock,
                 OutboxOptions options = {})
      : HttpOutbox(db, kOutboxTable, http, clock, options) {}

  // Inside the caller's transaction: a POST of `body` to callback.url with its headers.
  static common::Status Enqueue(common::Connection& c, const std::string& request_id,
                                const CallbackSpec& callback, const std::string& body, int64_t now_ms) {
    return HttpOutbox::Enqueue(c, kOutboxTable, request_id, callback.url, callback.headers, body, now_ms);
  }
};

}  // namespace vc::request_service
