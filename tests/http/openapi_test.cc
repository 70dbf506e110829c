// The OpenAPI document of the HTTP/JSON API: what a client generator reads.
#include "server/http/openapi.h"

#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/api/annotations.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::http {
namespace {

namespace gpb = google::protobuf;
using ::testing::HasSubstr;

// Parses with protobuf's JSON parser: an independent reader of the text.
gpb::Value ParseJson(const std::string& text) {
  gpb::Value value;
  const auto status = gpb::util::JsonStringToMessage(text, &value);
  EXPECT_TRUE(status.ok()) << status;
  return value;
}

const gpb::Value* Member(const gpb::Value* value, const std::string& key) {
  if (value == nullptr || !value->has_struct_value()) return nullptr;
  const auto& fields = value->struct_value().fields();
  auto it = fields.find(key);
  return it == fields.end() ? nullptr : &it->second;
}

const gpb::Value* At(const gpb::Value& root, const std::vector<std::string>& keys) {
  const gpb::Value* value = &root;
  for (const std::string& key : keys) value = Member(value, key);
  return value;
}

std::string Str(const gpb::Value* value) {
  return value != nullptr && value->has_string_value() ? value->string_value() : "<missing>";
}

const gpb::Value* Parameter(const gpb::Value* operation, const std::string& name) {
  const gpb::Value* parameters = Member(operation, "parameters");
  if (parameters == nullptr) return nullptr;
  for (const gpb::Value& parameter : parameters->list_value().values()) {
    if (Str(Member(&parameter, "name")) == name) return &parameter;
  }
  return nullptr;
}

std::vector<std::string> Strings(const gpb::Value* list) {
  std::vector<std::string> out;
  if (list == nullptr) return out;
  for (const gpb::Value& value : list->list_value().values()) out.push_back(Str(&value));
  return out;
}

class OpenApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::string> text = BuildOpenApiDocument();
    ASSERT_TRUE(text.ok()) << text.status();
    text_ = new std::string(*text);
    doc_ = new gpb::Value(ParseJson(*text_));
  }
  static void TearDownTestSuite() {
    delete doc_;
    delete text_;
  }
  static const gpb::Value& doc() { return *doc_; }
  static const gpb::Value* Op(const std::string& path, const std::string& verb) {
    return At(doc(), {"paths", path, verb});
  }
  static const gpb::Value* Schema(const std::string& name) {
    return At(doc(), {"components", "schemas", name});
  }

  static std::string* text_;
  static gpb::Value* doc_;
};

std::string* OpenApiTest::text_ = nullptr;
gpb::Value* OpenApiTest::doc_ = nullptr;

TEST_F(OpenApiTest, IsOpenApi303JsonWithInfoFromTheServiceComment) {
  EXPECT_EQ(Str(At(doc(), {"openapi"})), "3.0.3");
  EXPECT_EQ(Str(At(doc(), {"info", "title"})), "sofdir");
  EXPECT_EQ(Str(At(doc(), {"info", "version"})), "v1");
  EXPECT_THAT(Str(At(doc(), {"info", "description"})),
              HasSubstr("The SOF knowledge directory: units, tilbud, partners"));
  const gpb::Value* servers = At(doc(), {"servers"});
  ASSERT_NE(servers, nullptr);
  ASSERT_EQ(servers->list_value().values_size(), 1);
  EXPECT_EQ(Str(Member(&servers->list_value().values(0), "url")), "/");
}

struct Route {
  const char* method;
  const char* verb;
  const char* path;
};

