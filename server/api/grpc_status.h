// The one conversion from absl::Status to grpc::Status. Canonical codes are
// numerically identical in both.
#ifndef SOFDIR_SERVER_API_GRPC_STATUS_H_
#define SOFDIR_SERVER_API_GRPC_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace sofdir::api {

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace sofdir::api

#endif  // SOFDIR_SERVER_API_GRPC_STATUS_H_
