#include "server/http/openapi_json.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/common/json_quote.h"

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
      common::AppendJsonString(out, string_);
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
        common::AppendJsonString(out, members_[i].first);
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
