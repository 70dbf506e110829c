// Every route of the HTTP/JSON API with a plain HTTP client, against a real
// server without an auth config (every caller an admin) and with a backup
// directory: each answers 200 with the JSON its method returns, and the set
// of methods called is every annotated method of DirectoryService.
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "google/api/annotations.pb.h"
#include "gtest/gtest.h"
#include "sof/directory/v1/directory_service.pb.h"
#include "tests/http/http_fixture.h"
#include "tests/testing/records.h"

namespace sofdir::http {
namespace {

namespace gpb = ::google::protobuf;

// The string at `path` inside `json` ("" when any step is missing).
std::string Str(const gpb::Struct& json, const std::string& first, const std::string& second = "") {
  auto it = json.fields().find(first);
  if (it == json.fields().end()) return "";
  if (second.empty()) return it->second.string_value();
  const auto& inner = it->second.struct_value().fields();
  auto leaf = inner.find(second);
  return leaf == inner.end() ? "" : leaf->second.string_value();
}

class HttpEveryRouteTest : public HttpFixture {
 protected:
  void SetUp() override {
    api::ServerApp::Options options;
    options.backup_dir = dir_.Sub("backups");
    Start("", options);
    auto& d = app_->directory();
    ASSERT_TRUE(d.Create(testing::MakeUnit("unit-1", "", "Kløverhuset")).ok());
    ASSERT_TRUE(d.Create(testing::MakeTilbud("tilbud-1", "unit-1")).ok());
    ASSERT_TRUE(d.Create(testing::MakePerson("person-1", "unit-1")).ok());
    ASSERT_TRUE(d.Create(testing::MakePraktik("praktik-1", "unit-1")).ok());
  }

  // Calls `verb path` (with `body` for POST and PATCH), expects 200 and
  // returns the JSON; notes `method` as called.
  gpb::Struct Call(const std::string& method, const std::string& verb, const std::string& path,
                   const std::string& body = "") {
    called_.insert(method);
    httplib::Result result = verb == "GET"      ? client_->Get(path)
                             : verb == "DELETE" ? client_->Delete(path)
                             : verb == "PATCH"  ? client_->Patch(path, body, "application/json")
                                                : client_->Post(path, body, "application/json");
    EXPECT_TRUE(result) << method;
    if (!result) return {};
    EXPECT_EQ(result->status, 200) << method << " " << verb << " " << path << ": " << result->body;
    EXPECT_THAT(result->get_header_value("Content-Type"), ::testing::HasSubstr("json")) << method;
    return result->body.empty() ? gpb::Struct() : Json(result);
  }

  static bool Has(const gpb::Struct& json, const std::string& field) {
    return json.fields().contains(field);
  }

  std::set<std::string> called_;
};

TEST_F(HttpEveryRouteTest, EveryRouteAnswersWithItsMethodsJson) {
  EXPECT_EQ(Str(Call("GetRecord", "GET", "/v1/records/unit-1"), "unit", "id"), "unit-1");
  EXPECT_TRUE(Has(Call("ListRecords", "GET", "/v1/records?kind=UNIT"), "records"));
  EXPECT_EQ(Str(Call("CreateRecord", "POST", "/v1/records",
                     R"({"record":{"unit":{"id":"unit-9","name":"Ny enhed","area":"Handicap"}}})"),
                "unit", "name"),
            "Ny enhed");
  EXPECT_EQ(
      Str(Call("UpdateRecord", "PATCH", "/v1/records/unit-9",
               R"({"record":{"unit":{"id":"unit-9","name":"Nyt navn"}},"updateMask":"name"})"),
          "unit", "name"),
      "Nyt navn");
  EXPECT_TRUE(Has(Call("VerifyRecord", "POST", "/v1/records/unit-9:verify", "{}"), "unit"));
  Call("DeleteRecord", "DELETE", "/v1/records/unit-9");
  EXPECT_TRUE(Has(Call("ImportRecords", "POST", "/v1/records:import",
                       R"({"records":[{"unit":{"id":"unit-8","name":"Importeret","area":"Handicap"}}]})"),
                  "results"));
  EXPECT_TRUE(Has(Call("ExportRecords", "GET", "/v1/records:export"), "records"));
  EXPECT_TRUE(Has(Call("ListChanges", "GET", "/v1/changes"), "changes"));
  EXPECT_TRUE(
      Has(Call("SearchEntries", "GET", "/v1/records:search?query=Kl%C3%B8verhuset"), "results"));
  EXPECT_TRUE(Has(Call("SuggestEntries", "GET", "/v1/records:suggest?prefix=Kl"), "suggestions"));
  Call("WhoKnows", "GET", "/v1/records:whoKnows?topic=autisme");
  Call("ListStaleRecords", "GET", "/v1/records:stale?olderThanDays=1");
  EXPECT_TRUE(Has(Call("ListAudit", "GET", "/v1/audit"), "entries"));
  EXPECT_TRUE(Has(Call("ListPraktikOffers", "GET", "/v1/praktik"), "offers"));

  const gpb::Struct booking =
      Call("BookPraktik", "POST", "/v1/praktik/praktik-1/bookings",
           R"({"slotStart":"2027-03-16","name":"Rita Hansen","email":"rita@kk.dk"})");
  const std::string id = Str(booking, "bookingId");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Str(booking, "status"), "CONFIRMED");
  EXPECT_EQ(Str(Call("GetBooking", "GET", "/v1/bookings/" + id), "bookingId"), id);
  EXPECT_TRUE(Has(Call("ListBookings", "GET", "/v1/bookings?email=rita%40kk.dk"), "bookings"));
  EXPECT_THAT(Str(Call("GetBookingCalendar", "GET", "/v1/bookings/" + id + "/calendar"), "ics"),
              ::testing::HasSubstr("BEGIN:VCALENDAR"));
  EXPECT_EQ(Str(Call("CancelBooking", "POST", "/v1/bookings/" + id + ":cancel", "{}"), "status"),
            "CANCELLED");

  EXPECT_TRUE(Has(Call("CreateBackup", "POST", "/v1/backups", "{}"), "sequence"));
  EXPECT_TRUE(Has(Call("ListBackups", "GET", "/v1/backups"), "backups"));
  EXPECT_TRUE(Has(Call("ListOutbox", "GET", "/v1/outbox"), "messages"));

  std::set<std::string> annotated;
  const gpb::ServiceDescriptor* service =
      sof::directory::v1::GetRecordRequest::descriptor()->file()->FindServiceByName(
          "DirectoryService");
  ASSERT_NE(service, nullptr);
  for (int i = 0; i < service->method_count(); ++i) {
    if (service->method(i)->options().HasExtension(google::api::http)) {
      annotated.insert(service->method(i)->name());
    }
  }
  EXPECT_EQ(called_, annotated);
}

}  // namespace
}  // namespace sofdir::http
