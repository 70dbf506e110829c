#include "server/api/request_decoder.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "server/common/utf8.h"

namespace sofdir::api {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::DescriptorPool;
using ::google::protobuf::DescriptorProto;
using ::google::protobuf::DynamicMessageFactory;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::FieldDescriptorProto;
using ::google::protobuf::FileDescriptor;
using ::google::protobuf::FileDescriptorProto;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;

// Copies of the request types in which every string field is bytes: the
// same wire format, but parsing does not insist on UTF-8, so broken text
// can be found and named. Built once per file, on the first broken request.
class LenientTypes {
 public:
  LenientTypes() : factory_(&pool_) {}

  // A new, empty lenient message of `strict`'s type.
  std::unique_ptr<Message> New(const Descriptor& strict) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    if (!Add(*strict.file())) return nullptr;
    const Descriptor* lenient = pool_.FindMessageTypeByName(strict.full_name());
    if (lenient == nullptr) return nullptr;
    return std::unique_ptr<Message>(factory_.GetPrototype(lenient)->New());
  }

 private:
  static void Loosen(DescriptorProto& type) {
    for (FieldDescriptorProto& field : *type.mutable_field()) {
      if (field.type() == FieldDescriptorProto::TYPE_STRING) {
        field.set_type(FieldDescriptorProto::TYPE_BYTES);
      }
    }
    // Map keys may not be bytes; a map is a repeated entry message on the wire.
    if (type.has_options()) type.mutable_options()->clear_map_entry();
    for (DescriptorProto& nested : *type.mutable_nested_type()) Loosen(nested);
  }

  bool Add(const FileDescriptor& file) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (pool_.FindFileByName(file.name()) != nullptr) return true;
    for (int i = 0; i < file.dependency_count(); ++i) {
      if (!Add(*file.dependency(i))) return false;
    }
    FileDescriptorProto proto;
    file.CopyTo(&proto);
    for (DescriptorProto& type : *proto.mutable_message_type()) Loosen(type);
    return pool_.BuildFile(proto) != nullptr;
  }

  absl::Mutex mu_;
  DescriptorPool pool_ ABSL_GUARDED_BY(mu_);
  DynamicMessageFactory factory_ ABSL_GUARDED_BY(mu_);
};

LenientTypes& Lenient() {
  static LenientTypes* types = new LenientTypes();  // never destroyed: used until exit
  return *types;
}

// The first string field (by the strict type) of `lenient` whose bytes are
// not valid UTF-8, as "path: problem"; nullopt when there is none.
std::optional<std::string> FindBrokenText(const Message& lenient, const Descriptor& strict,
                                          const std::string& path) {
  const Reflection* reflection = lenient.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(lenient, &fields);
  for (const FieldDescriptor* field : fields) {
    const FieldDescriptor* strict_field = strict.FindFieldByNumber(field->number());
    if (strict_field == nullptr) continue;
    const std::string field_path =
        path.empty() ? field->name() : absl::StrCat(path, ".", field->name());
    const int count = field->is_repeated() ? reflection->FieldSize(lenient, field) : 1;
    for (int i = 0; i < count; ++i) {
      const std::string item_path =
          field->is_repeated() ? absl::StrCat(field_path, "[", i, "]") : field_path;
      if (strict_field->type() == FieldDescriptor::TYPE_STRING) {
        std::string scratch;
        const std::string& text =
            field->is_repeated()
                ? reflection->GetRepeatedStringReference(lenient, field, i, &scratch)
                : reflection->GetStringReference(lenient, field, &scratch);
        if (std::optional<size_t> at = common::FirstInvalidUtf8(text)) {
          return absl::StrCat(item_path, ": not valid UTF-8 (byte ", *at,
                              "); text fields take UTF-8");
        }
      } else if (strict_field->type() == FieldDescriptor::TYPE_MESSAGE &&
                 field->type() == FieldDescriptor::TYPE_MESSAGE) {
        const Message& child = field->is_repeated()
                                   ? reflection->GetRepeatedMessage(lenient, field, i)
                                   : reflection->GetMessage(lenient, field);
        if (std::optional<std::string> broken =
                FindBrokenText(child, *strict_field->message_type(), item_path)) {
          return broken;
        }
      }
    }
  }
  return std::nullopt;
}

absl::Status Diagnose(const grpc::ByteBuffer& bytes, const Descriptor& type) {
  const absl::Status malformed = absl::InvalidArgumentError(
      absl::StrCat("request is not a valid ", type.full_name(), " (malformed protobuf)"));
  std::vector<grpc::Slice> slices;
  if (!bytes.Dump(&slices).ok()) return malformed;
  std::string wire;
  for (const grpc::Slice& slice : slices) {
    wire.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  std::unique_ptr<Message> lenient = Lenient().New(type);
  if (lenient == nullptr || !lenient->ParseFromString(wire)) return malformed;
  if (std::optional<std::string> broken = FindBrokenText(*lenient, type, "")) {
    return absl::InvalidArgumentError(*broken);
  }
  return malformed;
}

}  // namespace

absl::Status DecodeRequest(const grpc::ByteBuffer& bytes, Message& message) {
  message.Clear();
  grpc::ByteBuffer shared(bytes);  // shares the slices; the reader needs a mutable buffer
  {
    grpc::ProtoBufferReader reader(&shared);
    if (reader.status().ok() && message.ParseFromZeroCopyStream(&reader)) {
      return absl::OkStatus();
    }
  }
  message.Clear();
  return Diagnose(bytes, *message.GetDescriptor());
}

}  // namespace sofdir::api
