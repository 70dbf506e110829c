#include "server/http/ops_endpoints.h"

#include "absl/strings/str_cat.h"

namespace sofdir::http {

std::optional<HttpReply> ServeOps(const OpsEndpoints& ops, const std::string& method,
                                  const std::string& path) {
  if (method != "GET" && method != "HEAD") return std::nullopt;
  HttpReply reply;
  reply.content_type = "text/plain; charset=utf-8";
  reply.headers.emplace_back("Cache-Control", "no-store");
  if (path == "/metrics") {
    if (!ops.metrics) return std::nullopt;
    reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
    reply.body = ops.metrics();
    return reply;
  }
  if (path == "/healthz") {
    reply.body = "ok\n";
    return reply;
  }
  if (path == "/readyz") {
    const absl::Status ready = ops.ready ? ops.ready() : absl::OkStatus();
    if (ready.ok()) {
      reply.body = "ready\n";
    } else {
      reply.status = 503;
      reply.body = absl::StrCat("not ready: ", ready.message(), "\n");
    }
    return reply;
  }
  return std::nullopt;
}

}  // namespace sofdir::http
