// vcctl: the operator's command line. Thin: the commands live one group per
// file (vcctl_*.cpp) and call the libraries; tools/cli.h keeps the exit codes.
#include "tools/cli.h"
#include "tools/vcctl_commands.h"

int main(int argc, char** argv) {
  using namespace vc::tools;
  std::vector<Command> commands = KeysCommands();
  for (auto group : {JoseCommands(), StoreCommands(), CredentialCommands(), OutboxCommands()}) {
    commands.insert(commands.end(), group.begin(), group.end());
  }
  return RunCli("vcctl", "The operator's tool for a vcserver data folder, keys and tokens.",
                commands, argc, argv);
}
