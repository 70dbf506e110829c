// Request messages from path, query and JSON body; responses to JSON; bad
// input named in the error.
#include "server/http/json_transcoder.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sof/directory/v1/directory_service.pb.h"
#include "sof/directory/v1/praktik.pb.h"

namespace sofdir::http {
namespace {

namespace v1 = ::sof::directory::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

const HttpRouteTable& Table() {
  static const HttpRouteTable* table = new HttpRouteTable(*HttpRouteTable::FromService(
      *v1::SearchEntriesRequest::descriptor()->file()->FindServiceByName("DirectoryService")));
  return *table;
}

absl::Status Build(absl::string_view verb, absl::string_view path, const QueryParams& query,
                   absl::string_view body, google::protobuf::Message* request,
                   size_t max_body = 1 << 20) {
  auto match = Table().Match(verb, path, nullptr);
  EXPECT_TRUE(match.ok()) << match.status();
  EXPECT_EQ(match->route->method->input_type(), request->GetDescriptor());
  return BuildRequest(*match, query, body, {max_body}, request);
}

TEST(JsonTranscoderTest, QueryParametersFillTheRequest) {
  v1::SearchEntriesRequest request;
  QueryParams query = {{"query", "bostøtte"}, {"kinds", "TILBUD"}, {"kinds", "UNIT"},
                       {"onlyFree", "true"},  {"page_size", "20"}, {"near.lat", "55.6"},
                       {"near.lon", "12.5"},  {"age", "17"},       {"legalBasis", "SEL § 107"}};
  ASSERT_TRUE(Build("GET", "/v1/records:search", query, "", &request).ok());
  EXPECT_EQ(request.query(), "bostøtte");
  EXPECT_THAT(request.kinds(), ElementsAre(v1::TILBUD, v1::UNIT));
  EXPECT_TRUE(request.only_free());
  EXPECT_EQ(request.page_size(), 20);
  EXPECT_DOUBLE_EQ(request.near().lat(), 55.6);
  EXPECT_DOUBLE_EQ(request.near().lon(), 12.5);
  ASSERT_TRUE(request.has_age());
  EXPECT_EQ(request.age(), 17);
  EXPECT_EQ(request.legal_basis(), "SEL § 107");
}

TEST(JsonTranscoderTest, BadQueryValuesAreNamed) {
  struct Case {
    QueryParams query;
    const char* expected;
  };
  for (const Case& c : std::vector<Case>{
           {{{"onlyFree", "yes"}}, "query parameter \"onlyFree\": \"yes\" is not a bool"},
           {{{"page_size", "abc"}}, "query parameter \"page_size\": \"abc\" is not a valid"},
           {{{"page_size", "99999999999"}}, "\"99999999999\" is not a valid 32-bit integer"},
           {{{"kinds", "HOUSE"}},
            "query parameter \"kinds\": \"HOUSE\" is not a value of RecordKind"},
           {{{"near.lat", "nan"}}, "query parameter \"near.lat\": \"nan\" is not a finite number"},
           {{{"near.lat", "1e999"}}, "is not a finite number"},
           {{{"colour", "red"}}, "query parameter \"colour\": no field \"colour\""},
           {{{"query.x", "red"}}, "\"query\" is not a message field"},
           {{{"query", "a"}, {"query", "b"}}, "query parameter \"query\": given more than once"},
           {{{"query", "\xff\xfe"}}, "query parameter \"query\": not valid UTF-8"},
       }) {
    v1::SearchEntriesRequest request;
    absl::Status status = Build("GET", "/v1/records:search", c.query, "", &request);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.expected;
    EXPECT_THAT(status.message(), HasSubstr(c.expected));
  }
}

TEST(JsonTranscoderTest, PathValuesAndBodyFillTheRequest) {
  v1::BookPraktikRequest booking;
  ASSERT_TRUE(Build("POST", "/v1/praktik/offer-7/bookings", {},
                    R"({"slotStart":"2027-01-05","name":"Ann","email":"a@kk.dk","unit_id":"u"})",
                    &booking)
                  .ok());
  EXPECT_EQ(booking.offer_id(), "offer-7");
  EXPECT_EQ(booking.slot_start(), "2027-01-05");
  EXPECT_EQ(booking.unit_id(), "u");

  v1::UpdateRecordRequest update;
  ASSERT_TRUE(Build("PATCH", "/v1/records/unit-1", {},
                    R"({"record":{"unit":{"id":"unit-1","name":"X"}},"updateMask":"name"})",
                    &update)
                  .ok());
  EXPECT_EQ(update.id(), "unit-1");
  EXPECT_EQ(update.record().unit().name(), "X");
  EXPECT_THAT(update.update_mask().paths(), ElementsAre("name"));

  v1::GetRecordRequest get;
  ASSERT_TRUE(Build("GET", "/v1/records/unit-1", {}, "", &get).ok());
  EXPECT_EQ(get.id(), "unit-1");
}

TEST(JsonTranscoderTest, BadBodiesAreNamed) {
  struct Case {
    const char* body;
    const char* expected;
  };
  for (const Case& c : std::vector<Case>{
           {"{", "request body: not a valid BookPraktikRequest in JSON"},
           {"[1,2]", "request body: not a valid BookPraktikRequest"},
           {R"({"name": 7})", "request body"},
           {R"({"nmae": "x"})", "nmae"},
           {"{\"name\": \"a\x01\"}", "request body: control character U+0001 at byte 11"},
           {"{\"name\": \"a\xc3\"}", "request body: not valid UTF-8 at byte 11"},
           {R"({"name": "a\u0000b", "email": 1e999999})", "request body"},
       }) {
    v1::BookPraktikRequest request;
    absl::Status status = Build("POST", "/v1/praktik/o/bookings", {}, c.body, &request);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.body;
    EXPECT_THAT(status.message(), HasSubstr(c.expected)) << c.body;
  }
  v1::ListAuditRequest audit;
  QueryParams none;
  absl::Status no_body = Build("GET", "/v1/audit", none, R"({"x":1})", &audit);
  EXPECT_EQ(no_body.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_body.message(), HasSubstr("takes no request body"));
  v1::BookPraktikRequest booking;
  absl::Status query_on_body =
      Build("POST", "/v1/praktik/o/bookings", {{"name", "x"}}, "{}", &booking);
  EXPECT_EQ(query_on_body.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(query_on_body.message(), HasSubstr("query parameter \"name\""));
}

TEST(JsonTranscoderTest, HugeIntegerInBodyIsRefused) {
  v1::SearchEntriesRequest dummy;
  v1::ImportRecordsRequest request;
  absl::Status status = Build("POST", "/v1/records:import", {},
                              R"({"records":[{"unit":{"id":"u","name":"n"},
                                  "createSequence":"123456789012345678901234567890"}]})",
                              &request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(JsonTranscoderTest, BodyAboveTheLimitIsResourceExhausted) {
  v1::ImportRecordsRequest request;
  absl::Status status = Build("POST", "/v1/records:import", {}, std::string(2000, ' '), &request,
                              /*max_body=*/1000);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(status.message(), HasSubstr("2000 bytes is above the limit of 1000"));
}

TEST(JsonTranscoderTest, QueryStringIsDecoded) {
  auto params = ParseQueryString("query=b%C3%B8rn+og+unge&kinds=UNIT&kinds=TILBUD&&empty=");
  ASSERT_TRUE(params.ok()) << params.status();
  EXPECT_THAT(*params, ElementsAre(Pair("empty", ""), Pair("kinds", "UNIT"),
                                   Pair("kinds", "TILBUD"), Pair("query", "børn og unge")));
  auto bad = ParseQueryString("query=%zz");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("query=%zz"));
}

TEST(JsonTranscoderTest, ResponseIsLowerCamelCaseJson) {
  v1::SearchResult result;
  result.set_id("u1");
  result.set_kind(v1::TILBUD);
  result.set_unit_name("Enhed");
  result.set_free_places(0);
  auto json = ResponseToJson(result);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, R"({"id":"u1","kind":"TILBUD","unitName":"Enhed","freePlaces":0})");
}

}  // namespace
}  // namespace sofdir::http
