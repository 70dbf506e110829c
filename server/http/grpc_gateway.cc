#include "server/http/grpc_gateway.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/dynamic_message.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "server/common/json_quote.h"

namespace sofdir::http {

int HttpStatusFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

HttpReply ErrorReply(const absl::Status& status, int http_status) {
  HttpReply reply;
  reply.status = http_status != 0 ? http_status : HttpStatusFor(status.code());
  reply.body =
      absl::StrCat("{\"error\":{\"code\":", reply.status,
                   ",\"status\":", common::JsonQuote(absl::StatusCodeToString(status.code())),
                   ",\"message\":", common::JsonQuote(status.message()), "}}");
  return reply;
}

GrpcGateway::GrpcGateway(std::shared_ptr<grpc::Channel> channel, HttpRouteTable routes,
                         Options options)
    : channel_(std::move(channel)),
      stub_(std::make_unique<grpc::GenericStub>(channel_)),
      routes_(std::move(routes)),
      options_(options) {}

bool GrpcGateway::Knows(absl::string_view path) const {
  std::vector<std::string> allowed;
  return routes_.Match("GET", path, &allowed).status().code() != absl::StatusCode::kNotFound;
}

HttpReply GrpcGateway::Forward(const GatewayCall& call) const {
  std::vector<std::string> allowed;
  absl::StatusOr<RouteMatch> match = routes_.Match(call.http_method, call.path, &allowed);
  if (!match.ok()) {
    if (match.status().code() == absl::StatusCode::kNotFound) {
      return ErrorReply(absl::NotFoundError(absl::StrCat("no API route ", call.path)));
    }
    HttpReply reply =
        ErrorReply(absl::Status(absl::StatusCode::kFailedPrecondition,
                                absl::StrCat(call.http_method, " is not allowed on ", call.path,
                                             "; allowed: ", absl::StrJoin(allowed, ", "))),
                   405);
    if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end()) {
      allowed.push_back("HEAD");
    }
    reply.headers.emplace_back("Allow", absl::StrJoin(allowed, ", "));
    return reply;
  }
  const google::protobuf::MethodDescriptor& method = *match->route->method;
  google::protobuf::MessageFactory* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> request(
      factory->GetPrototype(method.input_type())->New());
  absl::Status built = BuildRequest(*match, call.query, call.body,
                                    TranscodeLimits{options_.max_body_bytes}, request.get());
  if (!built.ok()) {
    return ErrorReply(built, built.code() == absl::StatusCode::kResourceExhausted ? 413 : 0);
  }

  std::string serialized;
  if (!request->SerializeToString(&serialized)) {
    return ErrorReply(absl::InvalidArgumentError("request: cannot be serialized"));
  }
  grpc::Slice slice(serialized);
  grpc::ByteBuffer request_bytes(&slice, 1);
  grpc::ByteBuffer response_bytes;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoMilliseconds(options_.max_call_duration));
  if (!call.authorization.empty()) context.AddMetadata("authorization", call.authorization);
  if (!call.request_id.empty()) context.AddMetadata("x-request-id", call.request_id);
  grpc::Status grpc_status;
  absl::Notification done;
  stub_->UnaryCall(&context, absl::StrCat("/", method.service()->full_name(), "/", method.name()),
                   grpc::StubOptions(), &request_bytes, &response_bytes,
                   [&grpc_status, &done](grpc::Status status) {
                     grpc_status = std::move(status);
                     done.Notify();
                   });
  done.WaitForNotification();
  if (!grpc_status.ok()) {
    return ErrorReply(absl::Status(static_cast<absl::StatusCode>(grpc_status.error_code()),
                                   grpc_status.error_message()));
  }
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (response_bytes.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) {
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  std::unique_ptr<google::protobuf::Message> response(
      factory->GetPrototype(method.output_type())->New());
  if (!response->ParseFromString(bytes)) {
    return ErrorReply(absl::InternalError("response: cannot be parsed"));
  }
  absl::StatusOr<std::string> json = ResponseToJson(*response);
  if (!json.ok()) return ErrorReply(json.status());
  HttpReply reply;
  reply.body = *std::move(json);
  return reply;
}

}  // namespace sofdir::http
