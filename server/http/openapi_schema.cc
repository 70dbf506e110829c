#include "server/http/openapi_schema.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace sofdir::http {

namespace gpb = google::protobuf;

namespace {

// "// text" in a .proto reaches SourceLocation as " text\n" per line.
std::string CleanComment(const std::string& raw) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(raw, '\n')) {
    absl::ConsumePrefix(&line, " ");
    lines.emplace_back(absl::StripTrailingAsciiWhitespace(line));
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  size_t first = 0;
  while (first < lines.size() && lines[first].empty()) ++first;
  return absl::StrJoin(lines.begin() + first, lines.end(), "\n");
}

JsonValue TypedSchema(const char* type, const char* format = nullptr) {
  JsonValue schema = JsonValue::Object();
  schema["type"] = type;
  if (format != nullptr) schema["format"] = format;
  return schema;
}

JsonValue Nullable(JsonValue schema) {
  schema["nullable"] = JsonValue::Bool(true);
  return schema;
}

// The JSON form of the well-known types that have a special one, or null.
JsonValue WellKnownSchema(const gpb::Descriptor* message) {
  const std::string& name = message->full_name();
  if (!absl::StartsWith(name, "google.protobuf.")) return JsonValue();
  if (name == "google.protobuf.Timestamp") return TypedSchema("string", "date-time");
  if (name == "google.protobuf.Duration") {
    JsonValue schema = TypedSchema("string");
    schema["description"] = "Seconds with an \"s\" suffix, e.g. \"1.5s\".";
    return schema;
  }
  if (name == "google.protobuf.FieldMask") {
    JsonValue schema = TypedSchema("string");
    schema["description"] =
        "Comma-separated field paths in lowerCamelCase, e.g. \"name,address.district\".";
    return schema;
  }
  if (name == "google.protobuf.Empty") return TypedSchema("object");
  if (name == "google.protobuf.Struct") {
    JsonValue schema = TypedSchema("object");
    schema["additionalProperties"] = JsonValue::Bool(true);
    return schema;
  }
  if (name == "google.protobuf.Value") {
    JsonValue schema = JsonValue::Object();
    schema["description"] = "Any JSON value.";
    return schema;
  }
  if (name == "google.protobuf.ListValue") {
    JsonValue schema = TypedSchema("array");
    schema["items"] = JsonValue::Object();
    return schema;
  }
  if (name == "google.protobuf.Any") {
    JsonValue schema = TypedSchema("object");
    schema["properties"]["@type"] = TypedSchema("string");
    schema["additionalProperties"] = JsonValue::Bool(true);
    return schema;
  }
  if (name == "google.protobuf.DoubleValue") return Nullable(TypedSchema("number", "double"));
  if (name == "google.protobuf.FloatValue") return Nullable(TypedSchema("number", "float"));
  if (name == "google.protobuf.Int64Value") return Nullable(TypedSchema("string", "int64"));
  if (name == "google.protobuf.UInt64Value") return Nullable(TypedSchema("string", "uint64"));
  if (name == "google.protobuf.Int32Value") return Nullable(TypedSchema("integer", "int32"));
  if (name == "google.protobuf.UInt32Value") {
    JsonValue schema = Nullable(TypedSchema("integer", "int64"));
    schema["minimum"] = JsonValue::Int(0);
    return schema;
  }
  if (name == "google.protobuf.BoolValue") return Nullable(TypedSchema("boolean"));
  if (name == "google.protobuf.StringValue") return Nullable(TypedSchema("string"));
  if (name == "google.protobuf.BytesValue") return Nullable(TypedSchema("string", "byte"));
  return JsonValue();
}

