#include "server/domain/record_validator.h"

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "server/common/echo.h"
#include "server/common/status_macros.h"
#include "server/common/utf8.h"
#include "server/model/record_util.h"

namespace sofdir::domain {
namespace {

using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;
using ::sof::directory::v1::Record;

constexpr std::initializer_list<absl::string_view> kAreas = {
    "Handicap", "Psykiatri", "Udsatte voksne", "Udsatte børn og unge", "Centraladministrationen"};
constexpr std::initializer_list<absl::string_view> kRoles = {"myndighed", "udfører", "stab"};
constexpr std::initializer_list<absl::string_view> kDistricts = {
    "Indre By",   "Christianshavn", "Østerbro",       "Nørrebro",   "Vesterbro/Kongens Enghave",
    "Valby",      "Vanløse",        "Brønshøj-Husum", "Bispebjerg", "Amager Øst",
    "Amager Vest"};
constexpr std::initializer_list<absl::string_view> kServiceTypes = {"botilbud",
                                                                    "døgninstitution",
                                                                    "støtte i eget hjem",
                                                                    "dagtilbud",
                                                                    "beskyttet beskæftigelse",
                                                                    "værested",
                                                                    "behandling",
                                                                    "rådgivning",
                                                                    "støtte- og kontaktperson",
                                                                    "herberg/forsorgshjem",
                                                                    "krisecenter",
                                                                    "aflastning",
                                                                    "familiebehandling",
                                                                    "hjemmepleje"};

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

absl::Status OneOf(absl::string_view field, const std::string& value,
                   std::initializer_list<absl::string_view> valid, bool required) {
  if (value.empty() && !required) return absl::OkStatus();
  for (absl::string_view v : valid) {
    if (v == value) return absl::OkStatus();
  }
  return Invalid(field, absl::StrCat(value.empty() ? "required"
                                                   : absl::StrCat("\"", common::Echo(value),
                                                                  "\" is not valid"),
                                     "; valid: ", absl::StrJoin(valid, ", ")));
}

absl::Status Required(absl::string_view field, const std::string& value) {
  if (value.empty()) return Invalid(field, "required");
  return absl::OkStatus();
}

absl::Status Date(absl::string_view field, const std::string& value, bool required) {
  if (value.empty() && !required) return absl::OkStatus();
  if (!IsValidDate(value)) {
    return Invalid(field,
                   absl::StrCat("\"", common::Echo(value), "\" is not a date; valid: YYYY-MM-DD"));
  }
  return absl::OkStatus();
}

bool IsMultiLine(const FieldDescriptor& field) {
  for (absl::string_view name : kMultiLineFields) {
    if (field.name() == name) return true;
  }
  return false;
}

// Checks UTF-8, control characters and length of every string in the
// message, recursively, so no field can slip past the limits.
absl::Status CheckStrings(const Message& message, const std::string& path) {
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    std::string field_path = path.empty() ? field->name() : absl::StrCat(path, ".", field->name());
    if (field->is_repeated()) {
      int size = reflection->FieldSize(message, field);
      if (static_cast<size_t>(size) > kMaxListEntries) {
        return Invalid(field_path, absl::StrCat(size, " entries; at most ", kMaxListEntries));
      }
    }
    int count = field->is_repeated() ? reflection->FieldSize(message, field) : 1;
    for (int i = 0; i < count; ++i) {
      std::string item_path =
          field->is_repeated() ? absl::StrCat(field_path, "[", i, "]") : field_path;
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        std::string scratch;
        const std::string& value =
            field->is_repeated()
                ? reflection->GetRepeatedStringReference(message, field, i, &scratch)
                : reflection->GetStringReference(message, field, &scratch);
        size_t limit = field->name() == "name" || field->name() == "title" ? kMaxNameBytes
                       : field->name() == "description"                    ? kMaxTextBytes
                                                                           : kMaxFieldBytes;
        if (value.size() > limit) {
          return Invalid(item_path,
                         absl::StrCat(value.size(), " bytes; at most ", limit, " bytes"));
        }
        SOFDIR_RETURN_IF_ERROR(ValidateText(item_path, value, IsMultiLine(*field)));
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        const Message& child = field->is_repeated()
                                   ? reflection->GetRepeatedMessage(message, field, i)
                                   : reflection->GetMessage(message, field);
        SOFDIR_RETURN_IF_ERROR(CheckStrings(child, item_path));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CheckAddressAndGeo(absl::string_view kind, const sof::directory::v1::Address& address,
                                bool has_geo, const sof::directory::v1::GeoPoint& geo) {
  SOFDIR_RETURN_IF_ERROR(OneOf(absl::StrCat(kind, ".address.district"), address.district(),
                               kDistricts, /*required=*/false));
  if (!address.postcode().empty() &&
      (address.postcode().size() != 4 ||
       !std::all_of(address.postcode().begin(), address.postcode().end(),
                    [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }))) {
    return Invalid(absl::StrCat(kind, ".address.postcode"),
                   absl::StrCat("\"", common::Echo(address.postcode()),
                                "\" is not valid; valid: four digits"));
  }
  if (has_geo) {
    if (!(geo.lat() >= -90 && geo.lat() <= 90)) {
      return Invalid(absl::StrCat(kind, ".geo.lat"), "must be between -90 and 90");
    }
    if (!(geo.lon() >= -180 && geo.lon() <= 180)) {
      return Invalid(absl::StrCat(kind, ".geo.lon"), "must be between -180 and 180");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateUnit(const sof::directory::v1::Unit& unit) {
  SOFDIR_RETURN_IF_ERROR(Required("unit.name", unit.name()));
  if (unit.has_parent_id()) SOFDIR_RETURN_IF_ERROR(ValidateId("unit.parent_id", unit.parent_id()));
  if (unit.has_parent_id() && unit.parent_id() == unit.id()) {
    return Invalid("unit.parent_id", "a unit cannot be its own parent");
  }
  SOFDIR_RETURN_IF_ERROR(OneOf("unit.area", unit.area(), kAreas, /*required=*/true));
  SOFDIR_RETURN_IF_ERROR(OneOf("unit.role", unit.role(), kRoles, /*required=*/false));
  SOFDIR_RETURN_IF_ERROR(CheckAddressAndGeo("unit", unit.address(), unit.has_geo(), unit.geo()));
  SOFDIR_RETURN_IF_ERROR(ValidateEmail("unit.email", unit.email()));
  return Date("unit.updated_at", unit.updated_at(), false);
}

absl::Status ValidateTilbud(const sof::directory::v1::Tilbud& tilbud) {
  SOFDIR_RETURN_IF_ERROR(Required("tilbud.name", tilbud.name()));
  SOFDIR_RETURN_IF_ERROR(ValidateId("tilbud.unit_id", tilbud.unit_id()));
  SOFDIR_RETURN_IF_ERROR(OneOf("tilbud.area", tilbud.area(), kAreas, /*required=*/false));
  SOFDIR_RETURN_IF_ERROR(
      OneOf("tilbud.service_type", tilbud.service_type(), kServiceTypes, /*required=*/false));
  if (tilbud.age_min() < 0 || tilbud.age_min() > 120) {
    return Invalid("tilbud.age_min", absl::StrCat(tilbud.age_min(), " is not between 0 and 120"));
  }
  if (tilbud.age_max() < 0 || tilbud.age_max() > 120) {
    return Invalid("tilbud.age_max", absl::StrCat(tilbud.age_max(), " is not between 0 and 120"));
  }
  if (tilbud.age_min() > tilbud.age_max()) {
    return Invalid("tilbud.age_min", absl::StrCat(tilbud.age_min(), " is above age_max ",
                                                  tilbud.age_max(), "; valid: age_min <= age_max"));
  }
  if (tilbud.has_capacity() && tilbud.capacity() < 0) {
    return Invalid("tilbud.capacity", absl::StrCat(tilbud.capacity(), " is negative; valid: >= 0"));
  }
  if (tilbud.has_free_places()) {
    if (tilbud.free_places() < 0) {
      return Invalid("tilbud.free_places",
                     absl::StrCat(tilbud.free_places(), " is negative; valid: >= 0"));
    }
    if (!tilbud.has_capacity()) {
      return Invalid("tilbud.free_places", "set without capacity; valid: null, or set capacity");
    }
    if (tilbud.free_places() > tilbud.capacity()) {
      return Invalid("tilbud.free_places",
                     absl::StrCat(tilbud.free_places(), " is more than capacity ",
                                  tilbud.capacity(), "; valid: 0..capacity"));
    }
  }
  if (!tilbud.contact_person_id().empty()) {
    SOFDIR_RETURN_IF_ERROR(ValidateId("tilbud.contact_person_id", tilbud.contact_person_id()));
  }
  SOFDIR_RETURN_IF_ERROR(
      CheckAddressAndGeo("tilbud", tilbud.address(), tilbud.has_geo(), tilbud.geo()));
  return Date("tilbud.updated_at", tilbud.updated_at(), false);
}

absl::Status ValidatePartner(const sof::directory::v1::Partner& partner) {
  SOFDIR_RETURN_IF_ERROR(Required("partner.name", partner.name()));
  if (partner.related_unit_ids().empty()) {
    return Invalid("partner.related_unit_ids", "required; valid: one or more unit ids");
  }
  for (int i = 0; i < partner.related_unit_ids_size(); ++i) {
    SOFDIR_RETURN_IF_ERROR(
        ValidateId(absl::StrCat("partner.related_unit_ids[", i, "]"), partner.related_unit_ids(i)));
  }
  SOFDIR_RETURN_IF_ERROR(ValidateEmail("partner.contact.email", partner.contact().email()));
  return Date("partner.updated_at", partner.updated_at(), false);
}

absl::Status ValidatePraktik(const sof::directory::v1::Praktik& praktik) {
  SOFDIR_RETURN_IF_ERROR(Required("praktik.title", praktik.title()));
  SOFDIR_RETURN_IF_ERROR(ValidateId("praktik.host_unit_id", praktik.host_unit_id()));
  SOFDIR_RETURN_IF_ERROR(OneOf("praktik.area", praktik.area(), kAreas, /*required=*/false));
  if (praktik.duration_days() < 1) {
    return Invalid("praktik.duration_days",
                   absl::StrCat(praktik.duration_days(), " is not valid; valid: >= 1"));
  }
  for (int i = 0; i < praktik.slots_size(); ++i) {
    const sof::directory::v1::PraktikSlot& slot = praktik.slots(i);
    std::string path = absl::StrCat("praktik.slots[", i, "]");
    SOFDIR_RETURN_IF_ERROR(Date(absl::StrCat(path, ".start"), slot.start(), true));
    SOFDIR_RETURN_IF_ERROR(Date(absl::StrCat(path, ".end"), slot.end(), true));
    if (slot.end() < slot.start()) {
      return Invalid(absl::StrCat(path, ".end"),
                     absl::StrCat(slot.end(), " is before start ", slot.start(),
                                  "; valid: on or after start"));
    }
    if (slot.seats() < 1) {
      return Invalid(absl::StrCat(path, ".seats"),
                     absl::StrCat(slot.seats(), " is not valid; valid: >= 1"));
    }
    for (int j = 0; j < i; ++j) {
      if (praktik.slots(j).start() == slot.start()) {
        return Invalid(absl::StrCat(path, ".start"),
                       absl::StrCat(slot.start(), " is used by slots[", j,
                                    "] too; valid: one slot per start date"));
      }
    }
  }
  if (!praktik.contact_person_id().empty()) {
    SOFDIR_RETURN_IF_ERROR(ValidateId("praktik.contact_person_id", praktik.contact_person_id()));
  }
  return Date("praktik.updated_at", praktik.updated_at(), false);
}

absl::Status ValidatePerson(const sof::directory::v1::Person& person) {
  SOFDIR_RETURN_IF_ERROR(Required("person.name", person.name()));
  SOFDIR_RETURN_IF_ERROR(ValidateId("person.unit_id", person.unit_id()));
  return ValidateEmail("person.email", person.email());
}

}  // namespace

absl::Status ValidateEmail(absl::string_view field, absl::string_view value) {
  if (value.empty()) return absl::OkStatus();
  size_t at = value.find('@');
  bool ok = at != absl::string_view::npos && at > 0 &&
            value.find('@', at + 1) == absl::string_view::npos &&
            value.find('.', at) != absl::string_view::npos && value.back() != '.' &&
            value.size() <= 254 && std::none_of(value.begin(), value.end(), [](char c) {
              return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
            });
  if (!ok) {
    return Invalid(field, absl::StrCat("\"", common::Echo(value),
                                       "\" is not an e-mail address; valid: name@example.dk"));
  }
  return absl::OkStatus();
}

absl::Status ValidateText(absl::string_view field, absl::string_view text, bool multi_line) {
  size_t i = 0;
  while (i < text.size()) {
    std::optional<common::Utf8Char> c = common::DecodeUtf8(text, i);
    if (!c) return Invalid(field, absl::StrCat("not valid UTF-8 (byte ", i, ")"));
    const uint32_t cp = c->code_point;
    const bool control = cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
    const bool separator = cp == 0x2028 || cp == 0x2029;
    const bool allowed = multi_line && (cp == '\n' || cp == '\t');
    if ((control || separator) && !allowed) {
      return Invalid(
          field,
          absl::StrCat("contains ", separator ? "a line separator" : "a control character", " (",
                       cp < 0x80 ? absl::StrFormat("\\x%02X", cp) : absl::StrFormat("U+%04X", cp),
                       ") at byte ", i, "; ",
                       multi_line ? "only line feeds (\\n) and tabs may break this text"
                                  : "this is one line of text: no line breaks, tabs or other "
                                    "control characters"));
    }
    i += c->length;
  }
  return absl::OkStatus();
}

absl::Status ValidateBookingText(const sof::directory::v1::BookPraktikRequest& request) {
  const Reflection* reflection = request.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(request, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_STRING || field->is_repeated()) continue;
    std::string scratch;
    SOFDIR_RETURN_IF_ERROR(ValidateText(field->name(),
                                        reflection->GetStringReference(request, field, &scratch),
                                        IsMultiLine(*field)));
  }
  return absl::OkStatus();
}

absl::Status ValidateRequestId(absl::string_view request_id) {
  if (request_id.size() > 128) {
    return absl::InvalidArgumentError("request_id: at most 128 characters");
  }
  for (char c : request_id) {
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError("request_id: only printable ASCII without spaces");
    }
  }
  return absl::OkStatus();
}

bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    int extra;
    uint32_t code;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      extra = 1;
      code = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
      code = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;  // truncated sequence
    for (int k = 1; k <= extra; ++k) {
      unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      code = (code << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMin[extra] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

bool IsValidDate(absl::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  int parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8};
  const size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (size_t k = 0; k < lengths[p]; ++k) {
      char c = date[starts[p] + k];
      if (c < '0' || c > '9') return false;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  absl::CivilDay day(parts[0], parts[1], parts[2]);
  return day.year() == parts[0] && day.month() == parts[1] && day.day() == parts[2];
}

absl::Status ValidateId(absl::string_view field, absl::string_view id) {
  std::optional<sof::directory::v1::RecordKind> kind = model::KindFromId(id);
  absl::string_view suffix =
      kind ? id.substr(model::KindName(*kind).size() + 1) : absl::string_view();
  bool ok = kind.has_value() && !suffix.empty() && suffix.size() <= 64 &&
            std::all_of(suffix.begin(), suffix.end(), [](char c) {
              return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
            });
  if (!ok) {
    return Invalid(field, absl::StrCat("\"", common::Echo(id),
                                       "\" is not an id; valid: <kind>-<1-64 of A-Z a-z 0-9 _ ->, "
                                       "kind one of ",
                                       model::ValidKindsText()));
  }
  return absl::OkStatus();
}

absl::Status ValidateRecord(const Record& record) {
  const Message* message = model::KindMessage(record);
  if (message == nullptr) {
    return Invalid("record", absl::StrCat("no kind set; valid: ", model::ValidKindsText()));
  }
  sof::directory::v1::RecordKind kind = model::KindOf(record);
  std::string kind_name(model::KindName(kind));
  const std::string& id = model::RecordId(record);
  if (id.empty()) return Invalid(absl::StrCat(kind_name, ".id"), "required");
  SOFDIR_RETURN_IF_ERROR(ValidateId(absl::StrCat(kind_name, ".id"), id));
  if (model::KindFromId(id) != kind) {
    return Invalid(
        absl::StrCat(kind_name, ".id"),
        absl::StrCat("\"", common::Echo(id), "\" names another kind; valid: ", kind_name, "-..."));
  }
  SOFDIR_RETURN_IF_ERROR(CheckStrings(*message, kind_name));
  switch (record.kind_case()) {
    case Record::kUnit:
      return ValidateUnit(record.unit());
    case Record::kTilbud:
      return ValidateTilbud(record.tilbud());
    case Record::kPartner:
      return ValidatePartner(record.partner());
    case Record::kPraktik:
      return ValidatePraktik(record.praktik());
    case Record::kPerson:
      return ValidatePerson(record.person());
    default:
      return absl::OkStatus();
  }
}

}  // namespace sofdir::domain
