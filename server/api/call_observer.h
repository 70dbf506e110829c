// Watches every gRPC call the server runs (all services, unary and
// streaming, the HTTP API's in-process calls too) as a gRPC server
// interceptor: counts it in ServerMetrics (calls by method and code,
// latency, in flight, change watchers, auth failures by reason) and writes
// one access-log line when it ends:
//
//   I 2026-12-03T23:40:18.123Z call method=/sof.directory.v1.DirectoryService/SearchEntries
//       principal=kontor code=OK latency_ms=1.204 request_id=abc
//
// (JSON with --log-format json). Lines go through a buffer that a thread
// writes to stderr at least every 200 ms (common::BufferedLogWriter): no
// write() per call; when stderr's reader falls so far behind that the 1 MiB
// buffer is full, lines are dropped and counted in
// sofdir_access_log_dropped_total instead of holding calls up. The factory
// writes what is buffered when it is destroyed (with the grpc::Server). The
// principal is the name the auth config
// gives the caller's token ("anonymous" without one, "-" for a token it
// does not know); request_id is the caller's x-request-id metadata (at most
// 128 printable characters, else left out). Requests, queries and contact
// details are never logged.
//
// Thread-safe; the factory and what it refers to must outlive the server.
#ifndef SOFDIR_SERVER_API_CALL_OBSERVER_H_
#define SOFDIR_SERVER_API_CALL_OBSERVER_H_

#include <memory>

#include "grpcpp/support/server_interceptor.h"
#include "server/api/authorizer.h"
#include "server/api/server_metrics.h"
#include "server/common/buffered_log_writer.h"

namespace sofdir::api {

class CallObserverFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `metrics` null: no metrics; `access_log` false: no log lines.
  CallObserverFactory(ServerMetrics* metrics, const Authorizer& authorizer, bool access_log);

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  ServerMetrics* const metrics_;
  const Authorizer& authorizer_;
  std::unique_ptr<common::BufferedLogWriter> access_log_;  // null: no log
};

}  // namespace sofdir::api

#endif  // SOFDIR_SERVER_API_CALL_OBSERVER_H_
