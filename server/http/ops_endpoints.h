// What load balancers and Prometheus ask for, served on the HTTP listener
// and on the metrics listener (ops_server.h), without authentication and
// without personal data:
//   GET /metrics   the Prometheus text exposition (404 when metrics are off)
//   GET /healthz   200 "ok" while the process serves HTTP at all
//   GET /readyz    200 "ready" when `ready` says OK, else 503 with its reason
// Thread-safe as the callbacks are.
#ifndef SOFDIR_SERVER_HTTP_OPS_ENDPOINTS_H_
#define SOFDIR_SERVER_HTTP_OPS_ENDPOINTS_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "server/http/grpc_gateway.h"

namespace sofdir::http {

struct OpsEndpoints {
  std::function<std::string()> metrics;  // empty: no /metrics
  std::function<absl::Status()> ready;   // empty: always ready
};

// The reply for `path` when it is one of the three (GET or HEAD), else
// nullopt.
std::optional<HttpReply> ServeOps(const OpsEndpoints& ops, const std::string& method,
                                  const std::string& path);

}  // namespace sofdir::http

#endif  // SOFDIR_SERVER_HTTP_OPS_ENDPOINTS_H_
