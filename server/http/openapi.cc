#include "server/http/openapi.h"

#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/api/annotations.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor_database.h"
#include "server/http/openapi_descriptors.h"
#include "server/http/openapi_json.h"
#include "server/http/openapi_schema.h"
#include "server/http/openapi_server_paths.h"

namespace sofdir::http {

namespace gpb = google::protobuf;

namespace {

constexpr char kErrorSchema[] = "Error";

// Who may call what: the table in server/api/authorizer.h's comment.
struct Access {
  const char* methods[8];
  const char* roles[5];
  const char* note;
  bool anonymous;  // anonymous callers too, when the server allows them
};

const Access kAccess[] = {
    {{"SearchEntries", "SuggestEntries", "WhoKnows"},
     {},
     "Any caller with a token; anonymous callers too when the server allows anonymous search.",
     true},
    {{"GetRecord", "ListRecords", "ExportRecords", "ListChanges", "WatchChanges",
      "ListPraktikOffers", "ListStaleRecords"},
     {"reader", "booker", "editor", "sync", "admin"},
     "Roles reader, booker, editor, sync and admin.",
     false},
    {{"BookPraktik", "CancelBooking", "GetBooking", "ListBookings", "GetBookingCalendar"},
     {"booker", "editor", "admin"},
     "Roles booker, editor and admin; a caller's own bookings unless admin.",
     false},
    {{"CreateRecord", "UpdateRecord", "DeleteRecord", "VerifyRecord"},
     {"editor", "admin"},
     "Roles editor (records of the editor's own units) and admin.",
     false},
    {{"ImportRecords"}, {"admin"}, "Role admin.", false},
    {{"ListAudit", "CreateBackup", "ListBackups", "ListOutbox"}, {"admin"}, "Role admin.", false},
};

const Access* AccessOf(const std::string& method) {
  for (const Access& access : kAccess) {
    for (const char* name : access.methods) {
      if (name != nullptr && method == name) return &access;
    }
  }
  return nullptr;
}

class CollectingErrors : public gpb::DescriptorPool::ErrorCollector {
 public:
  void AddError(const std::string& filename, const std::string& element_name,
                const gpb::Message* /*descriptor*/, ErrorLocation /*location*/,
                const std::string& message) override {
    errors_.push_back(absl::StrCat(filename, ": ", element_name, ": ", message));
  }
  std::string Joined() const { return absl::StrJoin(errors_, "; "); }

 private:
  std::vector<std::string> errors_;
};

struct Template {
  std::string path;                    // OpenAPI form: `{field}`
  std::vector<std::string> variables;  // field paths, as written
};

absl::StatusOr<Template> ParseTemplate(absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("path template \"", text, "\" ", why));
  };
  if (!absl::StartsWith(text, "/")) return bad("must start with '/'");
  Template parsed;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '}') return bad("has a '}' without '{'");
    if (text[i] != '{') {
      parsed.path += text[i];
      continue;
    }
    const size_t close = text.find('}', i);
    if (close == absl::string_view::npos) return bad("has a '{' without '}'");
    absl::string_view inside = text.substr(i + 1, close - i - 1);
    if (absl::StrContains(inside, '{')) return bad("nests '{'");
    absl::string_view field = inside.substr(0, inside.find('='));
    bool valid = !field.empty() && field.front() != '.' && field.back() != '.' &&
                 !absl::StrContains(field, "..");
    for (char c : field) valid = valid && (absl::ascii_isalnum(c) || c == '_' || c == '.');
    if (!valid) return bad(absl::StrCat("has an invalid variable \"", inside, "\""));
    parsed.variables.emplace_back(field);
    absl::StrAppend(&parsed.path, "{", field, "}");
    i = close;
  }
  return parsed;
}

