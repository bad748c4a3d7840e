// What vcctl and vcwallet share: a table of commands, argument parsing with
// known options only, and the exit-code contract:
//   --help (or -h) anywhere  usage on stdout, exit 0, nothing else happens
//   a usage mistake          one line saying what was wrong (naming the valid
//                            values) and the usage on stderr, exit 2
//   a failure                one line on stderr, exit 1
//   success                  exit 0
#pragma once

#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace vc::tools {

// A mistake in how a command was called: exit 2 with its usage.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A command that could not do its work: exit 1, the message on one line.
struct CommandFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Args {
  std::vector<std::string> positional;         // after the command's words
  std::map<std::string, std::string> options;  // "--name value", keyed by name
  std::set<std::string> flags;                 // "--name"

  // The option's value, or `fallback` when absent.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  bool Has(const std::string& name) const { return flags.count(name) > 0; }
};

struct Command {
  std::vector<std::string> words;    // {"keys", "generate"}
  std::string synopsis;              // what follows the words: "--purpose NAME [--alg ALG]"
  std::string summary;               // one line
  std::vector<std::string> options;  // names that take a value ("purpose")
  std::vector<std::string> flags;    // names that take none ("rotate")
  size_t min_positional = 0, max_positional = 0;
  std::function<int(const Args&)> run;
  std::string details = "";  // more text for --help (what a selector means, …)
};

// Runs the command `argv` names from `commands`, or prints usage. `global` are
// options every command accepts before or after its words (vcwallet's
// --wallet); their values land in Args::options too. Returns the exit code.
int RunCli(const std::string& program, const std::string& about,
           const std::vector<Command>& commands, int argc, char** argv,
           const std::vector<std::string>& global = {});

// An option's value that must be one of `valid`; UsageError naming them otherwise.
std::string OneOf(const std::string& option, const std::string& value,
                  const std::vector<std::string>& valid);

// The data directory (--data-dir, default ./var), which must exist: a mistyped
// path must not create one. CommandFailed when it does not.
std::string ExistingDataDir(const Args& args);

// The whole text of `path`; CommandFailed naming it when it cannot be read.
std::string ReadTextFile(const std::string& path);

}  // namespace vc::tools
