#include "issuer/identity_service.h"

#include <algorithm>

#include "common/base/text.h"

namespace vc::issuer {
using common::Connection;
using common::Status;

namespace {

// A record a patch created had no row to lock: a check may have begun on it
// meanwhile (another instance), whose insert the patch's write waited for.
// Then the patch is undone ("check_pending").
Status NoCheckBegun(Connection& conn, const std::string& owner, const std::string& name) {
  auto begun = AttemptStore::HasPending(conn, owner, name);
  if (!begun) return begun.error();
  if (*begun) return common::Error{"check_pending", "a check of this identity began meanwhile"};
  return Status::Ok();
}

ProofingFailure Forbidden() {
  return Refusal(ProofingError::kForbidden, "the caller may not act on this identity");
}

ProofingStatus CheckPatch(const IdentityPatch& p) {
  if (p.real_name && (p.real_name->empty() || p.real_name->size() > 100)) {
    return Refusal(ProofingError::kInvalidInput, "realName must be 1 to 100 bytes");
  }
  if (p.id_card_type && !IsKnownIdCardType(*p.id_card_type)) {
    return Refusal(ProofingError::kInvalidInput,
                   "idCardType must be PRC_ID, PASSPORT, ID_CARD or DRIVING_LICENSE");
  }
  if (p.id_card_number && (p.id_card_number->empty() || p.id_card_number->size() > 64)) {
    return Refusal(ProofingError::kInvalidInput, "idCardNumber must be 1 to 64 bytes");
  }
  return ProofingStatus::Ok();
}

// A PATCH may create the record, so its key must be text an operator can read back:
// org ids, Auth0 tenants, RequestIds and subs never hold control bytes.
ProofingStatus CheckRecordKey(const std::string& owner, const std::string& name) {
  for (const std::string* part : {&owner, &name}) {
    const bool control = std::any_of(part->begin(), part->end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
    if (part->empty() || part->size() > 256 || control || !common::IsValidUtf8(*part)) {
      return Refusal(
          ProofingError::kInvalidInput,
          "owner and name must be 1 to 256 bytes of UTF-8 text without control characters");
    }
  }
  return ProofingStatus::Ok();
}

bool Same(const ClaimedIdentity& a, const ClaimedIdentity& b) {
  return a.real_name == b.real_name && a.id_card_type == b.id_card_type &&
         a.id_card_number == b.id_card_number;
}

}  // namespace

Status IdentityService::Audit(const Caller& caller, const std::string& owner,
                              const std::string& name, const std::string& action,
                              const std::string& outcome, const std::string& mscv,
                              const std::string& detail) {
  auto r =
      audit_.Append({0, 0, caller.id, owner + "/" + name, action, outcome, "", "", mscv, detail});
  return r ? Status::Ok() : Status(r.error());
}

ProofingResult<IdentityRecord> IdentityService::Get(const Caller& caller, const std::string& owner,
                                                    const std::string& name) {
  if (!caller.MayAct(owner, name)) return Forbidden();
  std::optional<IdentityRecord> found;
  Status st = db_.Transaction([&](Connection& conn) {
    auto r = identities_.Get(conn, owner, name);
    if (!r) return Status(r.error());
    found = std::move(*r);
    return Status::Ok();
  });
  if (!st) return FromLower(st.error());
  if (!found) return Refusal(ProofingError::kIdentityNotFound, "no identity record");
  return *found;
}

ProofingResult<IdentityRecord> IdentityService::Update(const Caller& caller,
                                                       const std::string& owner,
                                                       const std::string& name,
                                                       const IdentityPatch& patch,
                                                       const std::string& mscv) {
  if (!caller.MayAct(owner, name)) return Forbidden();
  if (ProofingStatus st = CheckRecordKey(owner, name); !st) return st.error();
  if (ProofingStatus st = CheckPatch(patch); !st) return st.error();
  std::optional<ProofingError> refusal;
  Status st = db_.Transaction([&](Connection& conn) {
    refusal.reset();
    // Locked: two patches of different fields (on two instances) both apply.
    auto r = identities_.Get(conn, owner, name, true);
    if (!r) return Status(r.error());
    const bool verified = r->has_value() && (*r)->verified;
    if (patch.sets_verified) {
      refusal = verified ? ProofingError::kIdentityLocked : ProofingError::kFieldReadOnly;
      return Status::Ok();
    }
    ClaimedIdentity merged = r->has_value() ? (*r)->identity : ClaimedIdentity{};
    if (patch.real_name) merged.real_name = *patch.real_name;
    if (patch.id_card_type) merged.id_card_type = *patch.id_card_type;
    if (patch.id_card_number) merged.id_card_number = *patch.id_card_number;
    // Frozen while a provider checks them: what is locked must be what was checked.
    auto pending = AttemptStore::HasPending(conn, owner, name);
    if (!pending) return Status(pending.error());
    if (*pending && !verified && (!r->has_value() || !Same((*r)->identity, merged))) {
      refusal = ProofingError::kCheckPending;
      return Status::Ok();
    }
    Status saved = identities_.SaveClaimed(conn, owner, name, merged, clock_.NowSeconds());
    if (!saved && FromLower(saved.error()).reason == ProofingError::kIdentityLocked) {
      refusal = ProofingError::kIdentityLocked;
    }
    if (saved && !r->has_value()) return NoCheckBegun(conn, owner, name);
    return saved.ok() || refusal ? Status::Ok() : saved;
  });
  if (!st && FromLower(st.error()).reason == ProofingError::kCheckPending) {
    refusal = ProofingError::kCheckPending;
  } else if (!st) {
    return FromLower(st.error());
  }
  (void)Audit(caller, owner, name, "identity_update",
              refusal ? std::string(Code(*refusal)) : std::string("ok"), mscv, "");
  if (refusal == ProofingError::kCheckPending) {
    return Refusal(*refusal,
                   "a verification of this identity is under way: realName, idCardType and "
                   "idCardNumber cannot change until it ends");
  }
  if (refusal == ProofingError::kIdentityLocked) {
    return Refusal(*refusal,
                   "the identity is verified: realName, idCardType, idCardNumber and "
                   "isVerified cannot be changed");
  }
  if (refusal) return Refusal(*refusal, "isVerified is set only by verification");
  return Get(caller, owner, name);
}

ProofingResult<IdentityRecord> IdentityService::Reset(const Caller& caller,
                                                      const std::string& owner,
                                                      const std::string& name,
                                                      const std::string& reason,
                                                      const std::string& mscv) {
  if (caller.role != CallerRole::kAdmin) return Forbidden();
  if (reason.empty() || reason.size() > 200) {
    return Refusal(ProofingError::kReasonRequired, "a reset needs a reason (1 to 200 bytes)");
  }
  Status st = db_.Transaction([&](Connection& conn) {
    Status reset = identities_.Reset(conn, owner, name, clock_.NowSeconds());
    if (!reset) return reset;
    auto logged = AuditLog::Append(
        conn, {0, 0, caller.id, owner + "/" + name, "reset", "ok", "", "", mscv, reason},
        clock_.NowSeconds());
    return logged ? Status::Ok() : Status(logged.error());
  });
  if (!st) return FromLower(st.error());
  return Get(caller, owner, name);
}

ProofingResult<ProofingAttempt> IdentityService::Verify(const Caller& caller, std::string owner,
                                                        std::string name, std::string provider,
                                                        const std::string& mscv) {
  if (owner.empty() && name.empty()) {
    if (caller.role != CallerRole::kUser) {
      return Refusal(ProofingError::kIdentityNotFound,
                     "name owner and name, or call as a signed-in user");
    }
    owner = caller.owner;
    name = caller.name;
  }
  if (!caller.MayAct(owner, name)) return Forbidden();
  auto record = Get(caller, owner, name);
  if (!record) return record.error();
  const ClaimedIdentity& c = record->identity;
  if (c.real_name.empty() || c.id_card_type.empty() || c.id_card_number.empty()) {
    return Refusal(ProofingError::kIdentityIncomplete,
                   "ID card information and real name are required");
  }
  if (record->verified) {
    return Refusal(ProofingError::kAlreadyVerified, "the user is already verified");
  }
  // The org (or Auth0 tenant) decides how its users are proofed: only an admin
  // may name another provider, e.g. to re-check a record elsewhere.
  const std::string configured = default_provider_(owner);
  if (provider.empty()) {
    provider = configured;
  } else if (caller.role != CallerRole::kAdmin && provider != configured) {
    (void)Audit(caller, owner, name, "proofing_start", "refused", mscv, "provider_not_allowed");
    return Refusal(ProofingError::kProviderNotAllowed,
                   "records of " + owner +
                       " are verified by the provider their org configured; "
                       "leave out `provider`");
  }
  SubmitRequest r{"", owner, name, provider, c, caller.id, mscv, ""};
  return proofing_.Submit(r);
}

ProofingStatus IdentityService::TestProvider(const Caller& caller, const std::string& name) {
  if (caller.role != CallerRole::kAdmin) return Forbidden();
  ProofingProvider* p = proofing_.Provider(name);
  if (!p) return Refusal(ProofingError::kUnknownProvider, "no such proofing provider");
  Status st = p->Test();
  (void)Audit(caller, "", "", "provider_test", st ? "ok" : st.error().code, "", name);
  if (!st) return FromLower(st.error());
  return ProofingStatus::Ok();
}

}  // namespace vc::issuer
