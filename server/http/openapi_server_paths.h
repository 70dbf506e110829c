// The parts of the OpenAPI document that no proto method declares: the
// browser session (/auth/session, served by session_guard.h) and the
// document itself (/v1/openapi.json). Used by openapi.cc.
#ifndef SOFDIR_SERVER_HTTP_OPENAPI_SERVER_PATHS_H_
#define SOFDIR_SERVER_HTTP_OPENAPI_SERVER_PATHS_H_

#include "server/http/openapi_json.h"

namespace sofdir::http {

// The components/schemas name of the session answer.
inline constexpr char kSessionSchema[] = "Session";

// Adds GET/POST/DELETE /auth/session and GET /v1/openapi.json to `paths`;
// `error_ref` is the $ref of the error schema.
void AddServerPaths(JsonValue& paths, const std::string& error_ref);

// The schema of the /auth/session answer.
JsonValue SessionSchema();

}  // namespace sofdir::http

#endif  // SOFDIR_SERVER_HTTP_OPENAPI_SERVER_PATHS_H_