// The routes of the HTTP contract (the annotations on main), as a client sees them.
const Route kRoutes[] = {
    {"GetRecord", "get", "/v1/records/{id}"},
    {"ListRecords", "get", "/v1/records"},
    {"CreateRecord", "post", "/v1/records"},
    {"UpdateRecord", "patch", "/v1/records/{id}"},
    {"DeleteRecord", "delete", "/v1/records/{id}"},
    {"ImportRecords", "post", "/v1/records:import"},
    {"ExportRecords", "get", "/v1/records:export"},
    {"ListChanges", "get", "/v1/changes"},
    {"SearchEntries", "get", "/v1/records:search"},
    {"SuggestEntries", "get", "/v1/records:suggest"},
    {"WhoKnows", "get", "/v1/records:whoKnows"},
    {"VerifyRecord", "post", "/v1/records/{id}:verify"},
    {"ListStaleRecords", "get", "/v1/records:stale"},
    {"ListAudit", "get", "/v1/audit"},
    {"ListPraktikOffers", "get", "/v1/praktik"},
    {"BookPraktik", "post", "/v1/praktik/{offer_id}/bookings"},
    {"CancelBooking", "post", "/v1/bookings/{booking_id}:cancel"},
    {"GetBooking", "get", "/v1/bookings/{booking_id}"},
    {"ListBookings", "get", "/v1/bookings"},
    {"GetBookingCalendar", "get", "/v1/bookings/{booking_id}/calendar"},
};

TEST_F(OpenApiTest, EveryRouteIsAnOperationNamedByItsMethod) {
  for (const Route& route : kRoutes) {
    SCOPED_TRACE(route.method);
    const gpb::Value* operation = Op(route.path, route.verb);
    ASSERT_NE(operation, nullptr) << route.verb << " " << route.path;
    EXPECT_EQ(Str(Member(operation, "operationId")), route.method);
    EXPECT_NE(At(*operation, {"responses", "200", "content", "application/json", "schema"}),
              nullptr);
    EXPECT_EQ(Str(At(*operation,
                     {"responses", "default", "content", "application/json", "schema", "$ref"})),
              "#/components/schemas/Error");
  }
}

TEST_F(OpenApiTest, EveryAnnotatedMethodOfTheServiceIsThereAndNoOther) {
  // The generated pool: what the server compiled, independent of the
  // embedded descriptor set.
  const gpb::ServiceDescriptor* service =
      sof::directory::v1::GetRecordRequest::descriptor()->file()->FindServiceByName(
          "DirectoryService");
  ASSERT_NE(service, nullptr);
  std::set<std::string> annotated;
  for (int i = 0; i < service->method_count(); ++i) {
    const gpb::MethodDescriptor* method = service->method(i);
    if (method->options().HasExtension(google::api::http)) annotated.insert(method->name());
  }
  ASSERT_GE(annotated.size(), 20u);
  std::set<std::string> operations;
  for (const auto& [path, item] : At(doc(), {"paths"})->struct_value().fields()) {
    if (path == "/auth/session" || path == "/v1/openapi.json") continue;  // no proto method
    for (const auto& [verb, operation] : item.struct_value().fields()) {
      EXPECT_TRUE(operations.insert(Str(Member(&operation, "operationId"))).second)
          << "operationId twice: " << verb << " " << path;
    }
  }
  EXPECT_EQ(operations, annotated);
  EXPECT_EQ(operations.count("WatchChanges"), 0u);  // a stream, no route
}

TEST_F(OpenApiTest, PathVariablesAreRequiredTypedPathParameters) {
  const gpb::Value* id = Parameter(Op("/v1/records/{id}", "get"), "id");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(Str(Member(id, "in")), "path");
  EXPECT_TRUE(Member(id, "required")->bool_value());
  EXPECT_EQ(Str(At(*id, {"schema", "type"})), "string");

  const gpb::Value* offer = Parameter(Op("/v1/praktik/{offer_id}/bookings", "post"), "offer_id");
  ASSERT_NE(offer, nullptr);
  EXPECT_EQ(Str(Member(offer, "in")), "path");
  EXPECT_TRUE(Member(offer, "required")->bool_value());
}

TEST_F(OpenApiTest, BodyStarIsTheRequestWithoutThePathFields) {
  const gpb::Value* body = At(*Op("/v1/records/{id}", "patch"),
                              {"requestBody", "content", "application/json", "schema"});
  ASSERT_NE(body, nullptr);
  const gpb::Value* properties = Member(body, "properties");
  ASSERT_NE(properties, nullptr);
  EXPECT_NE(Member(properties, "record"), nullptr);
  EXPECT_EQ(Str(Member(Member(properties, "updateMask"), "type")), "string");  // FieldMask
  EXPECT_EQ(Member(properties, "id"), nullptr);                                // in the path
  // A body-less GET takes no body; a body "*" POST takes all but the path.
  EXPECT_EQ(Member(Op("/v1/records/{id}", "get"), "requestBody"), nullptr);
  EXPECT_EQ(Str(At(*Op("/v1/records", "post"),
                   {"requestBody", "content", "application/json", "schema", "$ref"})),
            "#/components/schemas/CreateRecordRequest");
  EXPECT_EQ(Member(Op("/v1/records", "post"), "parameters"), nullptr);
}

