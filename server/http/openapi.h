// The OpenAPI 3.0.3 document of the HTTP/JSON API (served at
// GET /v1/openapi.json), generated from the proto descriptors and their
// comments: one operation per `google.api.http` binding of a
// DirectoryService method, with the routes, path and query parameters,
// bodies and schemas of the proto3 JSON mapping the gateway speaks.
//
//   - paths: a binding's template with `{field=pattern}` written `{field}`
//     and any `:verb` suffix kept (`/v1/records:search`); path variables
//     are required `in: path` parameters typed by their field.
//   - query parameters: every request field bound by neither the path nor
//     the body, by lowerCamelCase JSON name; repeated fields as arrays
//     (`kinds=UNIT&kinds=TILBUD`, style form, explode); a message field's
//     scalar fields one level down as `parent.child` (`near.lat`).
//   - requestBody: `body: "*"` is the request message without the path
//     fields; `body: "field"` that field's value.
//   - responses: 200 with the response message (or `response_body` field),
//     `default` with components/schemas/Error, the gateway's error JSON.
//   - operationId = method name; summary and description from the method's
//     comment, plus which roles may call it (server/api/authorizer.h).
//   - securitySchemes: bearer tokens and the browser session cookie.
//
// Server-streaming and client-streaming methods get no operation.
// Thread-safe (pure functions). Building takes a few milliseconds: callers
// that serve it build it once.
#ifndef SOFDIR_SERVER_HTTP_OPENAPI_H_
#define SOFDIR_SERVER_HTTP_OPENAPI_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.pb.h"

namespace sofdir::http {

// The full name of the service the document describes.
inline constexpr absl::string_view kOpenApiService = "sof.directory.v1.DirectoryService";

// The document (pretty-printed JSON) for sof.directory.v1.DirectoryService,
// from the descriptor set with comments embedded at build time. An error
// here means the embedded descriptors are broken (see the overload).
[[nodiscard]] absl::StatusOr<std::string> BuildOpenApiDocument();

// The document for `service` (a full name) from `files`, which must hold
// every file it needs (protoc --include_imports), in any order.
// INVALID_ARGUMENT when the files do not build (naming the file and the
// problem), when a binding's path template is malformed or names a field
// the request lacks or that cannot be a path value (repeated or a
// message), when a body names no request field, when a custom verb is not
// an HTTP method OpenAPI knows, or when two bindings share a verb and
// path. NOT_FOUND when `service` is not in `files`.
[[nodiscard]] absl::StatusOr<std::string> BuildOpenApiDocument(
    const google::protobuf::FileDescriptorSet& files, absl::string_view service);

}  // namespace sofdir::http

#endif  // SOFDIR_SERVER_HTTP_OPENAPI_H_
