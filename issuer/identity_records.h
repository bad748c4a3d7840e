// Identity records, one per user (owner, name), as in Casdoor: real name, ID
// card type and number, verified flag and time, the provider and its
// reference, and the claims the provider extracted. The ID number is stored
// AES-256-GCM encrypted with an HMAC beside it for lookups (identity_crypto.h).
// Once verified, the identity fields are locked: only an admin reset (audited
// by the caller) unlocks them.
//
// Methods take the Connection of a transaction the caller runs, so a change
// and the audit entry recording it commit together.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/base/result.h"
#include "common/store/store.h"
#include "issuer/identity_crypto.h"
#include "issuer/proofing_provider.h"

namespace vc::issuer {

struct IdentityRecord {
  std::string owner;
  std::string name;
  ClaimedIdentity identity;  // id_card_number decrypted
  bool verified = false;
  int64_t verified_at = 0;
  std::string provider;
  std::string reference;
  std::string claims_json = "{}";  // extracted claims, a JSON object
  int64_t updated_at = 0;
};

class IdentityStore {
 public:
  explicit IdentityStore(const IdentityCrypto& crypto) : crypto_(crypto) {}

  // nullopt when there is no record. "decrypt_failed" if the number does not decrypt.
  // `for_update` inside a write that changes the record from what it read
  // (Connection::ForUpdate): a concurrent change waits, then sees this one.
  common::Result<std::optional<IdentityRecord>> Get(common::Connection& conn,
                                                    const std::string& owner,
                                                    const std::string& name,
                                                    bool for_update = false) const;
  // Creates or updates the claimed identity fields. "identity_locked" when the
  // record is verified and any identity field would change (an unchanged
  // write is accepted).
  common::Status SaveClaimed(common::Connection& conn, const std::string& owner,
                             const std::string& name, const ClaimedIdentity& claimed,
                             int64_t now) const;
  // Marks verified with the identity fields that were `checked` (they replace
  // whatever the record holds), which locks them: what is locked is exactly
  // what the provider checked. "identity_not_found" when there is no record.
  common::Status MarkVerified(common::Connection& conn, const std::string& owner,
                              const std::string& name, const ClaimedIdentity& checked,
                              const std::string& provider, const std::string& reference,
                              const std::string& claims_json, int64_t now) const;
  // Unlocks (admin reset): verified cleared, provider evidence kept.
  // "identity_not_found" when there is no record.
  common::Status Reset(common::Connection& conn, const std::string& owner, const std::string& name,
                       int64_t now) const;

  // Retention: deletes records never verified (or reset) and unchanged since
  // `before`, unless a check of them is pending; returns how many.
  static common::Result<int64_t> PruneUnverified(common::Connection& conn, int64_t before);

  // Records whose ID number has this lookup HMAC (duplicate detection).
  std::string LookupHmac(std::string_view number) const { return crypto_.LookupHmac(number); }

 private:
  const IdentityCrypto& crypto_;
};

// JSON of a record for the Casdoor-style API: owner, name, realName,
// idCardType, idCard (masked to the last 4), isVerified, verifiedAt, provider.
std::string IdentityToJson(const IdentityRecord& record);

}  // namespace vc::issuer