TEST_F(OpenApiTest, SearchEntriesTakesItsFieldsAsQueryParameters) {
  const gpb::Value* search = Op("/v1/records:search", "get");
  ASSERT_NE(search, nullptr);
  EXPECT_EQ(Member(search, "requestBody"), nullptr);

  const gpb::Value* query = Parameter(search, "query");
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(Str(Member(query, "in")), "query");
  EXPECT_FALSE(Member(query, "required")->bool_value());
  EXPECT_EQ(Str(At(*query, {"schema", "type"})), "string");
  EXPECT_THAT(Str(Member(query, "description")), HasSubstr("What the user typed"));

  const gpb::Value* kinds = Parameter(search, "kinds");
  ASSERT_NE(kinds, nullptr);
  EXPECT_EQ(Str(At(*kinds, {"schema", "type"})), "array");
  EXPECT_TRUE(Member(kinds, "explode")->bool_value());
  EXPECT_EQ(Str(Member(kinds, "style")), "form");
  EXPECT_THAT(Strings(At(*kinds, {"schema", "items", "enum"})),
              ::testing::ElementsAre("RECORD_KIND_UNSPECIFIED", "UNIT", "TILBUD", "PARTNER",
                                     "PRAKTIK", "PERSON"));

  const gpb::Value* page_size = Parameter(search, "pageSize");
  ASSERT_NE(page_size, nullptr);
  EXPECT_EQ(Str(At(*page_size, {"schema", "type"})), "integer");
  EXPECT_EQ(Str(At(*page_size, {"schema", "format"})), "int32");

  // A message field's scalars one level down, by dotted JSON names.
  EXPECT_EQ(Str(At(*Parameter(search, "near.lat"), {"schema", "type"})), "number");
  EXPECT_NE(Parameter(search, "nearDistrict"), nullptr);
  EXPECT_EQ(Str(At(*Parameter(search, "onlyFree"), {"schema", "type"})), "boolean");
  EXPECT_EQ(Parameter(search, "near"), nullptr);
  EXPECT_EQ(Parameter(search, "page_size"), nullptr);  // JSON names only

  // Timestamps are strings in a query too.
  EXPECT_EQ(Str(At(*Parameter(Op("/v1/audit", "get"), "since"), {"schema", "format"})),
            "date-time");
}

TEST_F(OpenApiTest, SixtyFourBitIntegersAreStringsAndOthersTheirJsonTypes) {
  EXPECT_EQ(Str(At(*Schema("SearchEntriesResponse"), {"properties", "totalSize", "type"})),
            "string");
  EXPECT_EQ(Str(At(*Schema("SearchEntriesResponse"), {"properties", "totalSize", "format"})),
            "int64");
  EXPECT_EQ(Str(At(*Schema("Record"), {"properties", "createSequence", "type"})), "string");
  // uint64 as a query parameter too.
  EXPECT_EQ(Str(At(*Parameter(Op("/v1/changes", "get"), "sinceSequence"), {"schema", "type"})),
            "string");
  EXPECT_EQ(Str(At(*Schema("Tilbud"), {"properties", "ageMin", "type"})), "integer");
  EXPECT_EQ(Str(At(*Schema("SearchResult"), {"properties", "score", "type"})), "number");
  EXPECT_EQ(Str(At(*Schema("Partner"), {"properties", "internal", "type"})), "boolean");
  EXPECT_EQ(Str(At(*Schema("Record"), {"properties", "verifiedTime", "type"})), "string");
  EXPECT_EQ(Str(At(*Schema("Record"), {"properties", "verifiedTime", "format"})), "date-time");
  EXPECT_EQ(Str(At(*Schema("Unit"), {"properties", "aliases", "type"})), "array");
  EXPECT_EQ(Str(At(*Schema("Unit"), {"properties", "aliases", "items", "type"})), "string");
  EXPECT_THAT(Strings(At(*Schema("Booking"), {"properties", "status", "enum"})),
              ::testing::Contains("WAITLISTED"));
  // Empty is an empty object.
  EXPECT_EQ(Str(At(*Op("/v1/records/{id}", "delete"),
                   {"responses", "200", "content", "application/json", "schema", "type"})),
            "object");
}

