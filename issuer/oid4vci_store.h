// The OpenID4VCI issuer's durable state (component "issuer_oid4vci"): offers
// with their pre-authorized code, tx_code and attempts, nonces, the SD-JWT VCs
// issued and their Token Status List slots. Every single-use rule is a
// conditional UPDATE/DELETE inside one transaction, so it holds under
// concurrent requests and across restarts.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "common/store/store.h"

namespace vc::issuer {

enum class OfferStatus { kCreated, kTokenIssued, kCredentialIssued, kFailed };
// "offer_created", "token_issued", "credential_issued", "failed"
std::string_view OfferStatusName(OfferStatus s);

struct Offer {
  std::string id;          // random; names the offer in its credential_offer_uri
  std::string session_id;  // "" for an account offer
  std::string subject;     // the identity record, "owner/name"
  std::string contract_id;
  std::string claims_json;  // {outputClaim: value}; "{}" once the credential is issued
  std::string pre_authorized_code;
  std::string tx_code;  // "" = none asked; cleared once the offer ends
  int tx_failures = 0;
  OfferStatus status = OfferStatus::kCreated;
  int64_t expiry = 0;        // of the pre-authorized code
  int64_t token_expiry = 0;  // of the access token, once redeemed
  std::string credential_id;
  int64_t created_at = 0;
  int64_t updated_at = 0;

  // The wallet can no longer go on: the code or the token ran out unused.
  bool Expired(int64_t now) const {
    return (status == OfferStatus::kCreated && now > expiry) ||
           (status == OfferStatus::kTokenIssued && now > token_expiry);
  }
};

// What redeeming a pre-authorized code came to.
enum class RedeemOutcome {
  kRedeemed,          // the access token is bound to the offer
  kUnknownCode,       // no offer has this code
  kAlreadyUsed,       // the code was redeemed before
  kExpired,           // past the offer's expiry
  kDead,              // too many wrong tx_codes (now, or before)
  kTxCodeMissing,     // the offer asks for a tx_code and none was sent (not counted)
  kTxCodeUnexpected,  // a tx_code sent for an offer without one (not counted)
  kTxCodeWrong,       // counted; the code stays usable until the limit
};

// The slot a new credential takes in a Token Status List.
struct StatusSlot {
  std::string list_id;
  int64_t index = 0;
};

struct IssuedCredential {
  std::string id;  // ours ("urn:uuid:…"), for revocation
  std::string offer_id;
  std::string subject;
  std::string contract_id;
  std::string index_hash;  // IndexClaimHash of the indexed claim, "" when none
  StatusSlot slot;
  int64_t issued_at = 0;
  int64_t expires_at = 0;
};

class Oid4vciStore {
 public:
  Oid4vciStore(common::Database& db, const common::Clock& clock) : db_(db), clock_(clock) {}

  static common::Status Migrate(common::Database& db);

  common::Status InsertOffer(const Offer& offer);
  // nullopt when unknown.
  common::Result<std::optional<Offer>> GetOffer(const std::string& id) const;
  common::Result<std::optional<Offer>> LatestForSession(const std::string& session_id) const;

  // Redeems `code` with `tx_code` ("" when none sent): binds SHA-256 of the
  // access token to the offer, or counts a wrong tx_code and kills the offer
  // at `max_tx_failures` (writing `on_dead` into the audit inside the same
  // transaction). Errors only for storage failures.
  common::Result<RedeemOutcome> Redeem(
      const std::string& code, const std::string& tx_code, const std::string& token_hash,
      int64_t token_expiry, int max_tx_failures,
      const std::function<common::Status(common::Connection&, const Offer&)>& on_dead);

  common::Status InsertNonce(const std::string& nonce, int64_t expiry);

  // The offer an unexpired, unspent access token (by SHA-256) belongs to.
  common::Result<std::optional<Offer>> OfferForToken(const std::string& token_hash) const;

  // What IssueCredential asks its caller to do inside the transaction.
  using Mint = std::function<common::Result<std::string>(common::Connection&, const Offer&,
                                                         const StatusSlot&)>;
  enum class IssueOutcome { kIssued, kBadNonce, kBadToken };
  // In one transaction: consumes `nonce`, checks the token's offer is still
  // token_issued and unexpired, takes a random free slot of a status list,
  // calls `mint` (which signs and may append to the audit log), records the
  // credential and marks the offer credential_issued. Any failure or refusal
  // leaves everything as it was. `out` receives the minted credential.
  common::Result<IssueOutcome> IssueCredential(const std::string& token_hash,
                                               const std::string& nonce, int64_t list_size,
                                               IssuedCredential record, const Mint& mint,
                                               std::string* out);

  // The size and revoked indexes of a status list; nullopt when unknown.
  struct ListState {
    int64_t size = 0;
    std::vector<int64_t> revoked;
  };
  common::Result<std::optional<ListState>> StatusList(const std::string& list_id) const;

  // Revokes by "id", "index_hash" or "subject" inside the caller's
  // transaction; returns how many credentials matched (vcctl credential revoke).
  static common::Result<int64_t> Revoke(common::Connection& c, const char* column,
                                        const std::string& value);

 private:
  common::Result<std::optional<Offer>> Find(const std::string& where, const std::string& arg) const;
  // One offer `where` ("WHERE col = ?") with `arg`, on the caller's connection.
  static common::Result<std::optional<Offer>> FindIn(common::Connection& c,
                                                     const std::string& where,
                                                     const std::string& arg);
  common::Database& db_;
  const common::Clock& clock_;
};

}  // namespace vc::issuer
