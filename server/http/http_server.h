// The HTTP side of sofdir-server (README.md): one listening socket
// (cpp-httplib, TLS with the gRPC certificate when given) that serves
//   /v1/openapi.json       the OpenAPI document given in Options
//   /v1/...                the API: forwarded into the gRPC server (grpc_gateway.h)
//   /auth/session          browser sign-in (session_guard.h)
//   /metrics /healthz /readyz  for monitoring (ops_endpoints.h)
//   anything else (GET)    the embedded page (static_files.h)
// Errors are JSON ({"error":{"code","status","message"}}); every response
// carries the security headers (static_files.h). Responses are gzip- or
// brotli-compressed when the client accepts it and the type is text.
//
// Start binds and serves on its own threads; Stop (or the destructor)
// stops accepting, lets the requests in progress finish and joins them.
// Thread-safe.
#ifndef SOFDIR_SERVER_HTTP_HTTP_SERVER_H_
#define SOFDIR_SERVER_HTTP_HTTP_SERVER_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "server/http/grpc_gateway.h"
#include "server/http/ops_endpoints.h"
#include "server/http/session_guard.h"
#include "server/http/static_files.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace sofdir::http {

class HttpServer {
 public:
  struct Options {
    std::string listen;  // host:port; port 0 picks one
    // TLS from PEM files (both or neither); the same files as gRPC's.
    std::string tls_cert_path;
    std::string tls_key_path;
    std::string tls_client_ca_path;  // when set, clients need a certificate it signed
    // Request threads. A kept-alive connection holds one while it lasts,
    // and a forwarded call waits on gRPC in it: 0 means
    // max(64, 8 x hardware threads).
    int threads = 0;
    size_t max_body_bytes = 4 << 20;  // above: 413, RESOURCE_EXHAUSTED
    absl::Duration max_call_duration = absl::Seconds(60);
    absl::Duration keep_alive_timeout = absl::Seconds(5);
    // Served at GET /v1/openapi.json; empty: 404.
    std::string openapi_json;
    // The page's files; null: EmbeddedWebAssets().
    std::shared_ptr<const std::vector<WebAsset>> assets;
    // Sign-in; `tls` is set by Start.
    SessionGuard::Options auth;
    // /metrics and /readyz (ops_endpoints.h).
    OpsEndpoints ops;
    // The service whose google.api.http routes are served.
    std::string service = "sof.directory.v1.DirectoryService";
  };

  // Binds and starts serving, forwarding API calls on `channel`.
  // INVALID_ARGUMENT for a bad listen address, a service without routes or
  // TLS files httplib cannot use; UNAVAILABLE when the address cannot be
  // bound.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      Options options, std::shared_ptr<grpc::Channel> channel);

  ~HttpServer();

  int port() const { return port_; }
  std::string address() const;
  bool tls() const { return tls_; }

  void Stop();

 private:
  HttpServer() = default;
  void Handle(const httplib::Request& request, httplib::Response& response);
  HttpReply Dispatch(const httplib::Request& request);

  Options options_;
  std::string host_;
  int port_ = 0;
  bool tls_ = false;
  std::unique_ptr<GrpcGateway> gateway_;
  std::unique_ptr<SessionGuard> guard_;
  std::unique_ptr<StaticFiles> files_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace sofdir::http

#endif  // SOFDIR_SERVER_HTTP_HTTP_SERVER_H_
