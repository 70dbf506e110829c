// One HTTP/JSON call forwarded into the gRPC server: the route found (see
// http_route_table.h), the request message built (json_transcoder.h),
// serialized and sent on the server's in-process channel to
// "/<service>/<Method>" with a generic stub, so that authentication, roles,
// validation, audit and read log, limits and deadlines are exactly those of
// gRPC. The reply is the response as JSON, or an error as JSON with the
// HTTP status of the google.rpc code mapping (HttpStatusFor).
//
// Thread-safe: Forward may run on many threads at once.
#ifndef SOFDIR_SERVER_HTTP_GRPC_GATEWAY_H_
#define SOFDIR_SERVER_HTTP_GRPC_GATEWAY_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "server/http/http_route_table.h"
#include "server/http/json_transcoder.h"

namespace sofdir::http {

// What a handler answers over HTTP.
struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// One HTTP call as the gateway needs it.
struct GatewayCall {
  std::string http_method;
  std::string path;  // raw (percent-encoded), without the query
  QueryParams query;
  std::string body;
  std::string authorization;  // "Bearer <token>" or ""
  std::string request_id;     // x-request-id, or ""
};

// HTTP status for a canonical code: INVALID_ARGUMENT 400, UNAUTHENTICATED
// 401, PERMISSION_DENIED 403, NOT_FOUND 404, ALREADY_EXISTS and ABORTED
// 409, FAILED_PRECONDITION and OUT_OF_RANGE 400, RESOURCE_EXHAUSTED 429,
// CANCELLED 499, UNAVAILABLE 503, DEADLINE_EXCEEDED 504, UNIMPLEMENTED 501,
// INTERNAL, UNKNOWN and DATA_LOSS 500.
int HttpStatusFor(absl::StatusCode code);

// {"error":{"code":<http status>,"status":"<CODE_NAME>","message":"..."}}
// with the HTTP status of the code (or `http_status` when not 0).
HttpReply ErrorReply(const absl::Status& status, int http_status = 0);

class GrpcGateway {
 public:
  struct Options {
    size_t max_body_bytes = 4 << 20;
    // Every forwarded call gets this deadline (the server caps it too).
    absl::Duration max_call_duration = absl::Seconds(60);
  };

  GrpcGateway(std::shared_ptr<grpc::Channel> channel, HttpRouteTable routes, Options options);

  // Whether some route (any verb) has `path`.
  bool Knows(absl::string_view path) const;

  // Answers `call`: 200 with the response JSON; 404 for an unknown route;
  // 405 with Allow for a known path with another verb; the mapped error
  // otherwise (413 for a body above the limit).
  HttpReply Forward(const GatewayCall& call) const;

  const HttpRouteTable& routes() const { return routes_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
  HttpRouteTable routes_;
  Options options_;
};

}  // namespace sofdir::http

#endif  // SOFDIR_SERVER_HTTP_GRPC_GATEWAY_H_
