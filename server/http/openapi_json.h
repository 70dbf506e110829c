// A small JSON tree for writing the OpenAPI document: objects keep their
// members in insertion order, so the document reads in the order of the
// protos (paths in method order, properties in field order).
//
// A value type; not thread-safe (copy it or guard it).
#ifndef SOFDIR_SERVER_HTTP_OPENAPI_JSON_H_
#define SOFDIR_SERVER_HTTP_OPENAPI_JSON_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace sofdir::http {

class JsonValue {
 public:
  enum class Type { kNull, kBool, kInt, kNumber, kString, kArray, kObject };

  JsonValue() = default;                                                           // null
  JsonValue(const char* text) : type_(Type::kString), string_(text) {}             // NOLINT
  JsonValue(std::string text) : type_(Type::kString), string_(std::move(text)) {}  // NOLINT
  static JsonValue Bool(bool value);
  static JsonValue Int(int64_t value);
  static JsonValue Number(double value);
  static JsonValue Object();
  static JsonValue Array();

  Type type() const { return type_; }

  // Object member `key`, created as null when missing (a null value becomes
  // an empty object first). Precondition: this is an object or null.
  JsonValue& operator[](absl::string_view key);
  // The member `key` of an object, or nullptr (also for non-objects).
  const JsonValue* Find(absl::string_view key) const;
  JsonValue* Find(absl::string_view key);
  // Appends to an array (a null value becomes an empty array first) and
  // returns the new element. Precondition: this is an array or null.
  JsonValue& Push(JsonValue value);

  // Number of object members or array elements; 0 for scalars.
  size_t size() const;
  const std::string& string_value() const { return string_; }

  // JSON text (RFC 8259). `indent` > 0 pretty-prints with that many spaces
  // per level; 0 is compact. Strings are written as UTF-8 with only the
  // characters JSON requires escaped (and U+2028/U+2029, for script safety).
  std::string Serialize(int indent = 0) const;

 private:
  void Write(std::string& out, int indent, int depth) const;

  Type type_ = Type::kNull;
  bool bool_ = false;
  int64_t int_ = 0;
  double number_ = 0;
  std::string string_;
  std::vector<JsonValue> elements_;
  std::vector<std::pair<std::string, JsonValue>> members_;
};

}  // namespace sofdir::http

#endif  // SOFDIR_SERVER_HTTP_OPENAPI_JSON_H_
