#include "server/api/call_observer.h"

#include <chrono>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "server/common/log.h"

namespace sofdir::api {
namespace {

using grpc::experimental::InterceptionHookPoints;

class CallObserver final : public grpc::experimental::Interceptor {
 public:
  CallObserver(const char* method, ServerMetrics* metrics, const Authorizer& authorizer,
               common::BufferedLogWriter* access_log)
      : method_(method),
        cells_(metrics ? &metrics->ForMethod(method) : nullptr),
        metrics_(metrics),
        authorizer_(authorizer),
        access_log_(access_log),
        start_(std::chrono::steady_clock::now()) {
    if (cells_ == nullptr) return;
    cells_->in_flight->Add(1);
    if (cells_->watch) metrics_->change_watchers().Add(1);
  }

  ~CallObserver() override {
    if (cells_ == nullptr) return;
    cells_->in_flight->Add(-1);
    if (cells_->watch) metrics_->change_watchers().Add(-1);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      ReadMetadata(*methods->GetRecvInitialMetadata());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      Finished(methods->GetSendStatus());
    }
    methods->Proceed();
  }

 private:
  void ReadMetadata(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
    auto authorization = metadata.find("authorization");
    if (authorization != metadata.end()) {
      authorization_.assign(authorization->second.data(), authorization->second.size());
      has_authorization_ = true;
    }
    if (access_log_ == nullptr) return;
    auto request_id = metadata.find("x-request-id");
    if (request_id == metadata.end() || request_id->second.size() > 128) return;
    for (char c : request_id->second) {
      if (c < 0x21 || c > 0x7e) return;  // printable ASCII only: no line breaks in the log
    }
    request_id_.assign(request_id->second.data(), request_id->second.size());
  }

  void Finished(const grpc::Status& status) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const int code = status.error_code();
    if (cells_ != nullptr) {
      if (code >= 0 && code < 17) cells_->calls[code]->Add();
      cells_->duration->Observe(seconds);
      if (code == grpc::StatusCode::PERMISSION_DENIED) {
        metrics_->CountAuthFailure(ServerMetrics::AuthFailure::kRoleDenied);
      } else if (code == grpc::StatusCode::UNAUTHENTICATED) {
        metrics_->CountAuthFailure(AuthFailureOf());
      }
    }
    if (access_log_ == nullptr) return;
    common::LogFields fields = {{"method", method_},
                                {"principal", PrincipalName()},
                                {"code", std::string(ServerMetrics::CodeName(code))},
                                {"latency_ms", absl::StrFormat("%.3f", seconds * 1000)}};
    if (!request_id_.empty()) fields.emplace_back("request_id", request_id_);
    access_log_->Append(common::FormatLogLine(common::LogLevel::kInfo, "call", fields));
  }

  ServerMetrics::AuthFailure AuthFailureOf() const {
    if (!has_authorization_ || authorization_.empty()) {
      return ServerMetrics::AuthFailure::kMissingToken;
    }
    absl::StatusOr<Principal> principal = authorizer_.Authenticate(authorization_);
    if (principal.ok()) return ServerMetrics::AuthFailure::kRoleDenied;
    return absl::StrContains(principal.status().message(), "unknown token")
               ? ServerMetrics::AuthFailure::kUnknownToken
               : ServerMetrics::AuthFailure::kMalformedToken;
  }

  std::string PrincipalName() const {
    absl::StatusOr<Principal> principal = authorizer_.Authenticate(authorization_);
    return principal.ok() ? principal->name : "-";
  }

  const char* const method_;  // owned by the server, outlives the call
  ServerMetrics::Method* const cells_;
  ServerMetrics* const metrics_;
  const Authorizer& authorizer_;
  common::BufferedLogWriter* const access_log_;  // null: no log
  const std::chrono::steady_clock::time_point start_;
  bool has_authorization_ = false;
  std::string authorization_;
  std::string request_id_;
};

}  // namespace

CallObserverFactory::CallObserverFactory(ServerMetrics* metrics, const Authorizer& authorizer,
                                         bool access_log)
    : metrics_(metrics), authorizer_(authorizer) {
  if (!access_log) return;
  common::BufferedLogWriter::Options options;
  options.fd = 2;  // stderr, as every other log line
  if (metrics != nullptr) options.dropped = &metrics->access_log_dropped();
  access_log_ = std::make_unique<common::BufferedLogWriter>(options);
}

grpc::experimental::Interceptor* CallObserverFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  if (metrics_ == nullptr && access_log_ == nullptr) return nullptr;
  return new CallObserver(info->method(), metrics_, authorizer_, access_log_.get());
}

}  // namespace sofdir::api
