#include "server/http/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"

namespace sofdir::http {
namespace {

// The status a bare httplib error (no handler ran) is given in JSON.
absl::Status BareError(int http_status, size_t max_body_bytes) {
  switch (http_status) {
    case 413:
      return absl::ResourceExhaustedError(
          absl::StrCat("request body: above the limit of ", max_body_bytes, " bytes"));
    case 414:
      return absl::InvalidArgumentError("request line too long");
    case 404:
      return absl::NotFoundError("no such page or API route");
    case 405:
      return absl::FailedPreconditionError("method not allowed");
    default:
      return absl::InvalidArgumentError(absl::StrCat("malformed HTTP request (", http_status, ")"));
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    Options options, std::shared_ptr<grpc::Channel> channel) {
  std::unique_ptr<HttpServer> server(new HttpServer());
  const size_t colon = options.listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(options.listen.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("http listen: \"", options.listen,
                                                   "\" is not host:port, e.g. 127.0.0.1:8080"));
  }
  server->host_ = options.listen.substr(0, colon);
  if (server->host_.size() >= 2 && server->host_.front() == '[' && server->host_.back() == ']') {
    server->host_ = server->host_.substr(1, server->host_.size() - 2);
  }

  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(options.service);
  if (service == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("http: no service ", options.service));
  }
  absl::StatusOr<HttpRouteTable> routes = HttpRouteTable::FromService(*service);
  if (!routes.ok()) return routes.status();
  server->gateway_ = std::make_unique<GrpcGateway>(
      std::move(channel), *std::move(routes),
      GrpcGateway::Options{options.max_body_bytes, options.max_call_duration});

  server->tls_ = !options.tls_cert_path.empty() || !options.tls_key_path.empty();
  options.auth.tls = server->tls_;
  server->guard_ = std::make_unique<SessionGuard>(options.auth);
  server->files_ =
      std::make_unique<StaticFiles>(options.assets ? *options.assets : EmbeddedWebAssets());
  if (server->tls_) {
    auto tls = std::make_unique<httplib::SSLServer>(
        options.tls_cert_path.c_str(), options.tls_key_path.c_str(),
        options.tls_client_ca_path.empty() ? nullptr : options.tls_client_ca_path.c_str());
    if (!tls->is_valid()) {
      return absl::InvalidArgumentError(absl::StrCat("http: TLS with --tls-cert ",
                                                     options.tls_cert_path, " and --tls-key ",
                                                     options.tls_key_path, " failed"));
    }
    server->server_ = std::move(tls);
  } else {
    server->server_ = std::make_unique<httplib::Server>();
  }
  int threads = options.threads;
  if (threads <= 0) {
    threads = std::max(64, 8 * static_cast<int>(std::thread::hardware_concurrency()));
  }
  httplib::Server& http = *server->server_;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // httplib writes a response's headers and body in separate sends: with
  // Nagle's algorithm on, the body waited for the client's delayed ACK
  // (about 40 ms a request on a kept-alive connection).
  http.set_tcp_nodelay(true);
  http.set_keep_alive_max_count(10000);
  http.set_keep_alive_timeout(
      std::max<time_t>(1, absl::ToInt64Seconds(options.keep_alive_timeout)));
  http.set_read_timeout(30, 0);
  http.set_write_timeout(30, 0);
  http.set_payload_max_length(options.max_body_bytes);
  // httplib's default sets SO_REUSEPORT: a second server on the same port
  // would start and share the first one's connections (as gRPC's would
  // without GRPC_ARG_ALLOW_REUSEPORT=0). SO_REUSEADDR only.
  http.set_socket_options([](int socket) {
    int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  const size_t max_body = options.max_body_bytes;
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [max_body](const httplib::Request&, httplib::Response& response) {
        if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        HttpReply reply = ErrorReply(BareError(response.status, max_body), response.status);
        for (const auto& [name, value] : SecurityHeaders()) response.set_header(name, value);
        response.set_content(reply.body, reply.content_type);
        return httplib::Server::HandlerResponse::Handled;
      }));
  HttpServer* self = server.get();
  auto handler = [self](const httplib::Request& request, httplib::Response& response) {
    self->Handle(request, response);
  };
  http.Get(".*", handler);
  http.Post(".*", handler);
  http.Put(".*", handler);
  http.Patch(".*", handler);
  http.Delete(".*", handler);
  http.Options(".*", handler);

