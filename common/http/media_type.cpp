#include "common/http/media_type.h"

#include "common/base/text.h"

namespace vc::common {

bool HasMediaType(const HttpServerRequest& request, std::string_view type) {
  std::string_view value = request.Header("content-type").value_or("");
  value = value.substr(0, value.find(';'));
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return EqualsIgnoreAsciiCase(value, type);
}

}  // namespace vc::common
