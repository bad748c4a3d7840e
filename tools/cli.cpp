#include "tools/cli.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "common/base/text.h"

namespace vc::tools {
namespace {

std::string Join(const std::vector<std::string>& words, const std::string& sep) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : sep) + w;
  return out;
}

std::string Usage(const std::string& program, const Command& c) {
  return "usage: " + program + " " + Join(c.words, " ") +
         (c.synopsis.empty() ? "" : " " + c.synopsis) + "\n  " + c.summary + "\n" +
         (c.details.empty() ? "" : "\n" + c.details);
}

// Every command whose words start with `prefix`.
std::string ListUsage(const std::string& program, const std::string& about,
                      const std::vector<Command>& commands,
                      const std::vector<std::string>& prefix) {
  std::ostringstream out;
  out << "usage: " << program << " COMMAND [options]   (" << program
      << " COMMAND --help for one command)\n"
      << about << "\n\n";
  for (const auto& c : commands) {
    if (!std::equal(prefix.begin(), prefix.end(), c.words.begin(),
                    c.words.begin() + std::min(prefix.size(), c.words.size())))
      continue;
    out << "  " << Join(c.words, " ") << (c.synopsis.empty() ? "" : " " + c.synopsis) << "\n"
        << "      " << c.summary << "\n";
  }
  return out.str();
}

bool IsHelp(const std::string& a) { return a == "--help" || a == "-h"; }

// Splits argv into the command's words (leading non-options) and the rest,
// taking `global` options (with their values) out wherever they are.
void Split(int argc, char** argv, const std::vector<std::string>& global,
           std::vector<std::string>& words, std::vector<std::string>& rest,
           std::map<std::string, std::string>& globals) {
  bool in_words = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const std::string name = a.rfind("--", 0) == 0 ? a.substr(2) : "";
    if (!name.empty() && std::find(global.begin(), global.end(), name) != global.end()) {
      if (i + 1 >= argc) throw UsageError(a + " needs a value");
      globals[name] = argv[++i];
      continue;
    }
    if (in_words && !a.empty() && a[0] != '-') {
      words.push_back(a);
    } else {
      in_words = false;
      rest.push_back(a);
    }
  }
}

Args Parse(const Command& c, const std::vector<std::string>& rest) {
  Args args;
  const auto known = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  for (size_t i = 0; i < rest.size(); ++i) {
    const std::string& a = rest[i];
    if (a.size() > 2 && a.rfind("--", 0) == 0) {
      const std::string name = a.substr(2);
      if (known(c.flags, name)) {
        args.flags.insert(name);
      } else if (known(c.options, name)) {
        if (i + 1 >= rest.size()) throw UsageError(a + " needs a value");
        args.options[name] = rest[++i];
      } else {
        std::vector<std::string> valid;
        for (const auto& o : c.options) valid.push_back("--" + o);
        for (const auto& f : c.flags) valid.push_back("--" + f);
        throw UsageError(
            "unknown option " + a +
            (valid.empty() ? " (this command takes none)" : " (valid: " + Join(valid, ", ") + ")"));
      }
    } else {
      args.positional.push_back(a);
    }
  }
  if (args.positional.size() < c.min_positional || args.positional.size() > c.max_positional) {
    throw UsageError(args.positional.size() < c.min_positional
                         ? "missing argument"
                         : "unexpected argument " + args.positional[c.max_positional]);
  }
  return args;
}

const Command* Find(const std::vector<Command>& commands, const std::vector<std::string>& words) {
  for (const auto& c : commands) {
    if (words.size() >= c.words.size() && std::equal(c.words.begin(), c.words.end(), words.begin()))
      return &c;
  }
  return nullptr;
}

// `words` name no command: the usage of the group they name (or of all), on
// stdout for --help (exit 0), else on stderr after what was wrong (exit 2).
int NoCommand(const std::string& program, const std::string& about,
              const std::vector<Command>& commands, const std::vector<std::string>& words,
              bool help) {
  std::vector<std::string> group;
  for (const auto& c : commands) {
    if (!words.empty() && c.words[0] == words[0]) group = {words[0]};
  }
  const std::string usage = ListUsage(program, about, commands, group);
  if (help) return std::cout << usage, 0;
  std::cerr << program << ": "
            << (words.empty()                         ? "no command given"
                : !group.empty() && words.size() == 1 ? words[0] + " needs a command"
                                                      : "unknown command: " + Join(words, " "))
            << "\n"
            << usage;
  return 2;
}

}  // namespace

std::string Args::Get(const std::string& name, const std::string& fallback) const {
  auto it = options.find(name);
  return it == options.end() ? fallback : it->second;
}

int RunCli(const std::string& program, const std::string& about,
           const std::vector<Command>& commands, int argc, char** argv,
           const std::vector<std::string>& global) {
  std::vector<std::string> words, rest;
  std::map<std::string, std::string> globals;
  bool help = false;
  for (int i = 1; i < argc; ++i) help = help || IsHelp(argv[i]);
  const Command* command = nullptr;
  try {
    Split(argc, argv, global, words, rest, globals);
    command = Find(commands, words);
    if (!command) return NoCommand(program, about, commands, words, help);
    if (help) return std::cout << Usage(program, *command), 0;
    // Words past the command's own are its positional arguments.
    rest.insert(rest.begin(), words.begin() + static_cast<long>(command->words.size()),
                words.end());
    Args args = Parse(*command, rest);
    for (const auto& [k, v] : globals) args.options[k] = v;
    return command->run(args);
  } catch (const UsageError& e) {
    std::cerr << program << ": " << e.what() << "\n"
              << (command ? Usage(program, *command) : ListUsage(program, about, commands, {}));
    return 2;
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << "\n";
    return 1;
  }
}

std::string OneOf(const std::string& option, const std::string& value,
                  const std::vector<std::string>& valid) {
  if (std::find(valid.begin(), valid.end(), value) == valid.end()) {
    throw UsageError("--" + option + " " + value +
                     " is not supported (valid: " + Join(valid, ", ") + ")");
  }
  return value;
}

std::string ExistingDataDir(const Args& args) {
  const std::string dir = args.Get("data-dir", "./var");
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw CommandFailed("the data folder " + dir +
                        " does not exist (check --data-dir; vcserver creates it on first start)");
  }
  return dir;
}

std::string ReadTextFile(const std::string& path) {
  auto text = common::ReadFile(path);
  if (!text) throw CommandFailed("cannot read " + path + ": " + text.error().message);
  return std::move(text).value();
}

}  // namespace vc::tools
