// vcctl's command groups, one file each; vcctl.cpp puts them in one table.
#pragma once

#include <vector>

#include "tools/cli.h"

namespace vc::tools {

std::vector<Command> KeysCommands();   // keys generate|list|rotate (vcctl_keys.cpp)
std::vector<Command> JoseCommands();   // jumpstart mint, jws verify, jwk thumbprint, token inspect
std::vector<Command> StoreCommands();  // audit verify, request-service token (vcctl_store.cpp)
std::vector<Command> CredentialCommands();  // credential revoke (vcctl_credential.cpp)
std::vector<Command> OutboxCommands();      // outbox list|retry|drop (vcctl_outbox.cpp)

}  // namespace vc::tools