TEST_F(OpenApiTest, PropertiesUseLowerCamelCaseJsonNames) {
  const gpb::Value* properties = At(*Schema("Tilbud"), {"properties"});
  ASSERT_NE(properties, nullptr);
  EXPECT_NE(Member(properties, "freePlaces"), nullptr);
  EXPECT_NE(Member(properties, "contactPersonId"), nullptr);
  EXPECT_EQ(Member(properties, "free_places"), nullptr);
}

TEST_F(OpenApiTest, CommentsBecomeSummariesAndDescriptions) {
  const gpb::Value* get = Op("/v1/records/{id}", "get");
  EXPECT_EQ(Str(Member(get, "summary")), "Returns one record.");
  EXPECT_THAT(Str(Member(get, "description")), HasSubstr("NOT_FOUND when no record has the id."));
  // Leading comment of a field.
  EXPECT_THAT(Str(At(*Schema("Record"), {"properties", "etag", "description"})),
              HasSubstr("Output only on reads; on Update and Delete an optional precondition"));
  // Trailing comment of a field.
  EXPECT_EQ(Str(At(*Schema("Tilbud"), {"properties", "ageMax", "description"})),
            "0..120 (99 = no upper limit)");
  // Message comments, and enum value comments.
  EXPECT_THAT(Str(At(*Schema("Unit"), {"description"})), HasSubstr("An organisational unit"));
  EXPECT_THAT(Str(At(*Schema("Booking"), {"properties", "status", "description"})),
              HasSubstr("`CONFIRMED`: holds a seat"));
  // A method without a comment is summarised by its name.
  EXPECT_EQ(Str(Member(Op("/v1/bookings/{booking_id}", "get"), "summary")), "GetBooking");
}

TEST_F(OpenApiTest, OneofMembersAreOptionalPropertiesReferringToTheirMessages) {
  const gpb::Value* record = Schema("Record");
  ASSERT_NE(record, nullptr);
  EXPECT_THAT(Str(Member(record, "description")), HasSubstr("oneof `kind`"));
  const gpb::Value* unit = At(*record, {"properties", "unit"});
  ASSERT_NE(unit, nullptr);
  EXPECT_EQ(Member(record, "required"), nullptr);
  const gpb::Value* all_of = Member(unit, "allOf");
  ASSERT_NE(all_of, nullptr);
  EXPECT_EQ(Str(Member(&all_of->list_value().values(0), "$ref")), "#/components/schemas/Unit");
  EXPECT_THAT(Str(Member(unit, "description")), HasSubstr("Member of oneof `kind`"));
}

void CollectRefs(const gpb::Value& value, std::vector<std::string>& refs) {
  if (value.has_struct_value()) {
    for (const auto& [key, member] : value.struct_value().fields()) {
      if (key == "$ref") refs.push_back(Str(&member));
      CollectRefs(member, refs);
    }
  } else if (value.has_list_value()) {
    for (const gpb::Value& element : value.list_value().values()) CollectRefs(element, refs);
  }
}

TEST_F(OpenApiTest, EveryReferenceNamesAComponent) {
  std::vector<std::string> refs;
  CollectRefs(doc(), refs);
  ASSERT_GT(refs.size(), 20u);
  for (const std::string& ref : refs) {
    ASSERT_THAT(ref, ::testing::StartsWith("#/components/schemas/"));
    EXPECT_NE(Schema(ref.substr(strlen("#/components/schemas/"))), nullptr) << ref;
  }
}

TEST_F(OpenApiTest, ErrorSchemaIsTheGatewaysErrorJson) {
  const gpb::Value* error = At(*Schema("Error"), {"properties", "error", "properties"});
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(Str(At(*error, {"code", "type"})), "integer");
  EXPECT_EQ(Str(At(*error, {"status", "type"})), "string");
  EXPECT_EQ(Str(At(*error, {"message", "type"})), "string");
}