JsonValue EnumSchema(const gpb::EnumDescriptor* type) {
  JsonValue schema = TypedSchema("string");
  JsonValue& names = schema["enum"] = JsonValue::Array();
  std::vector<std::string> notes;
  for (int i = 0; i < type->value_count(); ++i) {
    const gpb::EnumValueDescriptor* value = type->value(i);
    names.Push(value->name());
    std::string note = Comment(value);
    if (!note.empty()) notes.push_back(absl::StrCat("- `", value->name(), "`: ", note));
  }
  std::string description = Comment(type);
  if (!notes.empty()) {
    if (!description.empty()) description += "\n\n";
    description += absl::StrJoin(notes, "\n");
  }
  if (!description.empty()) schema["description"] = description;
  return schema;
}

// A $ref (which admits no sibling keys in OpenAPI 3.0) with a description.
JsonValue Describe(JsonValue schema, const std::string& description) {
  if (description.empty()) return schema;
  if (schema.Find("$ref") != nullptr) {
    JsonValue wrapped = JsonValue::Object();
    wrapped["allOf"].Push(std::move(schema));
    wrapped["description"] = description;
    return wrapped;
  }
  const JsonValue* own = schema.Find("description");
  schema["description"] =
      own == nullptr ? description : absl::StrCat(description, "\n\n", own->string_value());
  return schema;
}

std::vector<std::string> OneofMemberNames(const gpb::OneofDescriptor* oneof) {
  std::vector<std::string> names;
  for (int i = 0; i < oneof->field_count(); ++i) names.push_back(oneof->field(i)->json_name());
  return names;
}

}  // namespace

template <typename Descriptor>
std::string Comment(const Descriptor* element) {
  gpb::SourceLocation location;
  if (!element->GetSourceLocation(&location)) return "";
  std::string leading = CleanComment(location.leading_comments);
  std::string trailing = CleanComment(location.trailing_comments);
  if (leading.empty()) return trailing;
  if (trailing.empty()) return leading;
  return absl::StrCat(leading, "\n", trailing);
}

template std::string Comment(const gpb::ServiceDescriptor*);
template std::string Comment(const gpb::MethodDescriptor*);
template std::string Comment(const gpb::Descriptor*);
template std::string Comment(const gpb::FieldDescriptor*);
template std::string Comment(const gpb::OneofDescriptor*);
template std::string Comment(const gpb::EnumDescriptor*);
template std::string Comment(const gpb::EnumValueDescriptor*);

std::string FirstSentence(const std::string& comment) {
  std::string flat = comment;
  for (char& c : flat) {
    if (c == '\n') c = ' ';
  }
  // A paragraph break ends the summary too.
  size_t end = comment.find("\n\n");
  if (end != std::string::npos) flat.resize(end);
  for (size_t i = 0; i + 1 < flat.size(); ++i) {
    if (flat[i] == '.' && flat[i + 1] == ' ') {
      flat.resize(i + 1);
      break;
    }
  }
  return std::string(absl::StripAsciiWhitespace(flat));
}

bool IsJsonScalar(const gpb::FieldDescriptor* field) {
  if (field->is_map()) return false;
  if (field->type() != gpb::FieldDescriptor::TYPE_MESSAGE &&
      field->type() != gpb::FieldDescriptor::TYPE_GROUP) {
    return true;
  }
  JsonValue known = WellKnownSchema(field->message_type());
  const JsonValue* type = known.Find("type");
  return type != nullptr && type->string_value() != "object" && type->string_value() != "array";
}

std::string OpenApiSchemas::ComponentName(const gpb::Descriptor* message) const {
  const std::string& full = message->full_name();
  if (!package_.empty() && absl::StartsWith(full, package_ + ".")) {
    return full.substr(package_.size() + 1);
  }
  return full;
}

JsonValue OpenApiSchemas::MessageSchema(const gpb::Descriptor* message) {
  JsonValue known = WellKnownSchema(message);
  if (known.type() != JsonValue::Type::kNull) return known;
  const std::string name = ComponentName(message);
  if (reached_.insert(name).second) {
    // Hold the component's place (order of first reach) before building it:
    // building reaches further messages, possibly this one again.
    components_[name];
    JsonValue component = BuildComponent(message);
    components_[name] = std::move(component);
  }
  JsonValue ref = JsonValue::Object();
  ref["$ref"] = absl::StrCat("#/components/schemas/", name);
  return ref;
}