  server->options_ = std::move(options);
  if (port == 0) {
    port = http.bind_to_any_port(server->host_);
  } else if (!http.bind_to_port(server->host_, port)) {
    port = -1;
  }
  if (port <= 0) {
    return absl::UnavailableError(absl::StrCat("http listen: cannot bind ", server->options_.listen,
                                               " (the address is in use or not a local address)"));
  }
  server->port_ = port;
  server->thread_ = std::thread([self] { self->server_->listen_after_bind(); });
  // Until the loop runs, httplib's stop() would be lost (and Stop would
  // wait forever): wait for it.
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!http.is_running() && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(1));
  if (!http.is_running()) return absl::UnavailableError("http: the server did not start");
  return server;
}

HttpServer::~HttpServer() { Stop(); }

std::string HttpServer::address() const { return absl::StrCat(host_, ":", port_); }

void HttpServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

HttpReply HttpServer::Dispatch(const httplib::Request& request) {
  const std::string& target = request.target.empty() ? request.path : request.target;
  const size_t question = target.find('?');
  const std::string path = target.substr(0, question);
  const absl::string_view query_string = question == std::string::npos
                                             ? absl::string_view()
                                             : absl::string_view(target).substr(question + 1);
  RequestHeaders headers;
  headers.method = request.method;
  headers.cookie = request.get_header_value("Cookie");
  headers.origin = request.get_header_value("Origin");
  headers.host = request.get_header_value("Host");
  headers.csrf_token = request.get_header_value("X-CSRF-Token");
  headers.authorization = request.get_header_value("Authorization");

  if (path == "/auth/session") return guard_->HandleSession(headers, request.body);
  if (std::optional<HttpReply> ops = ServeOps(options_.ops, request.method, path)) {
    return *std::move(ops);
  }
  if (path == "/v1/openapi.json" && (request.method == "GET" || request.method == "HEAD")) {
    if (options_.openapi_json.empty()) {
      return ErrorReply(absl::NotFoundError("no OpenAPI document in this server"));
    }
    HttpReply reply;
    reply.body = options_.openapi_json;
    reply.headers.emplace_back("Cache-Control", "no-cache");
    return reply;
  }
  if (absl::StartsWith(path, "/v1/")) {
    absl::StatusOr<std::string> authorization = guard_->Authorize(headers);
    if (!authorization.ok()) return ErrorReply(authorization.status());
    // Parsed here, not by httplib: httplib also reads a form body into params.
    absl::StatusOr<QueryParams> query = ParseQueryString(query_string);
    if (!query.ok()) return ErrorReply(query.status());
    GatewayCall call;
    call.http_method = request.method;
    call.path = path;
    call.query = *std::move(query);
    call.body = request.body;
    call.authorization = *std::move(authorization);
    call.request_id = request.get_header_value("X-Request-Id");
    HttpReply reply = gateway_->Forward(call);
    reply.headers.emplace_back("Cache-Control", "no-store");
    if (!call.request_id.empty() && call.request_id.size() <= 128) {
      reply.headers.emplace_back("X-Request-Id", call.request_id);
    }
    return reply;
  }
  if (request.method == "GET" || request.method == "HEAD") {
    const bool accepts_html = absl::StrContains(request.get_header_value("Accept"), "text/html");
    std::optional<HttpReply> file =
        files_->Get(request.path, accepts_html, request.get_header_value("If-None-Match"));
    if (file.has_value()) {
      file->headers.emplace_back("Vary", "Accept-Encoding");
      return *std::move(file);
    }
  }
  return ErrorReply(absl::NotFoundError(absl::StrCat("no such page or API route: ", path)));
}

void HttpServer::Handle(const httplib::Request& request, httplib::Response& response) {
  HttpReply reply = Dispatch(request);
  response.status = reply.status;
  for (const auto& [name, value] : SecurityHeaders()) response.set_header(name, value);
  for (const auto& [name, value] : reply.headers) response.set_header(name, value);
  if (reply.status == 304) return;
  response.set_content(std::move(reply.body), reply.content_type);
}

}  // namespace sofdir::http