// The field at a dotted path of proto field names below `message`.
absl::StatusOr<const gpb::FieldDescriptor*> ResolveField(const gpb::Descriptor* message,
                                                         absl::string_view path) {
  const gpb::FieldDescriptor* field = nullptr;
  for (absl::string_view segment : absl::StrSplit(path, '.')) {
    if (field != nullptr) {
      if (field->type() != gpb::FieldDescriptor::TYPE_MESSAGE || field->is_repeated()) {
        return absl::InvalidArgumentError(absl::StrCat("field path \"", path, "\": ", field->name(),
                                                       " is not a singular message"));
      }
      message = field->message_type();
    }
    field = message->FindFieldByName(std::string(segment));
    if (field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "field path \"", path, "\": message ", message->full_name(), " has no field ", segment));
    }
  }
  return field;
}

absl::StatusOr<std::string> VerbOf(const google::api::HttpRule& rule) {
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      return std::string("get");
    case google::api::HttpRule::kPut:
      return std::string("put");
    case google::api::HttpRule::kPost:
      return std::string("post");
    case google::api::HttpRule::kDelete:
      return std::string("delete");
    case google::api::HttpRule::kPatch:
      return std::string("patch");
    case google::api::HttpRule::kCustom: {
      std::string kind = absl::AsciiStrToLower(rule.custom().kind());
      if (kind == "head" || kind == "options" || kind == "trace") return kind;
      return absl::InvalidArgumentError(
          absl::StrCat("custom verb \"", rule.custom().kind(), "\" is not head, options or trace"));
    }
    case google::api::HttpRule::PATTERN_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("the binding names no HTTP verb");
}

const std::string& TemplateOf(const google::api::HttpRule& rule) {
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      return rule.get();
    case google::api::HttpRule::kPut:
      return rule.put();
    case google::api::HttpRule::kPost:
      return rule.post();
    case google::api::HttpRule::kDelete:
      return rule.delete_();
    case google::api::HttpRule::kPatch:
      return rule.patch();
    case google::api::HttpRule::kCustom:
      return rule.custom().path();
    case google::api::HttpRule::PATTERN_NOT_SET:
      break;
  }
  return rule.get();
}

JsonValue Parameter(const std::string& name, const char* in, JsonValue schema,
                    const std::string& description) {
  JsonValue parameter = JsonValue::Object();
  parameter["name"] = name;
  parameter["in"] = in;
  if (!description.empty()) parameter["description"] = description;
  parameter["required"] = JsonValue::Bool(std::string(in) == "path");
  if (schema.Find("type") != nullptr && schema.Find("type")->string_value() == "array") {
    parameter["style"] = "form";
    parameter["explode"] = JsonValue::Bool(true);
  }
  parameter["schema"] = std::move(schema);
  return parameter;
}

JsonValue QueryParameter(const std::string& name, const gpb::FieldDescriptor* field,
                         OpenApiSchemas& schemas) {
  JsonValue schema;
  if (field->is_repeated()) {
    schema = JsonValue::Object();
    schema["type"] = "array";
    schema["items"] = schemas.ValueSchema(field);
  } else {
    schema = schemas.ValueSchema(field);
  }
  return Parameter(name, "query", std::move(schema), Comment(field));
}

// Query parameters for the request fields bound neither by the path
// (`bound`, proto field paths) nor by the body.
void AddQueryParameters(const gpb::Descriptor* request, const std::set<std::string>& bound,
                        const std::string& body_field, OpenApiSchemas& schemas, JsonValue& out) {
  for (int i = 0; i < request->field_count(); ++i) {
    const gpb::FieldDescriptor* field = request->field(i);
    if (bound.count(field->name()) > 0 || field->name() == body_field || field->is_map()) continue;
    if (IsJsonScalar(field)) {
      out.Push(QueryParameter(field->json_name(), field, schemas));
      continue;
    }
    if (field->is_repeated()) continue;  // a list of messages has no query form
    const gpb::Descriptor* child = field->message_type();
    for (int j = 0; j < child->field_count(); ++j) {
      const gpb::FieldDescriptor* leaf = child->field(j);
      if (!IsJsonScalar(leaf) || bound.count(absl::StrCat(field->name(), ".", leaf->name())) > 0) {
        continue;
      }
      out.Push(
          QueryParameter(absl::StrCat(field->json_name(), ".", leaf->json_name()), leaf, schemas));
    }
  }
}

