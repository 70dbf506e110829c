// Watches every gRPC call the server runs (all services, unary and
// streaming, the HTTP API's in-process calls too) as a gRPC server
// interceptor: counts it in ServerMetrics (calls by method and code,
// latency, in flight, change watchers, auth failures by reason) and writes
// one access-log line when it ends:
//
//   I 2026-12-03T23:40:18.123Z call method=/sof.directory.v1.DirectoryService/SearchEntries
//       principal=kontor code=OK latency_ms=1.204 request_id=abc
//
// (JSON with --log-format json). The principal is the name the auth config
// gives the caller's token ("anonymous" without one, "-" for a token it
// does not know); request_id is the caller's x-request-id metadata (at most
// 128 printable characters, else left out). Requests, queries and contact
// details are never logged.
//
// Thread-safe; the factory and what it refers to must outlive the server.
#ifndef SOFDIR_SERVER_API_CALL_OBSERVER_H_
#define SOFDIR_SERVER_API_CALL_OBSERVER_H_

#include "grpcpp/support/server_interceptor.h"
#include "server/api/authorizer.h"
#include "server/api/server_metrics.h"

namespace sofdir::api {

class CallObserverFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `metrics` null: no metrics; `access_log` false: no log lines.
  CallObserverFactory(ServerMetrics* metrics, const Authorizer& authorizer, bool access_log)
      : metrics_(metrics), authorizer_(authorizer), access_log_(access_log) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  ServerMetrics* const metrics_;
  const Authorizer& authorizer_;
  const bool access_log_;
};

}  // namespace sofdir::api

#endif  // SOFDIR_SERVER_API_CALL_OBSERVER_H_
