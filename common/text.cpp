#include "common/text.h"

#include <fstream>
#include <sstream>

namespace vc::common {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"io_error", "cannot read " + path};
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Error{"io_error", "cannot read " + path};
  return ss.str();
}

}  // namespace vc::common