JsonValue JsonContent(JsonValue schema) {
  JsonValue content = JsonValue::Object();
  content["application/json"]["schema"] = std::move(schema);
  return content;
}

JsonValue ErrorSchema() {
  JsonValue detail = JsonValue::Object();
  detail["type"] = "object";
  detail["required"].Push("code");
  detail["required"].Push("status");
  detail["required"].Push("message");
  JsonValue& properties = detail["properties"];
  properties["code"]["type"] = "integer";
  properties["code"]["format"] = "int32";
  properties["code"]["description"] = "The HTTP status code of the response.";
  properties["status"]["type"] = "string";
  properties["status"]["description"] =
      "The canonical code name of the google.rpc code, e.g. NOT_FOUND or INVALID_ARGUMENT.";
  properties["message"]["type"] = "string";
  properties["message"]["description"] = "What went wrong, naming the field.";

  JsonValue schema = JsonValue::Object();
  schema["type"] = "object";
  schema["description"] =
      "Every error. The HTTP status follows the google.rpc code mapping: INVALID_ARGUMENT, "
      "FAILED_PRECONDITION and OUT_OF_RANGE 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403, "
      "NOT_FOUND 404, ALREADY_EXISTS and ABORTED 409, RESOURCE_EXHAUSTED 429, CANCELLED 499, "
      "UNIMPLEMENTED 501, UNAVAILABLE 503, DEADLINE_EXCEEDED 504, INTERNAL, UNKNOWN and "
      "DATA_LOSS 500.";
  schema["required"].Push("error");
  schema["properties"]["error"] = std::move(detail);
  return schema;
}

JsonValue SecurityRequirement(const char* scheme) {
  JsonValue requirement = JsonValue::Object();
  requirement[scheme] = JsonValue::Array();
  return requirement;
}

struct Binding {
  const google::api::HttpRule* rule;
  std::string operation_id;
};

