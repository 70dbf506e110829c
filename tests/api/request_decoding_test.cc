// Requests whose bytes do not parse, sent as raw bytes through a generic
// stub the way a broken or hostile client would: every method answers
// INVALID_ARGUMENT saying what is wrong (gRPC's own decoding answers
// UNIMPLEMENTED with no message), and valid calls work as before.
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "server/api/server_app.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"
#include "tests/testing/records.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::api {
namespace {

namespace v1 = ::sof::directory::v1;
using ::testing::HasSubstr;

class RequestDecodingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerApp::Options options;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_.Sub("data");
    auto app = ServerApp::Start(options);
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    channel_ = grpc::CreateChannel(app_->address(), grpc::InsecureChannelCredentials());
    ASSERT_TRUE(app_->directory().Create(testing::MakeUnit("unit-1")).ok());
  }

  // Sends `bytes` as the request of `method` ("/pkg.Service/Method") and
  // reads every answer until the call ends; returns its status.
  grpc::Status Send(const std::string& method, const std::string& bytes,
                    std::vector<std::string>* answers = nullptr) {
    grpc::GenericStub stub(channel_);
    grpc::CompletionQueue cq;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    auto call = stub.PrepareCall(&context, method, &cq);
    void* tag;
    bool ok;
    auto step = [&](void* expected) {
      EXPECT_TRUE(cq.Next(&tag, &ok));
      EXPECT_EQ(tag, expected);
      return ok;
    };
    call->StartCall(reinterpret_cast<void*>(1));
    step(reinterpret_cast<void*>(1));
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    call->WriteLast(request, grpc::WriteOptions(), reinterpret_cast<void*>(2));
    step(reinterpret_cast<void*>(2));
    while (true) {
      grpc::ByteBuffer answer;
      call->Read(&answer, reinterpret_cast<void*>(3));
      if (!step(reinterpret_cast<void*>(3))) break;
      std::vector<grpc::Slice> slices;
      EXPECT_TRUE(answer.Dump(&slices).ok());
      std::string text;
      for (const grpc::Slice& s : slices) {
        text.append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
      if (answers != nullptr) answers->push_back(text);
      if (method == "/sof.directory.v1.DirectoryService/WatchChanges") context.TryCancel();
    }
    grpc::Status status;
    call->Finish(&status, reinterpret_cast<void*>(4));
    step(reinterpret_cast<void*>(4));
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {
    }
    return status;
  }

  testing::TempDir dir_;
  std::unique_ptr<ServerApp> app_;
  std::shared_ptr<grpc::Channel> channel_;
};

// A CreateRecord request whose tilbud name is `name`, bytes for bytes.
std::string CreateTilbudBytes(const std::string& name) {
  v1::CreateRecordRequest request;
  *request.mutable_record() = testing::MakeTilbud("tilbud-1", "unit-1");
  request.mutable_record()->mutable_tilbud()->set_name("PLACEHOLDER");
  std::string bytes = request.SerializeAsString();
  const size_t at = bytes.find("PLACEHOLDER");
  // Same length, so the length prefix stays right.
  std::string replacement = name;
  replacement.resize(std::string("PLACEHOLDER").size(), 'x');
  return bytes.replace(at, replacement.size(), replacement);
}

TEST_F(RequestDecodingTest, InvalidUtf8InANestedStringFieldIsInvalidArgumentNamingTheField) {
  grpc::Status status =
      Send("/sof.directory.v1.DirectoryService/CreateRecord", CreateTilbudBytes("Bo\xC3\x28"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("record.tilbud.name: not valid UTF-8 (byte 2)"));
  EXPECT_FALSE(app_->directory().Get("tilbud-1").ok()) << "nothing of it was stored";

  // The same request with valid text is created: the raw path answers too.
  std::vector<std::string> answers;
  status = Send("/sof.directory.v1.DirectoryService/CreateRecord", CreateTilbudBytes("Bo \xC3\xB8"),
                &answers);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(answers.size(), 1u);
  v1::Record created;
  ASSERT_TRUE(created.ParseFromString(answers[0]));
  EXPECT_EQ(created.tilbud().name().substr(0, 5), "Bo \xC3\xB8");
  EXPECT_FALSE(created.etag().empty());
}

TEST_F(RequestDecodingTest, InvalidUtf8InARepeatedFieldNamesItsIndex) {
  v1::ImportRecordsRequest request;
  *request.add_records() = testing::MakeUnit("unit-2");
  v1::Record person = testing::MakePerson("person-1", "unit-1");
  person.mutable_person()->add_expertise("FIT");
  person.mutable_person()->add_expertise("PLACEHOLDER");
  *request.add_records() = person;
  std::string bytes = request.SerializeAsString();
  bytes.replace(bytes.find("PLACEHOLDER"), 3, "\xFF\xFE\xFD");
  grpc::Status status = Send("/sof.directory.v1.DirectoryService/ImportRecords", bytes);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("records[1].person.expertise[1]: not valid UTF-8 (byte 0)"));
}

TEST_F(RequestDecodingTest, EveryMethodAnswersBytesThatAreNoProtobufWithInvalidArgument) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          "sof.directory.v1.DirectoryService");
  ASSERT_NE(service, nullptr);
  ASSERT_GE(service->method_count(), 21);
  for (int i = 0; i < service->method_count(); ++i) {
    const google::protobuf::MethodDescriptor* method = service->method(i);
    // Field 1 as a length-delimited value that runs past the end.
    grpc::Status status =
        Send(absl::StrCat("/", service->full_name(), "/", method->name()), "\x0a\x7f\x01");
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method->name();
    EXPECT_THAT(status.error_message(),
                HasSubstr(absl::StrCat("request is not a valid ", method->input_type()->full_name(),
                                       " (malformed protobuf)")))
        << method->name();
  }
}

TEST_F(RequestDecodingTest, ValidRawRequestsAreAnsweredIncludingTheChangeStream) {
  v1::GetRecordRequest get;
  get.set_id("unit-1");
  std::vector<std::string> answers;
  grpc::Status status =
      Send("/sof.directory.v1.DirectoryService/GetRecord", get.SerializeAsString(), &answers);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(answers.size(), 1u);
  v1::Record record;
  ASSERT_TRUE(record.ParseFromString(answers[0]));
  EXPECT_EQ(record.unit().id(), "unit-1");

  // An error from the typed method reaches the raw caller unchanged.
  get.set_id("unit-404");
  status = Send("/sof.directory.v1.DirectoryService/GetRecord", get.SerializeAsString());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);

  answers.clear();
  status = Send("/sof.directory.v1.DirectoryService/WatchChanges",
                v1::WatchChangesRequest().SerializeAsString(), &answers);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED) << status.error_message();
  ASSERT_EQ(answers.size(), 1u);
  v1::Change change;
  ASSERT_TRUE(change.ParseFromString(answers[0]));
  EXPECT_EQ(change.id(), "unit-1");
}

}  // namespace
}  // namespace sofdir::api
