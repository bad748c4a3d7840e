#include "request_service/api_error.h"

#include <ctime>

#include "common/base/crypto.h"
#include "common/base/json.h"

namespace vc::request_service {

ApiFailure BadField(std::string target, std::string message) {
  return ApiFailure{400, "badOrMissingField", std::move(message), std::move(target)};
}

std::string_view OuterCode(int status) {
  switch (status) {
    case 400:
      return "badRequest";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "notFound";
    case 405:
      return "methodNotAllowed";
    case 409:
      return "conflict";
    case 410:
      return "gone";
    case 413:
      return "payloadTooLarge";
    case 415:
      return "unsupportedMediaType";
    case 429:
      return "tooManyRequests";
    case 501:
      return "notImplemented";
    case 502:
      return "badGateway";
    case 503:
      return "serviceUnavailable";
    default:
      return "internalServerError";
  }
}

std::string_view OuterMessage(int status) {
  switch (status) {
    case 400:
      return "The request is invalid.";
    case 401:
      return "The requested resource requires authentication";
    case 403:
      return "Missing permissions to fulfill this request.";
    case 404:
      return "The requested resource doesn't exist.";
    case 405:
      return "The requested method isn't allowed on the requested resource.";
    case 409:
      return "The server can't fulfill the request due to a server conflict.";
    case 410:
      return "The requested resource is no longer available.";
    case 413:
      return "The payload is too large.";
    case 415:
      return "The specified media type is unsupported.";
    case 429:
      return "Too many requests, try again later.";
    case 501:
      return "The server doesn't support the requested function.";
    case 502:
      return "bad response received from another gateway.";
    case 503:
      return "The server is temporarily unavailable, please try again later.";
    default:
      return "A generic error has occurred on the server.";
  }
}

namespace {

// 16 bytes with the version and RFC 9562 variant set, as 8-4-4-4-12 hex.
std::string FormatUuid(std::string b, int version) {
  b[6] = static_cast<char>((b[6] & 0x0f) | (version << 4));
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  const std::string h = common::HexEncode(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

}  // namespace

std::string NewUuid() { return FormatUuid(common::RandomBytes(16), 4); }

std::string NewUuidV7(int64_t millis, std::string_view random) {
  std::string b(16, '\0');
  const auto ms = static_cast<uint64_t>(millis);
  for (int i = 0; i < 6; ++i) b[static_cast<size_t>(i)] = static_cast<char>(ms >> (8 * (5 - i)));
  random.copy(b.data() + 6, 10);  // the version and variant bits overwrite 6 of these 80
  return FormatUuid(std::move(b), 7);
}

std::string HttpDate(int64_t now) {
  const std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

common::HttpServerResponse EnvelopeResponse(const ApiFailure& f, const std::string& mscv,
                                            int64_t now) {
  const int status = (f.status >= 400 && f.status < 600) ? f.status : 500;
  common::JsonWriter w;
  w->StartObject();
  w.Member("requestId", common::HexEncode(common::RandomBytes(16)));
  w.Member("date", HttpDate(now));
  w.Member("mscv", mscv);
  w->Key("error");
  w->StartObject();
  w.Member("code", std::string(OuterCode(status)));
  w.Member("message", std::string(OuterMessage(status)));
  w->Key("innererror");
  w->StartObject();
  w.Member("code", f.code);
  w.Member("message", f.message);
  if (!f.target.empty()) {
    w.Member("target", f.target);
  }
  w->EndObject();
  w->EndObject();
  w->EndObject();
  auto resp = common::HttpServerResponse::Json(status, w.str());
  if (status == 503) resp.SetHeader("Retry-After", "5");
  return resp;
}

}  // namespace vc::request_service
