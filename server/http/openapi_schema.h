// OpenAPI 3.0 schemas for protobuf messages and fields, following the
// proto3 JSON mapping (what the HTTP gateway reads and writes): properties
// by lowerCamelCase JSON name, 64-bit integers as strings, enums by value
// name, Timestamp as an RFC 3339 string, FieldMask as a string of
// comma-separated paths, Empty as an object. Descriptions come from the
// proto comments (see Comment). Messages become components under
// components/schemas and are referred to by $ref, so recursive messages
// are fine.
//
// Not thread-safe: one builder per document.
#ifndef SOFDIR_SERVER_HTTP_OPENAPI_SCHEMA_H_
#define SOFDIR_SERVER_HTTP_OPENAPI_SCHEMA_H_

#include <set>
#include <string>

#include "google/protobuf/descriptor.h"
#include "server/http/openapi_json.h"

namespace sofdir::http {

// The leading and trailing comments of a proto element (leading first),
// with the one space after "//" removed from each line and outer blank
// lines trimmed. Empty when the element has none or the pool was built
// without source info.
template <typename Descriptor>
std::string Comment(const Descriptor* element);

// The first sentence of `comment` on one line, for a summary.
std::string FirstSentence(const std::string& comment);

// Whether the JSON form of `field`'s value is a single string, number or
// boolean (scalars, enums, and well-known types such as Timestamp and
// FieldMask), so it can be a path or query parameter.
bool IsJsonScalar(const google::protobuf::FieldDescriptor* field);

class OpenApiSchemas {
 public:
  // The schema of a body of type `message`: a $ref to its component (added,
  // with every message it reaches, on first use) or, for well-known types,
  // the inline schema of their JSON form.
  JsonValue MessageSchema(const google::protobuf::Descriptor* message);

  // The schema of `field` as a property: the value schema, an array of it
  // for repeated fields, an object with additionalProperties for maps; with
  // the field's comment as description (and its oneof, if any).
  JsonValue FieldSchema(const google::protobuf::FieldDescriptor* field);

  // The schema of one value of `field` (ignores repeated), no description
  // of the field itself.
  JsonValue ValueSchema(const google::protobuf::FieldDescriptor* field);

  // The components/schemas object: every message reached so far, in the
  // order first reached.
  const JsonValue& components() const { return components_; }

  // The component name of `message`: its name inside its package
  // ("Record", "Outer.Inner"), or its full name for other packages.
  std::string ComponentName(const google::protobuf::Descriptor* message) const;

  // The package whose messages get short component names.
  void set_package(std::string package) { package_ = std::move(package); }

 private:
  JsonValue BuildComponent(const google::protobuf::Descriptor* message);

  std::string package_;
  JsonValue components_ = JsonValue::Object();
  std::set<std::string> reached_;
};

}  // namespace sofdir::http

#endif  // SOFDIR_SERVER_HTTP_OPENAPI_SCHEMA_H_
