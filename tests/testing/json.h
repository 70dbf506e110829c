// Test helpers for protobuf text and JSON: messages from text format, JSON
// objects read back as google.protobuf.Struct. A parse failure fails the
// test that called them.
#ifndef SOFDIR_TESTS_TESTING_JSON_H_
#define SOFDIR_TESTS_TESTING_JSON_H_

#include <algorithm>
#include <string>
#include <vector>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace sofdir::testing {

// A message from protobuf text format.
template <typename Message>
Message FromText(const std::string& text) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &message)) << text;
  return message;
}

// Parses one JSON object.
inline google::protobuf::Struct ParseJson(const std::string& text) {
  google::protobuf::Struct value;
  auto status = google::protobuf::util::JsonStringToMessage(text, &value);
  EXPECT_TRUE(status.ok()) << status.ToString() << " in: " << text.substr(0, 300);
  return value;
}

// The keys of a JSON object, sorted.
inline std::vector<std::string> JsonKeys(const google::protobuf::Struct& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.fields()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

// The items of the array `list` in `body` (empty when absent).
inline std::vector<google::protobuf::Struct> JsonItems(const google::protobuf::Struct& body,
                                                       const std::string& list) {
  std::vector<google::protobuf::Struct> items;
  auto it = body.fields().find(list);
  if (it == body.fields().end()) return items;
  for (const auto& value : it->second.list_value().values()) {
    items.push_back(value.struct_value());
  }
  return items;
}

// The string field `name` of `object`, or "<missing>".
inline std::string JsonText(const google::protobuf::Struct& object, const std::string& name) {
  auto it = object.fields().find(name);
  return it == object.fields().end() ? "<missing>" : it->second.string_value();
}

}  // namespace sofdir::testing

#endif  // SOFDIR_TESTS_TESTING_JSON_H_