// The operation of one binding of `method`.
absl::StatusOr<JsonValue> Operation(const gpb::MethodDescriptor* method, const Binding& binding,
                                    const Template& route, OpenApiSchemas& schemas) {
  const gpb::Descriptor* request = method->input_type();
  const google::api::HttpRule& rule = *binding.rule;
  JsonValue operation = JsonValue::Object();
  operation["tags"].Push(method->service()->name());
  operation["operationId"] = binding.operation_id;
  const std::string comment = Comment(method);
  operation["summary"] = comment.empty() ? method->name() : FirstSentence(comment);
  std::string description = comment;
  const Access* access = AccessOf(method->name());
  if (access != nullptr) {
    absl::StrAppend(&description, description.empty() ? "" : "\n\n", "**Who may call:** ",
                    access->note);
  }
  if (!description.empty()) operation["description"] = description;

  JsonValue parameters = JsonValue::Array();
  std::set<std::string> bound;
  for (const std::string& variable : route.variables) {
    absl::StatusOr<const gpb::FieldDescriptor*> field = ResolveField(request, variable);
    if (!field.ok()) return field.status();
    if ((*field)->is_repeated() || !IsJsonScalar(*field)) {
      return absl::InvalidArgumentError(
          absl::StrCat("path variable {", variable,
                       "} is a repeated or message field; it must be a single value"));
    }
    if (!bound.insert(variable).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("path variable {", variable, "} appears twice"));
    }
    parameters.Push(Parameter(variable, "path", schemas.ValueSchema(*field), Comment(*field)));
  }

  const std::string& body = rule.body();
  if (!body.empty() && body != "*" && request->FindFieldByName(body) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("body \"", body, "\" is not a field of ", request->full_name()));
  }
  if (body != "*") AddQueryParameters(request, bound, body, schemas, parameters);
  if (parameters.size() > 0) operation["parameters"] = std::move(parameters);

  if (!body.empty()) {
    JsonValue schema;
    if (body != "*") {
      schema = schemas.FieldSchema(request->FindFieldByName(body));
    } else if (bound.empty()) {
      schema = schemas.MessageSchema(request);
    } else {
      // The request without the fields the path carries.
      schema = JsonValue::Object();
      schema["type"] = "object";
      const std::string request_comment = Comment(request);
      if (!request_comment.empty()) schema["description"] = request_comment;
      JsonValue& properties = schema["properties"] = JsonValue::Object();
      for (int i = 0; i < request->field_count(); ++i) {
        const gpb::FieldDescriptor* field = request->field(i);
        if (bound.count(field->name()) == 0)
          properties[field->json_name()] = schemas.FieldSchema(field);
      }
    }
    operation["requestBody"]["required"] = JsonValue::Bool(true);
    operation["requestBody"]["content"] = JsonContent(std::move(schema));
  }

  JsonValue response_schema;
  if (!rule.response_body().empty()) {
    const gpb::FieldDescriptor* field =
        method->output_type()->FindFieldByName(rule.response_body());
    if (field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("response_body \"", rule.response_body(),
                                                     "\" is not a field of ",
                                                     method->output_type()->full_name()));
    }
    response_schema = schemas.FieldSchema(field);
  } else {
    response_schema = schemas.MessageSchema(method->output_type());
  }
  JsonValue& ok = operation["responses"]["200"];
  ok["description"] = absl::StrCat("The ", method->output_type()->name(), ".");
  ok["content"] = JsonContent(std::move(response_schema));
  JsonValue& error = operation["responses"]["default"];
  error["description"] = "An error; the HTTP status follows the google.rpc code.";
  JsonValue error_ref = JsonValue::Object();
  error_ref["$ref"] = absl::StrCat("#/components/schemas/", kErrorSchema);
  error["content"] = JsonContent(std::move(error_ref));

  if (access != nullptr) {
    JsonValue& security = operation["security"] = JsonValue::Array();
    security.Push(SecurityRequirement("bearerAuth"));
    security.Push(SecurityRequirement("sessionCookie"));
    if (access->anonymous) security.Push(JsonValue::Object());
    // Roles that may call it; absent when any caller may.
    JsonValue roles = JsonValue::Array();
    for (const char* role : access->roles) {
      if (role != nullptr) roles.Push(role);
    }
    if (roles.size() > 0) operation["x-sofdir-roles"] = std::move(roles);
  }
  return operation;
}

}  // namespace

