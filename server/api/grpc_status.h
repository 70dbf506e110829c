// The one conversion from absl::Status to grpc::Status. Canonical codes are
// numerically identical in both.
//
// The message travels in a response header, and clients refuse headers
// beyond a few kilobytes (gRPC's default: 8 KiB of metadata) with an error
// of their own: a message longer than kMaxStatusMessageBytes is cut at a
// UTF-8 character boundary and ends with "...". Messages should echo caller
// input through common::Echo anyway; this holds when one does not.
#ifndef SOFDIR_SERVER_API_GRPC_STATUS_H_
#define SOFDIR_SERVER_API_GRPC_STATUS_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace sofdir::api {

inline constexpr size_t kMaxStatusMessageBytes = 1024;

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  std::string message(status.message());
  if (message.size() > kMaxStatusMessageBytes) {
    size_t cut = kMaxStatusMessageBytes - 3;
    while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;
    message.resize(cut);
    message += "...";
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), message);
}

}  // namespace sofdir::api

#endif  // SOFDIR_SERVER_API_GRPC_STATUS_H_
