#include "server/http/openapi_json.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace sofdir::http {

JsonValue JsonValue::Bool(bool value) {
  JsonValue v;
  v.type_ = Type::kBool;
  v.bool_ = value;
  return v;
}

JsonValue JsonValue::Int(int64_t value) {
  JsonValue v;
  v.type_ = Type::kInt;
  v.int_ = value;
  return v;
}

JsonValue JsonValue::Number(double value) {
  JsonValue v;
  v.type_ = Type::kNumber;
  v.number_ = value;
  return v;
}

JsonValue JsonValue::Object() {
  JsonValue v;
  v.type_ = Type::kObject;
  return v;
}

JsonValue JsonValue::Array() {
  JsonValue v;
  v.type_ = Type::kArray;
  return v;
}

JsonValue& JsonValue::operator[](absl::string_view key) {
  if (type_ == Type::kNull) type_ = Type::kObject;
  for (auto& member : members_) {
    if (member.first == key) return member.second;
  }
  members_.emplace_back(std::string(key), JsonValue());
  return members_.back().second;
}

const JsonValue* JsonValue::Find(absl::string_view key) const {
  if (type_ != Type::kObject) return nullptr;
  for (const auto& member : members_) {
    if (member.first == key) return &member.second;
  }
  return nullptr;
}

JsonValue* JsonValue::Find(absl::string_view key) {
  return const_cast<JsonValue*>(static_cast<const JsonValue*>(this)->Find(key));
}

JsonValue& JsonValue::Push(JsonValue value) {
  if (type_ == Type::kNull) type_ = Type::kArray;
  elements_.push_back(std::move(value));
  return elements_.back();
}

size_t JsonValue::size() const {
  if (type_ == Type::kObject) return members_.size();
  if (type_ == Type::kArray) return elements_.size();
  return 0;
}

std::string JsonValue::Serialize(int indent) const {
  std::string out;
  Write(out, indent, 0);
  if (indent > 0) out += '\n';
  return out;
}

namespace {

void WriteString(std::string& out, absl::string_view text) {
  out += '"';
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else if (c == 0xE2 && i + 2 < text.size() &&
                   static_cast<unsigned char>(text[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(text[i + 2]) == 0xA8 ||
                    static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
          // U+2028/U+2029 are valid JSON but end a line in older JavaScript.
          out += static_cast<unsigned char>(text[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
          i += 2;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void NewLine(std::string& out, int indent, int depth) {
  if (indent <= 0) return;
  out += '\n';
  out.append(static_cast<size_t>(indent * depth), ' ');
}

}  // namespace

void JsonValue::Write(std::string& out, int indent, int depth) const {
  switch (type_) {
    case Type::kNull:
      out += "null";
      return;
    case Type::kBool:
      out += bool_ ? "true" : "false";
      return;
    case Type::kInt:
      absl::StrAppend(&out, int_);
      return;
    case Type::kNumber:
      // JSON has no NaN or infinity; the document never holds them.
      if (std::isfinite(number_)) {
        absl::StrAppend(&out, number_);
      } else {
        out += "null";
      }
      return;
    case Type::kString:
      WriteString(out, string_);
      return;
    case Type::kArray: {
      if (elements_.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (size_t i = 0; i < elements_.size(); ++i) {
        if (i > 0) out += ',';
        NewLine(out, indent, depth + 1);
        elements_[i].Write(out, indent, depth + 1);
      }
      NewLine(out, indent, depth);
      out += ']';
      return;
    }
    case Type::kObject: {
      if (members_.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      for (size_t i = 0; i < members_.size(); ++i) {
        if (i > 0) out += ',';
        NewLine(out, indent, depth + 1);
        WriteString(out, members_[i].first);
        out += indent > 0 ? ": " : ":";
        members_[i].second.Write(out, indent, depth + 1);
      }
      NewLine(out, indent, depth);
      out += '}';
      return;
    }
  }
}

}  // namespace sofdir::http