JsonValue OpenApiSchemas::BuildComponent(const gpb::Descriptor* message) {
  JsonValue schema = TypedSchema("object");
  std::string description = Comment(message);
  for (int i = 0; i < message->real_oneof_decl_count(); ++i) {
    const gpb::OneofDescriptor* oneof = message->oneof_decl(i);
    std::string note =
        absl::StrCat("At most one of `", absl::StrJoin(OneofMemberNames(oneof), "`, `"),
                     "` is set (oneof `", oneof->name(), "`).");
    std::string oneof_comment = Comment(oneof);
    if (!oneof_comment.empty()) absl::StrAppend(&note, " ", oneof_comment);
    description = description.empty() ? note : absl::StrCat(description, "\n\n", note);
  }
  if (!description.empty()) schema["description"] = description;
  if (message->field_count() > 0) {
    JsonValue& properties = schema["properties"] = JsonValue::Object();
    for (int i = 0; i < message->field_count(); ++i) {
      const gpb::FieldDescriptor* field = message->field(i);
      JsonValue property = FieldSchema(field);
      properties[field->json_name()] = std::move(property);
    }
  }
  return schema;
}

JsonValue OpenApiSchemas::ValueSchema(const gpb::FieldDescriptor* field) {
  switch (field->type()) {
    case gpb::FieldDescriptor::TYPE_INT32:
    case gpb::FieldDescriptor::TYPE_SINT32:
    case gpb::FieldDescriptor::TYPE_SFIXED32:
      return TypedSchema("integer", "int32");
    case gpb::FieldDescriptor::TYPE_UINT32:
    case gpb::FieldDescriptor::TYPE_FIXED32: {
      JsonValue schema = TypedSchema("integer", "int64");
      schema["minimum"] = JsonValue::Int(0);
      return schema;
    }
    case gpb::FieldDescriptor::TYPE_INT64:
    case gpb::FieldDescriptor::TYPE_SINT64:
    case gpb::FieldDescriptor::TYPE_SFIXED64:
      return TypedSchema("string", "int64");
    case gpb::FieldDescriptor::TYPE_UINT64:
    case gpb::FieldDescriptor::TYPE_FIXED64:
      return TypedSchema("string", "uint64");
    case gpb::FieldDescriptor::TYPE_DOUBLE:
      return TypedSchema("number", "double");
    case gpb::FieldDescriptor::TYPE_FLOAT:
      return TypedSchema("number", "float");
    case gpb::FieldDescriptor::TYPE_BOOL:
      return TypedSchema("boolean");
    case gpb::FieldDescriptor::TYPE_STRING:
      return TypedSchema("string");
    case gpb::FieldDescriptor::TYPE_BYTES:
      return TypedSchema("string", "byte");
    case gpb::FieldDescriptor::TYPE_ENUM:
      return EnumSchema(field->enum_type());
    case gpb::FieldDescriptor::TYPE_MESSAGE:
    case gpb::FieldDescriptor::TYPE_GROUP:
      return MessageSchema(field->message_type());
  }
  return JsonValue::Object();
}

JsonValue OpenApiSchemas::FieldSchema(const gpb::FieldDescriptor* field) {
  std::string description = Comment(field);
  if (const gpb::OneofDescriptor* oneof = field->real_containing_oneof()) {
    std::string note = absl::StrCat("Member of oneof `", oneof->name(), "`: at most one of `",
                                    absl::StrJoin(OneofMemberNames(oneof), "`, `"), "` is set.");
    description = description.empty() ? note : absl::StrCat(description, "\n\n", note);
  }
  JsonValue schema;
  if (field->is_map()) {
    schema = TypedSchema("object");
    schema["additionalProperties"] = ValueSchema(field->message_type()->map_value());
  } else if (field->is_repeated()) {
    schema = TypedSchema("array");
    schema["items"] = ValueSchema(field);
  } else {
    schema = ValueSchema(field);
  }
  return Describe(std::move(schema), description);
}

}  // namespace sofdir::http
