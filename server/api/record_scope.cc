#include "server/api/record_scope.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/common/echo.h"

namespace sofdir::api {
namespace {

namespace v1 = ::sof::directory::v1;

// The units a record that is not a unit belongs to.
std::vector<std::string> Homes(const v1::Record& record) {
  switch (record.kind_case()) {
    case v1::Record::kTilbud:
      return {record.tilbud().unit_id()};
    case v1::Record::kPerson:
      return {record.person().unit_id()};
    case v1::Record::kPraktik:
      return {record.praktik().host_unit_id()};
    case v1::Record::kPartner:
      return {record.partner().related_unit_ids().begin(),
              record.partner().related_unit_ids().end()};
    default:
      return {};
  }
}

bool SameParent(const v1::Unit& a, const v1::Unit& b) {
  return a.has_parent_id() == b.has_parent_id() && a.parent_id() == b.parent_id();
}

}  // namespace

absl::Status RecordScope::CheckHomes(const Principal& principal,
                                     const std::vector<std::string>& homes) const {
  auto parent_of = [this](const std::string& unit_id) -> std::optional<std::string> {
    absl::StatusOr<v1::Record> unit = directory_.Get(unit_id);
    if (!unit.ok() || !unit->has_unit() || !unit->unit().has_parent_id()) return std::nullopt;
    return unit->unit().parent_id();
  };
  absl::Status last = absl::PermissionDeniedError(
      absl::StrCat(principal.name, " may not change this record; it edits only its own units"));
  for (const std::string& home : homes) {
    last = Authorizer::CheckUnitScope(principal, home, parent_of);
    if (last.ok()) return last;
  }
  return last;
}

absl::Status RecordScope::CheckStored(const Principal& principal, const v1::Record& stored) const {
  if (principal.admin) return absl::OkStatus();
  // A stored unit stands where it is: itself or a unit above it must be in scope.
  if (stored.has_unit()) return CheckHomes(principal, {stored.unit().id()});
  return CheckHomes(principal, Homes(stored));
}

absl::Status RecordScope::CheckWrite(const Principal& principal, const v1::Record& after,
                                     const v1::Record* before) const {
  if (principal.admin) return absl::OkStatus();
  if (!after.has_unit()) return CheckHomes(principal, Homes(after));
  const v1::Unit& unit = after.unit();
  if (before != nullptr && before->has_unit() && SameParent(before->unit(), unit)) {
    return CheckHomes(principal, {unit.id()});  // stays where it is
  }
  if (!unit.has_parent_id()) {
    return absl::PermissionDeniedError(
        absl::StrCat(principal.name,
                     " may not make a unit a root unit (one without parent_id); only admins may"));
  }
  absl::Status placed = CheckHomes(principal, {unit.parent_id()});
  if (placed.ok()) return placed;
  return absl::PermissionDeniedError(
      absl::StrCat(principal.name, " may not put a unit under ", common::Echo(unit.parent_id()),
                   "; it edits only its own units, so unit.parent_id must be one of them or "
                   "below one"));
}

v1::Record RecordScope::AfterUpdate(const v1::Record& stored, const v1::Record& update,
                                    const google::protobuf::FieldMask& mask) {
  if (stored.kind_case() != update.kind_case()) return update;
  auto touched = [&mask](absl::string_view field) {
    if (mask.paths().empty()) return true;
    for (const std::string& path : mask.paths()) {
      if (path == field || absl::StartsWith(path, absl::StrCat(field, "."))) return true;
    }
    return false;
  };
  v1::Record after = stored;
  switch (stored.kind_case()) {
    case v1::Record::kUnit:
      if (touched("parent_id")) {
        if (update.unit().has_parent_id()) {
          after.mutable_unit()->set_parent_id(update.unit().parent_id());
        } else {
          after.mutable_unit()->clear_parent_id();
        }
      }
      break;
    case v1::Record::kTilbud:
      if (touched("unit_id")) after.mutable_tilbud()->set_unit_id(update.tilbud().unit_id());
      break;
    case v1::Record::kPerson:
      if (touched("unit_id")) after.mutable_person()->set_unit_id(update.person().unit_id());
      break;
    case v1::Record::kPraktik:
      if (touched("host_unit_id")) {
        after.mutable_praktik()->set_host_unit_id(update.praktik().host_unit_id());
      }
      break;
    case v1::Record::kPartner:
      if (touched("related_unit_ids")) {
        *after.mutable_partner()->mutable_related_unit_ids() = update.partner().related_unit_ids();
      }
      break;
    default:
      break;
  }
  return after;
}

}  // namespace sofdir::api
