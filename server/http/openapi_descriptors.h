// The serialized google.protobuf.FileDescriptorSet of
// sof/directory/v1/directory_service.proto with its imports and source
// info (comments), written by protoc at build time and compiled into the
// binary (server/http/openapi.cmake generates the definition).
#ifndef SOFDIR_SERVER_HTTP_OPENAPI_DESCRIPTORS_H_
#define SOFDIR_SERVER_HTTP_OPENAPI_DESCRIPTORS_H_

#include "absl/strings/string_view.h"

namespace sofdir::http {

// The bytes; valid for the life of the program.
absl::string_view OpenApiDescriptorSetBytes();

}  // namespace sofdir::http

#endif  // SOFDIR_SERVER_HTTP_OPENAPI_DESCRIPTORS_H_
