#include "verifier/webhook.h"

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/base/metrics.h"
#include "common/http/outbox.h"

namespace vc::verifier {
namespace {

std::string StatusOf(const StoredPresentation& row, int64_t now) {
  if (!IsTerminalStatus(row.status) && row.expiry > 0 && now > row.expiry) return "expired";
  return row.status;
}

std::string MessageOf(const std::string& status) {
  if (status == "request_created") return "Waiting for the QR code to be scanned";
  if (status == "request_retrieved") return "QR code scanned. Waiting for the wallet";
  if (status == "presentation_verified") return "Presentation verified";
  if (status == "presentation_error") return "Presentation failed";
  return "The request expired before a presentation arrived";
}

void WriteResult(common::JsonWriter& w, const std::string& result) {
  auto doc = common::ParseJsonObject(result, {16 << 20, 32});
  if (!doc) return;
  for (const auto& m : doc->GetObject()) {
    w->Key(m.name.GetString(), m.name.GetStringLength());
    m.value.Accept(*w);
  }
}

struct PresentationCounters {
  common::Counter& verified;
  common::Counter& failed;
};

PresentationCounters& Counters() {
  static common::CounterFamily& family = common::MetricsRegistry::Global().AddCounter(
      "vc_presentations_total", "Presentation requests that ended, by outcome: verified or failed",
      {"outcome"});
  static PresentationCounters counters{family.With({"verified"}), family.With({"failed"})};
  return counters;
}

}  // namespace

void RegisterPresentationMetrics() { Counters(); }

void CountPresentation(const std::string& status) {
  (status == "presentation_verified" ? Counters().verified : Counters().failed).Inc();
}

std::string RequestJson(const StoredPresentation& row, int64_t now) {
  const std::string status = StatusOf(row, now);
  common::JsonWriter w;
  w->StartObject();
  w.Member("id", row.id);
  w->Key("policy");
  auto policy = common::ParseJsonObject(row.policy);
  w.String(policy ? common::GetString(*policy, "id").value_or("") : "");
  w.Member("protocol", row.protocol);
  w.Member("status", status);
  w.Member("message", MessageOf(status));
  w.Member("url", row.url);
  w.Member("expiry", row.expiry);
  if (status == "presentation_verified") WriteResult(w, row.result);
  if (status == "presentation_error") {
    w->Key("error");
    w->StartObject();
    w.Member("code", row.error_code);
    w.Member("message", row.error_message);
    w->EndObject();
  }
  w->EndObject();
  return w.str();
}

common::Status Webhooks::Enqueue(common::Connection& c, const StoredPresentation& row) const {
  if (hook_.url.empty()) return {};
  const std::string body = RequestJson(row, clock_.NowSeconds());
  const std::string signature =
      "sha256=" + common::HexEncode(common::HmacSha256(hook_.secret, body));
  return common::HttpOutbox::Enqueue(
      c, kWebhookTable, row.id, hook_.url,
      {{"X-Signature", signature}, {"Idempotency-Key", row.id + ":" + row.status}}, body,
      clock_.NowMillis());
}

}  // namespace vc::verifier