TEST_F(OpenApiTest, SecuritySchemesAndRolesPerOperation) {
  const gpb::Value* schemes = At(doc(), {"components", "securitySchemes"});
  EXPECT_EQ(Str(At(*schemes, {"bearerAuth", "type"})), "http");
  EXPECT_EQ(Str(At(*schemes, {"bearerAuth", "scheme"})), "bearer");
  EXPECT_EQ(Str(At(*schemes, {"sessionCookie", "type"})), "apiKey");
  EXPECT_EQ(Str(At(*schemes, {"sessionCookie", "in"})), "cookie");
  EXPECT_EQ(Str(At(*schemes, {"sessionCookie", "name"})), "sofdir_session");

  const gpb::Value* import = Op("/v1/records:import", "post");
  EXPECT_THAT(Strings(Member(import, "x-sofdir-roles")), ::testing::ElementsAre("admin"));
  EXPECT_THAT(Str(Member(import, "description")), HasSubstr("**Who may call:** Role admin."));
  // Search admits anonymous callers (an empty security requirement).
  const gpb::Value* security = Member(Op("/v1/records:search", "get"), "security");
  ASSERT_NE(security, nullptr);
  ASSERT_EQ(security->list_value().values_size(), 3);
  EXPECT_EQ(security->list_value().values(2).struct_value().fields_size(), 0);
  EXPECT_EQ(Member(Op("/v1/records:search", "get"), "x-sofdir-roles"), nullptr);
  EXPECT_THAT(Strings(Member(Op("/v1/bookings", "get"), "x-sofdir-roles")),
              ::testing::ElementsAre("booker", "editor", "admin"));
}

TEST_F(OpenApiTest, SignInAndTheDocumentItselfAreDescribed) {
  const gpb::Value* post = Op("/auth/session", "post");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(Str(Member(post, "operationId")), "CreateSession");
  EXPECT_EQ(Str(At(*post, {"requestBody", "content", "application/json", "schema", "properties",
                           "token", "type"})),
            "string");
  EXPECT_EQ(Str(At(*post, {"responses", "200", "content", "application/json", "schema", "$ref"})),
            "#/components/schemas/Session");
  ASSERT_NE(Op("/auth/session", "get"), nullptr);
  const gpb::Value* del = Op("/auth/session", "delete");
  ASSERT_NE(del, nullptr);
  const gpb::Value* parameters = Member(del, "parameters");
  ASSERT_NE(parameters, nullptr);
  ASSERT_EQ(parameters->list_value().values_size(), 1);
  EXPECT_EQ(Str(Member(&parameters->list_value().values(0), "name")), "X-CSRF-Token");
  EXPECT_THAT(Str(Member(del, "description")), HasSubstr("X-CSRF-Token"));
  const gpb::Value* session = Schema("Session");
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(Str(At(*session, {"properties", "csrfToken", "type"})), "string");
  EXPECT_EQ(Str(At(*session, {"properties", "signedIn", "type"})), "boolean");
  EXPECT_EQ(Str(Member(Op("/v1/openapi.json", "get"), "operationId")), "GetOpenApiDocument");
}

TEST_F(OpenApiTest, TheDocumentIsPrettyPrintedUtf8) {
  EXPECT_THAT(*text_, ::testing::StartsWith("{\n  \"openapi\": \"3.0.3\""));
  EXPECT_THAT(*text_, HasSubstr("æ/ø/å"));  // from SearchEntries' comment, unescaped
}

// Descriptor sets built by hand, for what the real protos do not show.
gpb::FileDescriptorSet Files(const std::string& text) {
  gpb::FileDescriptorProto file;
  EXPECT_TRUE(gpb::TextFormat::ParseFromString(text, &file)) << text;
  gpb::FileDescriptorSet files;
  *files.add_file() = file;
  return files;
}

