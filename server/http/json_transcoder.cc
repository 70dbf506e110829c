#include "server/http/json_transcoder.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "server/common/status_macros.h"
#include "server/common/utf8.h"

namespace sofdir::http {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

const FieldDescriptor* FindField(const Descriptor& type, absl::string_view name) {
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* field = type.field(i);
    if (field->name() == name || field->json_name() == name) return field;
  }
  return nullptr;
}

// The message that holds the last part of `path` and that part's field.
absl::Status Resolve(absl::string_view path, absl::string_view what, Message* message,
                     Message** holder, const FieldDescriptor** field) {
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  Message* current = message;
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* f = FindField(*current->GetDescriptor(), parts[i]);
    if (f == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": no field \"", parts[i], "\" in ",
                                                     current->GetDescriptor()->name()));
    }
    if (i + 1 == parts.size()) {
      *holder = current;
      *field = f;
      return absl::OkStatus();
    }
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || f->is_repeated()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": \"", parts[i], "\" is not a message field with subfields"));
    }
    current = current->GetReflection()->MutableMessage(current, f);
  }
  return absl::InvalidArgumentError(absl::StrCat(what, ": empty field path"));
}

template <typename T>
absl::StatusOr<T> ParseInt(absl::string_view value, absl::string_view what,
                           absl::string_view type) {
  T parsed;
  if (!absl::SimpleAtoi(value, &parsed)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": \"", value, "\" is not a valid ", type));
  }
  return parsed;
}

absl::Status SetValue(Message* holder, const FieldDescriptor* field, absl::string_view value,
                      absl::string_view what) {
  const Reflection* r = holder->GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool b;
      if (value == "true") {
        b = true;
      } else if (value == "false") {
        b = false;
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": \"", value, "\" is not a bool (true or false)"));
      }
      repeated ? r->AddBool(holder, field, b) : r->SetBool(holder, field, b);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      SOFDIR_ASSIGN_OR_RETURN(int32_t v, ParseInt<int32_t>(value, what, "32-bit integer"));
      repeated ? r->AddInt32(holder, field, v) : r->SetInt32(holder, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      SOFDIR_ASSIGN_OR_RETURN(int64_t v, ParseInt<int64_t>(value, what, "64-bit integer"));
      repeated ? r->AddInt64(holder, field, v) : r->SetInt64(holder, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      SOFDIR_ASSIGN_OR_RETURN(uint32_t v,
                              ParseInt<uint32_t>(value, what, "unsigned 32-bit integer"));
      repeated ? r->AddUInt32(holder, field, v) : r->SetUInt32(holder, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      SOFDIR_ASSIGN_OR_RETURN(uint64_t v,
                              ParseInt<uint64_t>(value, what, "unsigned 64-bit integer"));
      repeated ? r->AddUInt64(holder, field, v) : r->SetUInt64(holder, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double d;
      if (!absl::SimpleAtod(value, &d) || !std::isfinite(d)) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": \"", value, "\" is not a finite number"));
      }
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
        if (std::fabs(d) > std::numeric_limits<float>::max()) {
          return absl::InvalidArgumentError(absl::StrCat(what, ": \"", value, "\" is too large"));
        }
        repeated ? r->AddFloat(holder, field, static_cast<float>(d))
                 : r->SetFloat(holder, field, static_cast<float>(d));
      } else {
        repeated ? r->AddDouble(holder, field, d) : r->SetDouble(holder, field, d);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const google::protobuf::EnumValueDescriptor* e =
          field->enum_type()->FindValueByName(std::string(value));
      int number;
      if (e == nullptr && absl::SimpleAtoi(value, &number)) {
        e = field->enum_type()->FindValueByNumber(number);
      }
      if (e == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": \"", value, "\" is not a value of ", field->enum_type()->name()));
      }
      repeated ? r->AddEnum(holder, field, e) : r->SetEnum(holder, field, e);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string text(value);
      if (field->type() == FieldDescriptor::TYPE_BYTES) {
        if (!absl::WebSafeBase64Unescape(value, &text) && !absl::Base64Unescape(value, &text)) {
          return absl::InvalidArgumentError(absl::StrCat(what, ": not base64"));
        }
      } else if (auto bad = common::FirstInvalidUtf8(value)) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": not valid UTF-8 at byte ", *bad));
      }
      repeated ? r->AddString(holder, field, std::move(text))
               : r->SetString(holder, field, std::move(text));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      // Well-known types in their JSON form, given as a JSON string.
      Message* target = repeated ? r->AddMessage(holder, field) : r->MutableMessage(holder, field);
      std::string quoted = absl::StrCat("\"", absl::CEscape(value), "\"");
      if (!google::protobuf::util::JsonStringToMessage(quoted, target).ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": \"", value, "\" is not a valid ", field->message_type()->name()));
      }
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(what, ": unsupported field type"));
}

// The field paths at and below `path` are bound: e.g. "record" covers "record.unit.id".
bool Covered(const std::set<std::string>& bound, absl::string_view path) {
  for (const std::string& b : bound) {
    if (path == b ||
        (path.size() > b.size() && path.substr(0, b.size()) == b && path[b.size()] == '.')) {
      return true;
    }
  }
  return false;
}

