// A small plain-HTTP listener for --metrics-listen: /metrics, /healthz and
// /readyz (ops_endpoints.h) only, everything else 404. For servers that
// run without the HTTP API listener, or that keep metrics on another
// address. Start binds and serves on its own threads; Stop (or the
// destructor) stops and joins them. Thread-safe.
#ifndef SOFDIR_SERVER_HTTP_OPS_SERVER_H_
#define SOFDIR_SERVER_HTTP_OPS_SERVER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "server/http/ops_endpoints.h"

namespace httplib {
class Server;
}

namespace sofdir::http {

class OpsServer {
 public:
  // `listen` is host:port (port 0 picks one). INVALID_ARGUMENT for a bad
  // address, UNAVAILABLE when it cannot be bound.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<OpsServer>> Start(const std::string& listen,
                                                                        OpsEndpoints ops);
  ~OpsServer();

  int port() const { return port_; }
  void Stop();

 private:
  OpsServer() = default;

  OpsEndpoints ops_;
  int port_ = 0;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace sofdir::http

#endif  // SOFDIR_SERVER_HTTP_OPS_SERVER_H_
