// gRPC method handlers that decode the request themselves (DecodeRequest),
// so that a request that does not parse, e.g. one with invalid UTF-8 in a
// string field, is answered INVALID_ARGUMENT naming the field; gRPC's own
// decoding answers it UNIMPLEMENTED with no message, before any handler
// runs. Once decoded, the request goes to the service's typed method
// unchanged, and the reactor that method returns is bridged onto the call:
// its Finish sends the typed response, its writes go out one by one, and
// the call's reactions (OnCancel, OnWriteDone, OnDone ...) reach it as
// before. The service registers one handler per method in its constructor:
//
//   MarkMethodRawCallback(index, DecodingHandler(this, &MyService::Get));
//
// The handlers are thread-safe; the service and its methods must outlive
// the server.
#ifndef SOFDIR_SERVER_API_DECODING_HANDLER_H_
#define SOFDIR_SERVER_API_DECODING_HANDLER_H_

#include <memory>
#include <utility>

#include "absl/functional/function_ref.h"
#include "google/protobuf/message.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"

namespace sofdir::api {
namespace internal_decoding {

using ::google::protobuf::Message;

// Serializes `message` into `out`, replacing what it held; INTERNAL when it
// cannot be (over 2 GB).
grpc::Status Serialize(const Message& message, grpc::ByteBuffer* out);

// Decodes `bytes` into `request`; the status of a request that does not.
grpc::Status Decode(const grpc::ByteBuffer& bytes, Message& request);

// One unary call: what the typed method's reactor is bound to (as its
// ServerCallbackUnary), and the reactor bound to the raw gRPC call.
class UnaryBridge final : public grpc::ServerCallbackUnary {
 public:
  // Decodes `bytes` into `request`, calls `method(request, response)` and
  // returns the reactor to hand to gRPC. A request that does not decode is
  // finished there and then, without calling `method`.
  static grpc::ServerUnaryReactor* Start(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer& bytes, grpc::ByteBuffer* out,
      std::unique_ptr<Message> request, std::unique_ptr<Message> response,
      absl::FunctionRef<grpc::ServerUnaryReactor*(const Message&, Message*)> method);

  void Finish(grpc::Status status) override;
  void SendInitialMetadata() override { outer_.StartSendInitialMetadata(); }

 private:
  class Outer final : public grpc::ServerUnaryReactor {
   public:
    explicit Outer(UnaryBridge* bridge) : bridge_(bridge) {}
    void OnSendInitialMetadataDone(bool ok) override;
    void OnCancel() override;
    void OnDone() override;

   private:
    UnaryBridge* const bridge_;
  };

  UnaryBridge(std::unique_ptr<Message> request, std::unique_ptr<Message> response,
              grpc::ByteBuffer* out)
      : request_(std::move(request)), response_(std::move(response)), out_(out) {}
  grpc::internal::ServerReactor* reactor() override { return typed_; }
  void CallOnDone() override {}  // the raw call's OnDone (Outer) ends this bridge

  Outer outer_{this};
  const std::unique_ptr<Message> request_;
  const std::unique_ptr<Message> response_;
  grpc::ByteBuffer* const out_;  // owned by the raw call
  grpc::ServerUnaryReactor* typed_ = nullptr;
};

// A server-streaming call refused before it started.
class RefusedWrite final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit RefusedWrite(grpc::Status status) { Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

// One server-streaming call, as UnaryBridge; each message the typed reactor
// writes is serialized into the one buffer in flight.
template <class Response>
class WriteBridge final : public grpc::ServerCallbackWriter<Response> {
 public:
  static grpc::ServerWriteReactor<grpc::ByteBuffer>* Start(
      const grpc::ByteBuffer& bytes, std::unique_ptr<Message> request,
      absl::FunctionRef<grpc::ServerWriteReactor<Response>*(const Message&)> method) {
    grpc::Status decoded = Decode(bytes, *request);
    if (!decoded.ok()) return new RefusedWrite(std::move(decoded));
    auto* bridge = new WriteBridge(std::move(request));
    bridge->typed_ = method(*bridge->request_);
    bridge->BindReactor(bridge->typed_);
    return &bridge->outer_;
  }

  void Finish(grpc::Status status) override { outer_.Finish(std::move(status)); }
  void SendInitialMetadata() override { outer_.StartSendInitialMetadata(); }
  void Write(const Response* message, grpc::WriteOptions options) override {
    grpc::Status serialized = Serialize(*message, &buffer_);
    if (!serialized.ok()) return outer_.Finish(std::move(serialized));
    outer_.StartWrite(&buffer_, options);
  }
  void WriteAndFinish(const Response* message, grpc::WriteOptions options,
                      grpc::Status status) override {
    grpc::Status serialized = Serialize(*message, &buffer_);
    if (!serialized.ok()) return outer_.Finish(std::move(serialized));
    outer_.StartWriteAndFinish(&buffer_, options, std::move(status));
  }

 private:
  class Outer final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
   public:
    explicit Outer(WriteBridge* bridge) : bridge_(bridge) {}
    void OnSendInitialMetadataDone(bool ok) override {
      bridge_->typed_->OnSendInitialMetadataDone(ok);
    }
    void OnWriteDone(bool ok) override { bridge_->typed_->OnWriteDone(ok); }
    void OnCancel() override { bridge_->typed_->OnCancel(); }
    void OnDone() override {
      bridge_->typed_->OnDone();
      delete bridge_;
    }

   private:
    WriteBridge* const bridge_;
  };

  explicit WriteBridge(std::unique_ptr<Message> request) : request_(std::move(request)) {}
  grpc::internal::ServerReactor* reactor() override { return typed_; }
  void CallOnDone() override {}

  Outer outer_{this};
  const std::unique_ptr<Message> request_;
  grpc::ByteBuffer buffer_;  // the message being written; one write at a time
  grpc::ServerWriteReactor<Response>* typed_ = nullptr;
};

}  // namespace internal_decoding

// A raw handler for the unary method `method` of `service`.
template <class Service, class Request, class Response>
grpc::internal::MethodHandler* DecodingHandler(
    Service* service, grpc::ServerUnaryReactor* (Service::*method)(grpc::CallbackServerContext*,
                                                                   const Request*, Response*)) {
  return new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
      [service, method](grpc::CallbackServerContext* context, const grpc::ByteBuffer* bytes,
                        grpc::ByteBuffer* out) {
        return internal_decoding::UnaryBridge::Start(
            context, *bytes, out, std::make_unique<Request>(), std::make_unique<Response>(),
            [&](const google::protobuf::Message& request, google::protobuf::Message* response) {
              return (service->*method)(context, static_cast<const Request*>(&request),
                                        static_cast<Response*>(response));
            });
      });
}

// A raw handler for the server-streaming method `method` of `service`.
template <class Service, class Request, class Response>
grpc::internal::MethodHandler* DecodingHandler(
    Service* service,
    grpc::ServerWriteReactor<Response>* (Service::*method)(grpc::CallbackServerContext*,
                                                           const Request*)) {
  return new grpc::internal::CallbackServerStreamingHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
      [service, method](grpc::CallbackServerContext* context, const grpc::ByteBuffer* bytes) {
        return internal_decoding::WriteBridge<Response>::Start(
            *bytes, std::make_unique<Request>(), [&](const google::protobuf::Message& request) {
              return (service->*method)(context, static_cast<const Request*>(&request));
            });
      });
}

}  // namespace sofdir::api

#endif  // SOFDIR_SERVER_API_DECODING_HANDLER_H_
