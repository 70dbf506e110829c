#include "client/record_view.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "server/model/record_util.h"

namespace sofdir::client {
namespace {

namespace v1 = ::sof::directory::v1;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;

constexpr int kNameWidth = 48;
constexpr int kTextWidth = 32;
constexpr int kIdAndNameWidth = 60;  // "unit-0028 (Botilbuddet Tomsgården)"

std::vector<TablePrinter::Column> ColumnsFor(v1::RecordKind kind) {
  switch (kind) {
    case v1::UNIT:
      return {{"ID"},
              {"NAME", kNameWidth},
              {"AREA", kTextWidth},
              {"DISTRICT"},
              {"PARENT", kIdAndNameWidth}};
    case v1::TILBUD:
      return {
          {"ID"}, {"NAME", kNameWidth}, {"UNIT", kIdAndNameWidth}, {"DISTRICT"}, {"FREE", 0, true}};
    case v1::PARTNER:
      return {{"ID"}, {"NAME", kNameWidth}, {"ORGANISATION", kTextWidth}, {"INTERNAL"}};
    case v1::PRAKTIK:
      return {{"ID"},
              {"TITLE", kNameWidth},
              {"HOST", kIdAndNameWidth},
              {"SLOTS", 0, true},
              {"SEATS", 0, true}};
    case v1::PERSON:
      return {{"ID"},
              {"NAME", kNameWidth},
              {"TITLE", kTextWidth},
              {"UNIT", kIdAndNameWidth},
              {"EMAIL"}};
    default:
      return {{"ID"}, {"KIND"}, {"NAME", kNameWidth}};
  }
}

// "free/capacity", just "free" without a capacity, "-" when not tracked.
std::string FreePlaces(const v1::Tilbud& tilbud) {
  if (!tilbud.has_free_places()) return "-";
  if (!tilbud.has_capacity()) return absl::StrCat(tilbud.free_places());
  return absl::StrCat(tilbud.free_places(), "/", tilbud.capacity());
}

std::string FormatAddress(const v1::Address& address) {
  std::string out = address.street();
  std::string town =
      absl::StrCat(address.postcode(), address.postcode().empty() ? "" : " ", address.city());
  if (!town.empty()) absl::StrAppend(&out, out.empty() ? "" : ", ", town);
  if (!address.district().empty()) absl::StrAppend(&out, " (", address.district(), ")");
  return out;
}

std::string FormatContact(const v1::PartnerContact& contact) {
  std::vector<std::string> parts;
  for (const std::string* part : {&contact.name(), &contact.email(), &contact.phone()}) {
    if (!part->empty()) parts.push_back(*part);
  }
  return absl::StrJoin(parts, ", ");
}

std::string FormatSlot(const v1::PraktikSlot& slot) {
  return absl::StrCat(slot.start(), "–", slot.end(), " (", slot.seats(),
                      slot.seats() == 1 ? " seat)" : " seats)");
}

std::string FormatMessage(const Message& message) {
  if (const auto* address = dynamic_cast<const v1::Address*>(&message)) {
    return FormatAddress(*address);
  }
  if (const auto* geo = dynamic_cast<const v1::GeoPoint*>(&message)) {
    return absl::StrCat(geo->lat(), ", ", geo->lon());
  }
  if (const auto* contact = dynamic_cast<const v1::PartnerContact*>(&message)) {
    return FormatContact(*contact);
  }
  if (const auto* slot = dynamic_cast<const v1::PraktikSlot*>(&message)) {
    return FormatSlot(*slot);
  }
  return message.ShortDebugString();
}

// One element (index >= 0) or the single value (index < 0) of a field.
std::string FormatValue(const Message& message, const FieldDescriptor& field, int index) {
  const Reflection& r = *message.GetReflection();
  bool repeated = index >= 0;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return repeated ? r.GetRepeatedString(message, &field, index) : r.GetString(message, &field);
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(repeated ? r.GetRepeatedInt32(message, &field, index)
                                   : r.GetInt32(message, &field));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(repeated ? r.GetRepeatedInt64(message, &field, index)
                                   : r.GetInt64(message, &field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(repeated ? r.GetRepeatedDouble(message, &field, index)
                                   : r.GetDouble(message, &field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? r.GetRepeatedBool(message, &field, index) : r.GetBool(message, &field))
                 ? "yes"
                 : "no";
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return FormatMessage(repeated ? r.GetRepeatedMessage(message, &field, index)
                                    : r.GetMessage(message, &field));
    default:
      return "?";
  }
}

std::string FormatField(const Message& message, const FieldDescriptor& field) {
  const Reflection& r = *message.GetReflection();
  if (field.is_repeated()) {
    std::vector<std::string> values;
    for (int i = 0; i < r.FieldSize(message, &field); ++i) {
      values.push_back(FormatValue(message, field, i));
    }
    bool structured = field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    return absl::StrJoin(values, structured ? "; " : ", ");
  }
  if (field.has_presence() && field.cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE &&
      !r.HasField(message, &field)) {
    return "-";
  }
  return FormatValue(message, field, -1);
}

}  // namespace

std::string IdWithName(const std::string& id, const NameLookup& names) {
  if (!names || id.empty() || id == "-") return id;
  const std::string name = names(id);
  return name.empty() ? id : absl::StrCat(id, " (", name, ")");
}

RecordTable::RecordTable(v1::RecordKind kind, NameLookup names)
    : kind_(kind), names_(std::move(names)), table_(ColumnsFor(kind)) {}

void RecordTable::Add(const v1::Record& record) {
  const std::string& id = model::RecordId(record);
  switch (kind_) {
    case v1::UNIT: {
      const v1::Unit& u = record.unit();
      table_.AddRow({id, u.name(), u.area(), u.address().district(),
                     u.has_parent_id() ? IdWithName(u.parent_id(), names_) : "-"});
      break;
    }
    case v1::TILBUD: {
      const v1::Tilbud& t = record.tilbud();
      table_.AddRow(
          {id, t.name(), IdWithName(t.unit_id(), names_), t.address().district(), FreePlaces(t)});
      break;
    }
    case v1::PARTNER: {
      const v1::Partner& p = record.partner();
      table_.AddRow({id, p.name(), p.organisation(), p.internal() ? "yes" : "no"});
      break;
    }
    case v1::PRAKTIK: {
      const v1::Praktik& p = record.praktik();
      int seats = 0;
      for (const v1::PraktikSlot& slot : p.slots()) seats += slot.seats();
      table_.AddRow({id, p.title(), IdWithName(p.host_unit_id(), names_),
                     absl::StrCat(p.slots_size()), absl::StrCat(seats)});
      break;
    }
    case v1::PERSON: {
      const v1::Person& p = record.person();
      table_.AddRow({id, p.name(), p.title(), IdWithName(p.unit_id(), names_), p.email()});
      break;
    }
    default:
      table_.AddRow(
          {id, std::string(model::KindName(model::KindOf(record))), model::DisplayName(record)});
      break;
  }
}

std::vector<std::pair<std::string, std::string>> RecordFieldList(const v1::Record& record,
                                                                 const NameLookup& names) {
  std::vector<std::pair<std::string, std::string>> fields;
  const Message* message = model::KindMessage(record);
  if (message == nullptr) return fields;
  const auto* descriptor = message->GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor& field = *descriptor->field(i);
    std::string value = FormatField(*message, field);
    if (field.name() != "id" && absl::EndsWith(field.name(), "_id") &&
        field.cpp_type() == FieldDescriptor::CPPTYPE_STRING && !field.is_repeated()) {
      value = IdWithName(value, names);
    }
    fields.emplace_back(field.name(), std::move(value));
    if (field.name() == "id") {
      fields.emplace_back("kind", std::string(model::KindName(model::KindOf(record))));
    }
  }
  fields.emplace_back("etag", record.etag());
  fields.emplace_back("create_sequence", absl::StrCat(record.create_sequence()));
  fields.emplace_back("update_sequence", absl::StrCat(record.update_sequence()));
  return fields;
}

}  // namespace sofdir::client
