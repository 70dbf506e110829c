#include "server/http/openapi_server_paths.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace sofdir::http {

namespace {

JsonValue Ref(const std::string& target) {
  JsonValue ref = JsonValue::Object();
  ref["$ref"] = target;
  return ref;
}

JsonValue JsonResponse(const char* description, JsonValue schema) {
  JsonValue response = JsonValue::Object();
  response["description"] = description;
  response["content"]["application/json"]["schema"] = std::move(schema);
  return response;
}

JsonValue SessionOperation(const char* id, const char* summary, const char* description,
                           const std::string& error_ref) {
  JsonValue operation = JsonValue::Object();
  operation["tags"].Push("Session");
  operation["operationId"] = id;
  operation["summary"] = summary;
  operation["description"] = description;
  operation["security"] = JsonValue::Array();
  operation["responses"]["200"] =
      JsonResponse("The session (signedIn false when there is none).",
                   Ref(absl::StrCat("#/components/schemas/", kSessionSchema)));
  operation["responses"]["default"] = JsonResponse("An error.", Ref(error_ref));
  return operation;
}

}  // namespace

JsonValue SessionSchema() {
  JsonValue schema = JsonValue::Object();
  schema["type"] = "object";
  schema["description"] = "The caller's browser session.";
  schema["required"].Push("signedIn");
  JsonValue& p = schema["properties"];
  p["signedIn"]["type"] = "boolean";
  p["principal"]["type"] = "string";
  p["principal"]["description"] = "Who is signed in (the token's principal).";
  p["roles"]["type"] = "array";
  p["roles"]["items"]["type"] = "string";
  p["units"]["type"] = "array";
  p["units"]["items"]["type"] = "string";
  p["units"]["description"] = "The unit ids an editor may write.";
  p["csrfToken"]["type"] = "string";
  p["csrfToken"]["description"] =
      "Send as header X-CSRF-Token with every request other than GET or HEAD.";
  p["anonymousSearch"]["type"] = "boolean";
  p["anonymousSearch"]["description"] = "Whether callers without a token may search.";
  p["open"]["type"] = "boolean";
  p["open"]["description"] =
      "True when the server runs without an auth config: every caller may do everything.";
  return schema;
}

void AddServerPaths(JsonValue& paths, const std::string& error_ref) {
  JsonValue& session = paths["/auth/session"];
  session["get"] = SessionOperation(
      "GetSession", "The session of the sofdir_session cookie.",
      "Answers signedIn false (with anonymousSearch and open) when the cookie names no live "
      "session.",
      error_ref);
  JsonValue post = SessionOperation(
      "CreateSession", "Signs in: exchanges a token for a session cookie.",
      "Sets the cookie sofdir_session (HttpOnly, SameSite=Strict, Secure under TLS). The answer's "
      "csrfToken must accompany every later request other than GET or HEAD. 401 for an unknown "
      "token. A session ends after 8 hours without requests.",
      error_ref);
  JsonValue body = JsonValue::Object();
  body["type"] = "object";
  body["required"].Push("token");
  body["properties"]["token"]["type"] = "string";
  body["properties"]["token"]["description"] = "A token from the server's auth config.";
  post["requestBody"]["required"] = JsonValue::Bool(true);
  post["requestBody"]["content"]["application/json"]["schema"] = std::move(body);
  session["post"] = std::move(post);
  JsonValue del = SessionOperation("DeleteSession", "Signs out: ends the session.",
                                   "Clears the cookie. Needs the X-CSRF-Token header.", error_ref);
  JsonValue csrf = JsonValue::Object();
  csrf["name"] = "X-CSRF-Token";
  csrf["in"] = "header";
  csrf["required"] = JsonValue::Bool(false);
  csrf["schema"]["type"] = "string";
  csrf["description"] = "The session's csrfToken (required when the session cookie is sent).";
  del["parameters"].Push(std::move(csrf));
  session["delete"] = std::move(del);

  JsonValue document = JsonValue::Object();
  document["tags"].Push("Session");
  document["operationId"] = "GetOpenApiDocument";
  document["summary"] = "This document.";
  document["security"] = JsonValue::Array();
  JsonValue any = JsonValue::Object();
  any["type"] = "object";
  document["responses"]["200"] = JsonResponse("The OpenAPI 3.0.3 document.", std::move(any));
  document["responses"]["default"] = JsonResponse("An error.", Ref(error_ref));
  paths["/v1/openapi.json"]["get"] = std::move(document);
}

}  // namespace sofdir::http
