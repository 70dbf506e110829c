#include "server/model/record_json.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "server/common/echo.h"
#include "server/model/record_util.h"

namespace sofdir::model {
namespace {

using ::sof::directory::v1::Record;

// Where the top-level "kind" member sits in an object's text.
struct KindMember {
  std::string value;
  size_t begin;  // first byte to cut
  size_t end;    // one past the last byte to cut
};

// A minimal scanner over the top level of one JSON object: it only needs to
// find the "kind" member and cut it out, so that the rest parses straight
// into the kind's message in one pass. Full validation is protobuf's.
class TopLevelScanner {
 public:
  explicit TopLevelScanner(absl::string_view text) : text_(text) {}

  absl::StatusOr<KindMember> FindKind() {
    SkipSpace();
    if (!Consume('{')) return absl::InvalidArgumentError("line is not a JSON object");
    std::optional<KindMember> found;
    size_t previous_comma = absl::string_view::npos;
    while (true) {
      SkipSpace();
      if (Consume('}')) break;
      size_t member_begin = pos_;
      std::string key;
      if (!ReadString(&key)) return absl::InvalidArgumentError("malformed JSON: expected a key");
      SkipSpace();
      if (!Consume(':')) return absl::InvalidArgumentError("malformed JSON: expected ':'");
      SkipSpace();
      if (key == "kind") {
        if (found) return absl::InvalidArgumentError("field kind: given twice");
        std::string value;
        if (!ReadString(&value)) {
          return absl::InvalidArgumentError(
              absl::StrCat("field kind: must be a string; valid: ", ValidKindsText()));
        }
        found = KindMember{value, member_begin, pos_};
        SkipSpace();
        if (Consume(',')) {
          found->end = pos_;
        } else if (previous_comma != absl::string_view::npos) {
          found->begin = previous_comma;
        }
        continue;
      }
      if (!SkipValue()) return absl::InvalidArgumentError("malformed JSON value");
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        previous_comma = pos_;
        ++pos_;
      }
    }
    if (!found) {
      return absl::InvalidArgumentError(
          absl::StrCat("field kind: missing; valid: ", ValidKindsText()));
    }
    return *found;
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && absl::ascii_isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
  }
  bool Consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  // Reads a string without decoding escapes (keys and kinds are plain).
  bool ReadString(std::string* out) {
    if (!Consume('"')) return false;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '\\') {
        if (pos_ >= text_.size()) return false;
        out->push_back(text_[pos_++]);
      } else if (c == '"') {
        return true;
      } else {
        out->push_back(c);
      }
    }
    return false;
  }
  bool SkipValue() {
    int depth = 0;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '"') {
        std::string ignored;
        if (!ReadString(&ignored)) return false;
        if (depth == 0) return true;
        continue;
      }
      if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) return true;  // end of the enclosing object
        if (--depth == 0) {
          ++pos_;
          return true;
        }
      } else if (c == ',' && depth == 0) {
        return true;
      }
      ++pos_;
    }
    return false;
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

// Protobuf's JSON errors read "Cannot find field." or "INVALID_ARGUMENT:...";
// keep them but say which kind was being parsed.
absl::Status JsonError(absl::string_view kind, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("invalid ", kind, " record: ", message));
}

}  // namespace

absl::StatusOr<Record> ParseRecordJson(absl::string_view json) {
  TopLevelScanner scanner(json);
  absl::StatusOr<KindMember> kind_member = scanner.FindKind();
  if (!kind_member.ok()) return kind_member.status();
  std::optional<sof::directory::v1::RecordKind> kind = KindFromName(kind_member->value);
  if (!kind) {
    return absl::InvalidArgumentError(absl::StrCat("field kind: unknown kind \"",
                                                   common::Echo(kind_member->value),
                                                   "\"; valid: ", ValidKindsText()));
  }
  std::string rest =
      absl::StrCat(json.substr(0, kind_member->begin), json.substr(kind_member->end));

  Record record;
  google::protobuf::Message* message = nullptr;
  switch (*kind) {
    case sof::directory::v1::UNIT:
      message = record.mutable_unit();
      break;
    case sof::directory::v1::TILBUD:
      message = record.mutable_tilbud();
      break;
    case sof::directory::v1::PARTNER:
      message = record.mutable_partner();
      break;
    case sof::directory::v1::PRAKTIK:
      message = record.mutable_praktik();
      break;
    default:
      message = record.mutable_person();
      break;
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  google::protobuf::util::Status parse_status =
      google::protobuf::util::JsonStringToMessage(rest, message, options);
  if (!parse_status.ok()) {
    return JsonError(kind_member->value,
                     std::string(parse_status.message().data(), parse_status.message().size()));
  }
  return record;
}

std::string RecordToJson(const Record& record) {
  const google::protobuf::Message* message = KindMessage(record);
  if (message == nullptr) return "{}";
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string body;
  (void)google::protobuf::util::MessageToJsonString(*message, &body, options);

  std::string nulls;
  switch (record.kind_case()) {
    case Record::kUnit:
      if (!record.unit().has_parent_id()) absl::StrAppend(&nulls, ",\"parent_id\":null");
      break;
    case Record::kTilbud:
      if (!record.tilbud().has_capacity()) absl::StrAppend(&nulls, ",\"capacity\":null");
      if (!record.tilbud().has_free_places()) absl::StrAppend(&nulls, ",\"free_places\":null");
      break;
    default:
      break;
  }
  // body is "{...}" with at least "id" in it; splice kind in front, nulls at the end.
  absl::string_view inner(body);
  inner.remove_prefix(1);
  inner.remove_suffix(1);
  return absl::StrCat("{\"kind\":\"", KindName(KindOf(record)), "\",", inner, nulls, "}");
}

std::string RecordToJsonWithMetadata(const Record& record) {
  std::string json = RecordToJson(record);
  json.pop_back();
  absl::StrAppend(&json, ",\"etag\":\"", record.etag(),
                  "\",\"create_sequence\":", record.create_sequence(),
                  ",\"update_sequence\":", record.update_sequence());
  if (record.has_verified_time()) {
    absl::StrAppend(&json, ",\"verified_time\":\"",
                    absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                                     absl::FromUnixSeconds(record.verified_time().seconds()),
                                     absl::UTCTimeZone()),
                    "\",\"verified_by\":\"", record.verified_by(), "\"");
  }
  absl::StrAppend(&json, "}");
  return json;
}

}  // namespace sofdir::model