absl::Status ParseJson(absl::string_view body, Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(body[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return absl::InvalidArgumentError(absl::StrCat(
          "request body: control character U+00", absl::Hex(c, absl::kZeroPad2), " at byte ", i,
          " (JSON strings must escape it as \\u00", absl::Hex(c, absl::kZeroPad2), ")"));
    }
  }
  if (auto bad = common::FirstInvalidUtf8(body)) {
    return absl::InvalidArgumentError(absl::StrCat("request body: not valid UTF-8 at byte ", *bad));
  }
  absl::string_view text = body;
  if (text.find_first_not_of(" \t\r\n") == absl::string_view::npos) text = "{}";
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(text.data(), text.size()), message, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("request body: not a valid ",
                                                   message->GetDescriptor()->name(),
                                                   " in JSON: ", std::string(status.message())));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<QueryParams> ParseQueryString(absl::string_view query) {
  QueryParams params;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::vector<std::string> sides = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    for (std::string& side : sides) std::replace(side.begin(), side.end(), '+', ' ');
    absl::StatusOr<std::string> name = PercentDecode(sides[0]);
    absl::StatusOr<std::string> value = PercentDecode(sides.size() > 1 ? sides[1] : "");
    if (!name.ok() || !value.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("query string: malformed percent-escape in \"", pair, "\""));
    }
    params.emplace(*std::move(name), *std::move(value));
  }
  return params;
}

absl::Status SetFieldFromText(absl::string_view path, absl::string_view value,
                              absl::string_view what, Message* message) {
  Message* holder = nullptr;
  const FieldDescriptor* field = nullptr;
  SOFDIR_RETURN_IF_ERROR(Resolve(path, what, message, &holder, &field));
  if (field->is_map()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": map fields cannot be set this way"));
  }
  return SetValue(holder, field, value, what);
}

absl::Status BuildRequest(const RouteMatch& match, const QueryParams& query, absl::string_view body,
                          const TranscodeLimits& limits, Message* request) {
  request->Clear();
  const HttpRoute& route = *match.route;
  if (body.size() > limits.max_body_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "request body: ", body.size(), " bytes is above the limit of ", limits.max_body_bytes));
  }
  std::set<std::string> bound;  // proto field paths set by path or body
  if (route.body == "*") {
    SOFDIR_RETURN_IF_ERROR(ParseJson(body, request));
  } else if (!route.body.empty()) {
    const FieldDescriptor* field = request->GetDescriptor()->FindFieldByName(route.body);
    if (field == nullptr || field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        field->is_repeated()) {
      return absl::InternalError(absl::StrCat("route body \"", route.body, "\" is unsupported"));
    }
    SOFDIR_RETURN_IF_ERROR(
        ParseJson(body, request->GetReflection()->MutableMessage(request, field)));
    bound.insert(route.body);
  } else if (body.find_first_not_of(" \t\r\n") != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(route.http_method, " ", route.path.text(),
                                                   " takes no request body; use query parameters"));
  }
  for (const auto& [path, value] : match.bindings) {
    // A path value replaces what the body said.
    Message* holder = nullptr;
    const FieldDescriptor* field = nullptr;
    const std::string what = absl::StrCat("path variable \"", path, "\"");
    SOFDIR_RETURN_IF_ERROR(Resolve(path, what, request, &holder, &field));
    if (field->is_repeated()) {
      return absl::InternalError(absl::StrCat(what, " binds a repeated field"));
    }
    holder->GetReflection()->ClearField(holder, field);
    SOFDIR_RETURN_IF_ERROR(SetValue(holder, field, value, what));
    bound.insert(path);
  }
  std::set<std::string> seen;
  for (const auto& [name, value] : query) {
    const std::string what = absl::StrCat("query parameter \"", name, "\"");
    if (route.body == "*") {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": ", route.http_method, " ", route.path.text(),
                       " takes its fields in the JSON body, not as query parameters"));
    }
    Message* holder = nullptr;
    const FieldDescriptor* field = nullptr;
    SOFDIR_RETURN_IF_ERROR(Resolve(name, what, request, &holder, &field));
    // The proto field path, to compare with the bound ones.
    std::string proto_path;
    {
      const Descriptor* type = request->GetDescriptor();
      for (absl::string_view part : absl::StrSplit(name, '.')) {
        const FieldDescriptor* f = FindField(*type, part);
        absl::StrAppend(&proto_path, proto_path.empty() ? "" : ".", f->name());
        type = f->message_type();
      }
    }
    if (Covered(bound, proto_path)) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": this field is set by the path or the body"));
    }
    if (field->is_map()) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": map fields cannot be set this way"));
    }
    if (!field->is_repeated() && !seen.insert(proto_path).second) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": given more than once"));
    }
    SOFDIR_RETURN_IF_ERROR(SetValue(holder, field, value, what));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ResponseToJson(const Message& response) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(response, &json, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("response to JSON: ", std::string(status.message())));
  }
  return json;
}

}  // namespace sofdir::http
