// The Request Service's callback outbox: common/outbox.h on the rs_outbox table
// (created by RequestServiceMigrations). Callback events are written in the same
// transaction as the state change that causes them; see HttpOutbox for delivery.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/base/text.h"
#include "common/http/outbox.h"
#include "common/http/outbox_worker.h"
#include "request_service/request_parse.h"

namespace vc::request_service {

using OutboxOptions = common::OutboxOptions;
using OutboxWorker = common::OutboxWorker;

inline constexpr const char* kOutboxTable = "rs_outbox";

class CallbackOutbox : public common::HttpOutbox {
 public:
  CallbackOutbox(common::Database& db, common::HttpClient& http, const common::Clock& clock,
                 OutboxOptions options = {})
      : HttpOutbox(db, kOutboxTable, http, clock, options, "callbacks") {}

  // Inside the caller's transaction: a POST of `body` to callback.url with its
  // headers and `Idempotency-Key: <request_id>:<status>`, the same on every
  // redelivery (each request has at most one event per status), so a receiver
  // can drop the repeats that at-least-once delivery brings (a crash between
  // the receiver's 2xx and our record of it). A caller's own header of that
  // name is replaced.
  static common::Status Enqueue(common::Connection& c, const std::string& request_id,
                                const std::string& status, const CallbackSpec& callback,
                                const std::string& body, int64_t now_ms) {
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& h : callback.headers) {
      if (!common::EqualsIgnoreAsciiCase(h.first, "Idempotency-Key")) headers.push_back(h);
    }
    headers.emplace_back("Idempotency-Key", request_id + ":" + status);
    return HttpOutbox::Enqueue(c, kOutboxTable, request_id, callback.url, headers, body, now_ms);
  }
};

}  // namespace vc::request_service
