// The intake part of the vcserver wiring: how a user journey starts (the
// jumpstart verifier over the RP key registry, the Auth0 redirect intake), the
// sessions it opens, the intake service and its routes. Apart from app.cpp so
// each component's wiring merges alone.
#pragma once

#include <memory>

#include "issuer/auth0.h"
#include "issuer/intake.h"
#include "issuer/jumpstart.h"
#include "issuer/orgs.h"
#include "issuer/sessions.h"
#include "keys/rp_keys.h"
#include "server/app_deps.h"

namespace vc::server {

class IntakeWiring {
 public:
  // Builds the intake and registers its routes (before the server starts).
  // The session tables must already be migrated (App::Impl::OpenStorage).
  IntakeWiring(const AppDeps& deps, const issuer::OrgRegistry& orgs, keys::RpKeyRegistry& rp_keys);

  issuer::IntakeService& service() { return *intake_; }
  issuer::SessionStore& sessions() { return *sessions_; }

 private:
  std::unique_ptr<issuer::JumpstartVerifier> jumpstart_;
  std::unique_ptr<issuer::Auth0Intake> auth0_;
  std::unique_ptr<issuer::SessionStore> sessions_;
  std::unique_ptr<issuer::IntakeService> intake_;
};

}  // namespace vc::server