absl::StatusOr<std::string> BuildOpenApiDocument(const gpb::FileDescriptorSet& files,
                                                 absl::string_view service_name) {
  gpb::SimpleDescriptorDatabase database;
  for (const gpb::FileDescriptorProto& file : files.file()) {
    if (!database.Add(file)) {
      return absl::InvalidArgumentError(
          absl::StrCat("descriptor set: file ", file.name(), " is there twice, differently"));
    }
  }
  CollectingErrors errors;
  gpb::DescriptorPool pool(&database, &errors);
  const gpb::ServiceDescriptor* service = pool.FindServiceByName(std::string(service_name));
  if (service == nullptr) {
    if (!errors.Joined().empty()) {
      return absl::InvalidArgumentError(absl::StrCat("descriptor set: ", errors.Joined()));
    }
    return absl::NotFoundError(absl::StrCat("descriptor set: no service ", service_name));
  }

  OpenApiSchemas schemas;
  schemas.set_package(service->file()->package());
  JsonValue paths = JsonValue::Object();
  for (int i = 0; i < service->method_count(); ++i) {
    const gpb::MethodDescriptor* method = service->method(i);
    if (!method->options().HasExtension(google::api::http)) continue;
    if (method->client_streaming() || method->server_streaming()) continue;
    const google::api::HttpRule& top = method->options().GetExtension(google::api::http);
    std::vector<Binding> bindings = {{&top, method->name()}};
    for (int j = 0; j < top.additional_bindings_size(); ++j) {
      bindings.push_back({&top.additional_bindings(j), absl::StrCat(method->name(), "_", j + 1)});
    }
    for (const Binding& binding : bindings) {
      auto fail = [&](const absl::Status& status) {
        return absl::InvalidArgumentError(
            absl::StrCat("method ", method->full_name(), ": ", status.message()));
      };
      absl::StatusOr<std::string> verb = VerbOf(*binding.rule);
      if (!verb.ok()) return fail(verb.status());
      absl::StatusOr<Template> route = ParseTemplate(TemplateOf(*binding.rule));
      if (!route.ok()) return fail(route.status());
      absl::StatusOr<JsonValue> operation = Operation(method, binding, *route, schemas);
      if (!operation.ok()) return fail(operation.status());
      JsonValue& item = paths[route->path];
      if (item.Find(*verb) != nullptr) {
        return fail(absl::InvalidArgumentError(
            absl::StrCat(absl::AsciiStrToUpper(*verb), " ", route->path, " is bound twice")));
      }
      item[*verb] = std::move(*operation);
    }
  }

  JsonValue document = JsonValue::Object();
  document["openapi"] = "3.0.3";
  JsonValue& info = document["info"];
  info["title"] = "sofdir";
  info["version"] = "v1";
  const std::string service_comment = Comment(service);
  if (!service_comment.empty()) info["description"] = service_comment;
  document["servers"].Push(JsonValue::Object())["url"] = "/";
  JsonValue& tag = document["tags"].Push(JsonValue::Object());
  tag["name"] = service->name();
  if (!service_comment.empty()) tag["description"] = FirstSentence(service_comment);
  JsonValue& session_tag = document["tags"].Push(JsonValue::Object());
  session_tag["name"] = "Session";
  session_tag["description"] = "Signing in from a browser, and this document.";
  document["security"].Push(SecurityRequirement("bearerAuth"));
  document["security"].Push(SecurityRequirement("sessionCookie"));
  AddServerPaths(paths, absl::StrCat("#/components/schemas/", kErrorSchema));
  document["paths"] = std::move(paths);

  JsonValue components = JsonValue::Object();
  components["schemas"] = schemas.components();
  if (components["schemas"].Find(kErrorSchema) != nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "message ", kErrorSchema, " would collide with the error schema of the same name"));
  }
  components["schemas"][kErrorSchema] = ErrorSchema();
  if (components["schemas"].Find(kSessionSchema) != nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "message ", kSessionSchema, " would collide with the session schema of the same name"));
  }
  components["schemas"][kSessionSchema] = SessionSchema();
  JsonValue& bearer = components["securitySchemes"]["bearerAuth"];
  bearer["type"] = "http";
  bearer["scheme"] = "bearer";
  bearer["description"] =
      "A token from the server's auth config, as `Authorization: Bearer <token>`. Without an auth "
      "config every caller is an anonymous admin.";
  JsonValue& cookie = components["securitySchemes"]["sessionCookie"];
  cookie["type"] = "apiKey";
  cookie["in"] = "cookie";
  cookie["name"] = "sofdir_session";
  cookie["description"] =
      "The browser session from `POST /auth/session` with `{\"token\": \"...\"}`. Every request "
      "other than GET or HEAD that carries it must also send the header `X-CSRF-Token` with the "
      "session's csrfToken.";
  document["components"] = std::move(components);
  return document.Serialize(2);
}

absl::StatusOr<std::string> BuildOpenApiDocument() {
  gpb::FileDescriptorSet files;
  const absl::string_view bytes = OpenApiDescriptorSetBytes();
  if (!files.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InternalError("the embedded descriptor set does not parse");
  }
  return BuildOpenApiDocument(files, kOpenApiService);
}

}  // namespace sofdir::http
