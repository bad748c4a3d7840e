#include "common/store/store_statement.h"

#include <utility>

namespace vc::common {

Statement::Statement(Statement&& other) noexcept
    : impl_(std::exchange(other.impl_, nullptr)), bind_status_(std::move(other.bind_status_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (impl_ != nullptr) impl_->Release();
    impl_ = std::exchange(other.impl_, nullptr);
    bind_status_ = std::move(other.bind_status_);
  }
  return *this;
}

Statement::~Statement() {
  if (impl_ != nullptr) impl_->Release();
}

Statement& Statement::Check(Status status) {
  if (!status.ok() && bind_status_.ok()) bind_status_ = std::move(status);
  return *this;
}

int Statement::IndexOf(std::string_view name) {
  const int index = impl_->IndexOf(name);
  if (index == 0 && bind_status_.ok()) {
    bind_status_ = MakeError(std::string(kDbError),
                             "no parameter named " + std::string(name) + " in " + impl_->Sql());
  }
  return index;
}

Statement& Statement::BindText(int index, std::string_view value) {
  return Check(impl_->BindText(index, value));
}
Statement& Statement::BindInt64(int index, int64_t value) {
  return Check(impl_->BindInt64(index, value));
}
Statement& Statement::BindBlob(int index, std::string_view bytes) {
  return Check(impl_->BindBlob(index, bytes));
}
Statement& Statement::BindNull(int index) { return Check(impl_->BindNull(index)); }

Statement& Statement::BindText(std::string_view name, std::string_view value) {
  const int index = IndexOf(name);
  return index == 0 ? *this : BindText(index, value);
}
Statement& Statement::BindInt64(std::string_view name, int64_t value) {
  const int index = IndexOf(name);
  return index == 0 ? *this : BindInt64(index, value);
}
Statement& Statement::BindBlob(std::string_view name, std::string_view bytes) {
  const int index = IndexOf(name);
  return index == 0 ? *this : BindBlob(index, bytes);
}
Statement& Statement::BindNull(std::string_view name) {
  const int index = IndexOf(name);
  return index == 0 ? *this : BindNull(index);
}

Result<bool> Statement::Step() {
  if (!bind_status_.ok()) return bind_status_.error();
  return impl_->Step();
}

Status Statement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row.ok()) return row.error();
    if (!*row) return Status::Ok();
  }
}

void Statement::Reset() {
  impl_->Reset();
  bind_status_ = Status::Ok();
}

}  // namespace vc::common
