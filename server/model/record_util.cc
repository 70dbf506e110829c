#include "server/model/record_util.h"

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"

namespace sofdir::model {
namespace {

const std::string& EmptyString() {
  static const std::string* const kEmpty = new std::string();
  return *kEmpty;
}

}  // namespace

absl::string_view KindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::UNIT:
      return "unit";
    case RecordKind::TILBUD:
      return "tilbud";
    case RecordKind::PARTNER:
      return "partner";
    case RecordKind::PRAKTIK:
      return "praktik";
    case RecordKind::PERSON:
      return "person";
    default:
      return "";
  }
}

absl::string_view ValidKindsText() {
  static const std::string* const kText = [] {
    std::vector<absl::string_view> names;
    for (int kind = RecordKind::RECORD_KIND_UNSPECIFIED + 1;
         sof::directory::v1::RecordKind_IsValid(kind); ++kind) {
      names.push_back(KindName(static_cast<RecordKind>(kind)));
    }
    return new std::string(absl::StrJoin(names, ", "));
  }();
  return *kText;
}

std::optional<RecordKind> KindFromName(absl::string_view name) {
  for (RecordKind kind : kAllKinds) {
    if (KindName(kind) == name) return kind;
  }
  return std::nullopt;
}

std::optional<RecordKind> KindFromId(absl::string_view id) {
  size_t dash = id.find('-');
  if (dash == absl::string_view::npos) return std::nullopt;
  return KindFromName(id.substr(0, dash));
}

RecordKind KindOf(const Record& record) {
  switch (record.kind_case()) {
    case Record::kUnit:
      return RecordKind::UNIT;
    case Record::kTilbud:
      return RecordKind::TILBUD;
    case Record::kPartner:
      return RecordKind::PARTNER;
    case Record::kPraktik:
      return RecordKind::PRAKTIK;
    case Record::kPerson:
      return RecordKind::PERSON;
    default:
      return RecordKind::RECORD_KIND_UNSPECIFIED;
  }
}

const std::string& RecordId(const Record& record) {
  switch (record.kind_case()) {
    case Record::kUnit:
      return record.unit().id();
    case Record::kTilbud:
      return record.tilbud().id();
    case Record::kPartner:
      return record.partner().id();
    case Record::kPraktik:
      return record.praktik().id();
    case Record::kPerson:
      return record.person().id();
    default:
      return EmptyString();
  }
}

const google::protobuf::Message* KindMessage(const Record& record) {
  switch (record.kind_case()) {
    case Record::kUnit:
      return &record.unit();
    case Record::kTilbud:
      return &record.tilbud();
    case Record::kPartner:
      return &record.partner();
    case Record::kPraktik:
      return &record.praktik();
    case Record::kPerson:
      return &record.person();
    default:
      return nullptr;
  }
}

google::protobuf::Message* MutableKindMessage(Record& record) {
  switch (record.kind_case()) {
    case Record::kUnit:
      return record.mutable_unit();
    case Record::kTilbud:
      return record.mutable_tilbud();
    case Record::kPartner:
      return record.mutable_partner();
    case Record::kPraktik:
      return record.mutable_praktik();
    case Record::kPerson:
      return record.mutable_person();
    default:
      return nullptr;
  }
}

const std::string& DisplayName(const Record& record) {
  switch (record.kind_case()) {
    case Record::kUnit:
      return record.unit().name();
    case Record::kTilbud:
      return record.tilbud().name();
    case Record::kPartner:
      return record.partner().name();
    case Record::kPraktik:
      return record.praktik().title();
    case Record::kPerson:
      return record.person().name();
    default:
      return EmptyString();
  }
}

std::vector<Reference> References(const Record& record) {
  std::vector<Reference> refs;
  auto add = [&refs](absl::string_view field, const std::string& target, RecordKind kind,
                     bool is_parent) {
    if (!target.empty()) refs.push_back(Reference{field, target, kind, is_parent});
  };
  switch (record.kind_case()) {
    case Record::kUnit:
      if (record.unit().has_parent_id()) {
        add("parent_id", record.unit().parent_id(), RecordKind::UNIT, true);
      }
      break;
    case Record::kTilbud:
      add("unit_id", record.tilbud().unit_id(), RecordKind::UNIT, true);
      add("contact_person_id", record.tilbud().contact_person_id(), RecordKind::PERSON, false);
      break;
    case Record::kPartner:
      for (const std::string& unit : record.partner().related_unit_ids()) {
        add("related_unit_ids", unit, RecordKind::UNIT, true);
      }
      break;
    case Record::kPraktik:
      add("host_unit_id", record.praktik().host_unit_id(), RecordKind::UNIT, true);
      add("contact_person_id", record.praktik().contact_person_id(), RecordKind::PERSON, false);
      break;
    case Record::kPerson:
      add("unit_id", record.person().unit_id(), RecordKind::UNIT, true);
      break;
    default:
      break;
  }
  return refs;
}

Record WithoutMetadata(const Record& record) {
  Record copy = record;
  copy.clear_etag();
  copy.clear_create_sequence();
  copy.clear_update_sequence();
  copy.clear_verified_time();
  copy.clear_verified_by();
  return copy;
}

}  // namespace sofdir::model