std::string TestProto(const std::string& http_rule) {
  return R"pb(
           name: "t/test.proto"
           package: "t"
           syntax: "proto3"
           message_type {
             name: "Node"
             field { name: "name" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
             field {
               name: "children"
               number: 2
               type: TYPE_MESSAGE
               label: LABEL_REPEATED
               type_name: ".t.Node"
             }
             field {
               name: "labels"
               number: 3
               type: TYPE_MESSAGE
               label: LABEL_REPEATED
               type_name: ".t.Node.LabelsEntry"
             }
             nested_type {
               name: "LabelsEntry"
               field { name: "key" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
               field { name: "value" number: 2 type: TYPE_INT64 label: LABEL_OPTIONAL }
               options { map_entry: true }
             }
           }
           message_type {
             name: "PutNodeRequest"
             field { name: "node_name" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
             field {
               name: "node"
               number: 2
               type: TYPE_MESSAGE
               label: LABEL_OPTIONAL
               type_name: ".t.Node"
             }
             field { name: "dry_run" number: 3 type: TYPE_BOOL label: LABEL_OPTIONAL }
           }
           service { name: "S"
                     method { name: "PutNode" input_type: ".t.PutNodeRequest" output_type: ".t.Node"
                              options {
                                [google.api.http] {)pb" +
         http_rule + R"pb(}
                          }
      }
    }
  )pb";
}

TEST(OpenApiFromDescriptorsTest, PatternsFieldBodiesMapsAndRecursion) {
  absl::StatusOr<std::string> text = BuildOpenApiDocument(
      Files(TestProto(R"(put: "/v1/{node_name=nodes/*}:put" body: "node")")), "t.S");
  ASSERT_TRUE(text.ok()) << text.status();
  gpb::Value doc = ParseJson(*text);
  const gpb::Value* put = At(doc, {"paths", "/v1/{node_name}:put", "put"});
  ASSERT_NE(put, nullptr) << *text;
  EXPECT_EQ(Str(Member(Parameter(put, "node_name"), "in")), "path");
  EXPECT_EQ(Str(Member(Parameter(put, "dryRun"), "in")), "query");
  EXPECT_EQ(Parameter(put, "node"), nullptr);  // the body
  EXPECT_EQ(Str(At(*put, {"requestBody", "content", "application/json", "schema", "$ref"})),
            "#/components/schemas/Node");
  const gpb::Value* node = At(doc, {"components", "schemas", "Node", "properties"});
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(Str(At(*node, {"children", "items", "$ref"})), "#/components/schemas/Node");
  EXPECT_EQ(Str(At(*node, {"labels", "type"})), "object");
  EXPECT_EQ(Str(At(*node, {"labels", "additionalProperties", "type"})), "string");
  EXPECT_EQ(At(doc, {"components", "schemas", "Node.LabelsEntry"}), nullptr);
}

TEST(OpenApiFromDescriptorsTest, BadBindingsAreRefusedNamingTheProblem) {
  struct Case {
    const char* rule;
    const char* error;
  };
  const Case cases[] = {
      {R"(get: "/v1/{nope}")", "message t.PutNodeRequest has no field nope"},
      {R"(get: "v1/x")", "must start with '/'"},
      {R"(get: "/v1/{node_name")", "has a '{' without '}'"},
      {R"(get: "/v1/{node}")", "path variable {node} is a repeated or message field"},
      {R"(post: "/v1/x" body: "missing")", "body \"missing\" is not a field of t.PutNodeRequest"},
      {R"(custom { kind: "FETCH" path: "/v1/x" })", "custom verb \"FETCH\""},
      {R"(get: "/v1/x" additional_bindings { get: "/v1/x" })", "GET /v1/x is bound twice"},
      {R"(body: "*")", "names no HTTP verb"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule);
    absl::StatusOr<std::string> text = BuildOpenApiDocument(Files(TestProto(c.rule)), "t.S");
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(text.status().message(), HasSubstr("method t.S.PutNode: "));
    EXPECT_THAT(text.status().message(), HasSubstr(c.error));
  }
}

TEST(OpenApiFromDescriptorsTest, MissingServiceOrImportIsAnError) {
  gpb::FileDescriptorSet files = Files(TestProto(R"(get: "/v1/x")"));
  absl::StatusOr<std::string> missing = BuildOpenApiDocument(files, "t.Nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("no service t.Nope"));

  files.mutable_file(0)->add_dependency("t/absent.proto");
  absl::StatusOr<std::string> broken = BuildOpenApiDocument(files, "t.S");
  EXPECT_EQ(broken.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(broken.status().message(), HasSubstr("t/test.proto"));
}

}  // namespace
}  // namespace sofdir::http
