#include "server/api/decoding_handler.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "server/api/grpc_status.h"
#include "server/api/request_decoder.h"

namespace sofdir::api::internal_decoding {

grpc::Status Serialize(const Message& message, grpc::ByteBuffer* out) {
  out->Clear();  // the writer appends only to an empty buffer
  bool own_buffer = false;
  grpc::Status serialized =
      grpc::SerializationTraits<Message>::Serialize(message, out, &own_buffer);
  if (serialized.ok()) return serialized;
  return ToGrpcStatus(absl::InternalError(
      absl::StrCat("the answer could not be serialized (", message.ByteSizeLong(), " bytes)")));
}

grpc::Status Decode(const grpc::ByteBuffer& bytes, Message& request) {
  return ToGrpcStatus(DecodeRequest(bytes, request));
}

grpc::ServerUnaryReactor* UnaryBridge::Start(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer& bytes, grpc::ByteBuffer* out,
    std::unique_ptr<Message> request, std::unique_ptr<Message> response,
    absl::FunctionRef<grpc::ServerUnaryReactor*(const Message&, Message*)> method) {
  grpc::Status decoded = Decode(bytes, *request);
  if (!decoded.ok()) {
    grpc::ServerUnaryReactor* refused = context->DefaultReactor();
    refused->Finish(std::move(decoded));
    return refused;
  }
  auto* bridge = new UnaryBridge(std::move(request), std::move(response), out);
  bridge->typed_ = method(*bridge->request_, bridge->response_.get());
  // Replays a Finish the typed reactor was given before this (work that
  // already ran); the raw reactor keeps it until gRPC binds that in turn.
  bridge->BindReactor(bridge->typed_);
  return &bridge->outer_;
}

void UnaryBridge::Finish(grpc::Status status) {
  if (status.ok()) status = Serialize(*response_, out_);
  outer_.Finish(std::move(status));
}

void UnaryBridge::Outer::OnSendInitialMetadataDone(bool ok) {
  bridge_->typed_->OnSendInitialMetadataDone(ok);
}

void UnaryBridge::Outer::OnCancel() { bridge_->typed_->OnCancel(); }

void UnaryBridge::Outer::OnDone() {
  bridge_->typed_->OnDone();
  delete bridge_;  // and with it this reactor
}

}  // namespace sofdir::api::internal_decoding
