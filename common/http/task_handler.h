// Handlers written as coroutines (common/base/task.h): started on the event
// loop, answered from whichever thread they finish on.
#pragma once

#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "common/base/task.h"
#include "common/http/http_message.h"

namespace vc::common {

// What a handler's exception gets, as for every handler: the log line
// http_handler_exception (method, path, error, mscv) and a generic 500.
HttpServerResponse HandlerFailed(std::exception_ptr error, std::string_view method,
                                 std::string_view path, std::string_view mscv);

// What names a request in HandlerFailed's log line, kept apart from the
// request for handlers that move it into their task.
struct HandlerLabel {
  std::string method, path, mscv;
  static HandlerLabel Of(const HttpServerRequest& request) {
    return {request.method, request.path, request.mscv};
  }
};

// Starts `task` and answers `respond` with to_response(its result), or with
// HandlerFailed when it throws.
template <typename T, typename ToResponse>
void RespondWhenDone(Task<T> task, ToResponse to_response, HttpResponder respond,
                     HandlerLabel label) {
  Start<T>(
      std::move(task),
      [respond, to_response = std::move(to_response)](T result) {
        respond(to_response(std::move(result)));
      },
      [respond, label = std::move(label)](std::exception_ptr e) {
        respond(HandlerFailed(e, label.method, label.path, label.mscv));
      });
}

}  // namespace vc::common
