#include "issuer/verdict_check.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace vc::issuer {
namespace {

// Lower-cased words of a name, sorted, so "KOVALENKO Olena" equals "Olena Kovalenko".
std::vector<std::string> NameWords(const std::string& name) {
  std::vector<std::string> words(1);
  for (unsigned char c : name) {
    if (std::isalnum(c) || c >= 0x80)
      words.back() += static_cast<char>(std::tolower(c));
    else if (!words.back().empty())
      words.emplace_back();
  }
  if (words.back().empty()) words.pop_back();
  std::sort(words.begin(), words.end());
  return words;
}

// Letters and digits only, upper-cased: "p123-4567" and "P1234567" are one number.
std::string DocumentNumberKey(const std::string& number) {
  std::string key;
  for (unsigned char c : number) {
    if (std::isalnum(c)) key += static_cast<char>(std::toupper(c));
  }
  return key;
}

const std::string* Find(const ProviderVerdict& v, const char* name) {
  auto it = v.claims.find(name);
  return it == v.claims.end() || it->second.empty() ? nullptr : &it->second;
}

}  // namespace

std::string DocumentTypeOf(const std::string& id_card_type) {
  return id_card_type == "PRC_ID" ? "ID_CARD" : id_card_type;
}

std::string Disagreement(const ClaimedIdentity& claimed, const ProviderVerdict& v) {
  const std::string* first = Find(v, "firstName");
  const std::string* last = Find(v, "lastName");
  if (first && last && NameWords(*first + " " + *last) != NameWords(claimed.real_name)) {
    return "extracted_name_mismatch";
  }
  if (!v.document_number.empty() &&
      DocumentNumberKey(v.document_number) != DocumentNumberKey(claimed.id_card_number)) {
    return "extracted_document_number_mismatch";
  }
  if (const std::string* type = Find(v, "documentType");
      type && *type != DocumentTypeOf(claimed.id_card_type)) {
    return "extracted_document_type_mismatch";
  }
  const std::string* dob = Find(v, "dateOfBirth");
  if (dob && claimed.id_card_type == "PRC_ID" && claimed.id_card_number.size() == 18) {
    std::string digits = *dob;
    digits.erase(std::remove(digits.begin(), digits.end(), '-'), digits.end());
    if (digits != claimed.id_card_number.substr(6, 8)) return "extracted_birth_date_mismatch";
  }
  return "";
}

}  // namespace vc::issuer
