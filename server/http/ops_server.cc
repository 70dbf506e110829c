#include "server/http/ops_server.h"

#include <sys/socket.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "httplib.h"

namespace sofdir::http {

absl::StatusOr<std::unique_ptr<OpsServer>> OpsServer::Start(const std::string& listen,
                                                            OpsEndpoints ops) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics listen: \"", listen, "\" is not host:port, e.g. 127.0.0.1:9464"));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::unique_ptr<OpsServer> server(new OpsServer());
  server->ops_ = std::move(ops);
  server->server_ = std::make_unique<httplib::Server>();
  httplib::Server& http = *server->server_;
  http.new_task_queue = [] { return new httplib::ThreadPool(4); };
  http.set_keep_alive_timeout(5);
  http.set_socket_options([](int socket) {
    int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  OpsServer* self = server.get();
  http.Get(".*", [self](const httplib::Request& request, httplib::Response& response) {
    std::optional<HttpReply> reply = ServeOps(self->ops_, request.method, request.path);
    if (!reply.has_value()) {
      response.status = 404;
      response.set_content("not found: this listener serves /metrics, /healthz and /readyz\n",
                           "text/plain; charset=utf-8");
      return;
    }
    response.status = reply->status;
    for (const auto& [name, value] : reply->headers) response.set_header(name, value);
    response.set_content(std::move(reply->body), reply->content_type);
  });
  if (port == 0) {
    port = http.bind_to_any_port(host);
  } else if (!http.bind_to_port(host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return absl::UnavailableError(absl::StrCat("metrics listen: cannot bind ", listen,
                                               " (the address is in use or not a local address)"));
  }
  server->port_ = port;
  server->thread_ = std::thread([self] { self->server_->listen_after_bind(); });
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!http.is_running() && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(1));
  if (!http.is_running()) return absl::UnavailableError("metrics listen: the server did not start");
  return server;
}

OpsServer::~OpsServer() { Stop(); }

void OpsServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace sofdir::http
