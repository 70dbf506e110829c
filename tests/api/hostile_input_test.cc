// Requests a careless or hostile client sends: extreme numbers, enum values
// no version of the proto has, huge or deeply nested text, forged page
// tokens. Each gets an answer (an error naming the field, or a plain
// result), the answer stays small, and the server keeps serving.
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "server/api/server_app.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"
#include "tests/testing/records.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::api {
namespace {

namespace v1 = ::sof::directory::v1;
using ::testing::HasSubstr;
using Stub = v1::DirectoryService::Stub;

constexpr int kIntMax = std::numeric_limits<int>::max();
constexpr int kIntMin = std::numeric_limits<int>::min();

class HostileInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerApp::Options options;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_.Sub("data");
    options.today = [] { return absl::CivilDay(2027, 1, 4); };
    auto app = ServerApp::Start(options);
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    grpc::ChannelArguments args;
    args.SetMaxSendMessageSize(8 << 20);
    stub_ = v1::DirectoryService::NewStub(
        grpc::CreateCustomChannel(app_->address(), grpc::InsecureChannelCredentials(), args));
    auto& d = app_->directory();
    ASSERT_TRUE(d.Create(testing::MakeUnit("unit-1")).ok());
    ASSERT_TRUE(d.Create(testing::MakeTilbud("tilbud-1", "unit-1")).ok());
    ASSERT_TRUE(d.Create(testing::MakePerson("person-1", "unit-1")).ok());
    ASSERT_TRUE(d.Create(testing::MakePraktik("praktik-1", "unit-1")).ok());
  }

  // Runs `call` with a fresh context and checks what every answer must be:
  // OK or the expected code, and a short message.
  void Expect(const std::string& what, grpc::StatusCode code,
              const std::function<grpc::Status(Stub&, grpc::ClientContext&)>& call,
              const std::string& message_part = "") {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    grpc::Status status = call(*stub_, context);
    EXPECT_EQ(status.error_code(), code) << what << ": " << status.error_message().substr(0, 300);
    EXPECT_LE(status.error_message().size(), 1100u) << what;
    if (!message_part.empty()) {
      EXPECT_THAT(status.error_message(), HasSubstr(message_part)) << what;
    }
    ExpectServing(what);
  }

  void ExpectServing(const std::string& after) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::GetRecordRequest request;
    request.set_id("unit-1");
    v1::Record record;
    ASSERT_TRUE(stub_->GetRecord(&context, request, &record).ok()) << "down after " << after;
  }

  testing::TempDir dir_;
  std::unique_ptr<ServerApp> app_;
  std::unique_ptr<Stub> stub_;
};

const auto OK = grpc::StatusCode::OK;
const auto INVALID = grpc::StatusCode::INVALID_ARGUMENT;

TEST_F(HostileInputTest, ExtremePageSizesAndUnknownKindsInListingsAreAnsweredNotFatal) {
  for (int page_size : {kIntMax, kIntMin, -1}) {
    const grpc::StatusCode code = page_size < 0 ? INVALID : OK;
    Expect(absl::StrCat("ListRecords page_size ", page_size), code, [&](Stub& s, auto& c) {
      v1::ListRecordsRequest r;
      r.set_page_size(page_size);
      v1::ListRecordsResponse out;
      return s.ListRecords(&c, r, &out);
    });
    Expect(absl::StrCat("ExportRecords page_size ", page_size), code, [&](Stub& s, auto& c) {
      v1::ExportRecordsRequest r;
      r.set_page_size(page_size);
      v1::ExportRecordsResponse out;
      return s.ExportRecords(&c, r, &out);
    });
    Expect(absl::StrCat("ListChanges page_size ", page_size), code, [&](Stub& s, auto& c) {
      v1::ListChangesRequest r;
      r.set_page_size(page_size);
      v1::ListChangesResponse out;
      return s.ListChanges(&c, r, &out);
    });
    Expect(absl::StrCat("ListAudit page_size ", page_size), code, [&](Stub& s, auto& c) {
      v1::ListAuditRequest r;
      r.set_page_size(page_size);
      v1::ListAuditResponse out;
      return s.ListAudit(&c, r, &out);
    });
    Expect(absl::StrCat("ListStaleRecords page_size ", page_size), code, [&](Stub& s, auto& c) {
      v1::ListStaleRecordsRequest r;
      r.set_older_than_days(kIntMax);
      r.set_page_size(page_size);
      v1::ListStaleRecordsResponse out;
      return s.ListStaleRecords(&c, r, &out);
    });
    Expect(absl::StrCat("ListPraktikOffers page_size ", page_size),
           page_size == kIntMax ? INVALID : code, [&](Stub& s, auto& c) {
             v1::ListPraktikOffersRequest r;
             r.set_page_size(page_size);
             v1::ListPraktikOffersResponse out;
             return s.ListPraktikOffers(&c, r, &out);
           });
    Expect(absl::StrCat("SearchEntries page_size ", page_size), code, [&](Stub& s, auto& c) {
      v1::SearchEntriesRequest r;
      r.set_query("enhed");
      r.set_page_size(page_size);
      v1::SearchEntriesResponse out;
      return s.SearchEntries(&c, r, &out);
    });
    Expect(absl::StrCat("SuggestEntries limit ", page_size), code, [&](Stub& s, auto& c) {
      v1::SuggestEntriesRequest r;
      r.set_prefix("enh");
      r.set_limit(page_size);
      v1::SuggestEntriesResponse out;
      return s.SuggestEntries(&c, r, &out);
    });
    Expect(absl::StrCat("WhoKnows limit ", page_size), code, [&](Stub& s, auto& c) {
      v1::WhoKnowsRequest r;
      r.set_topic("FIT");
      r.set_limit(page_size);
      v1::WhoKnowsResponse out;
      return s.WhoKnows(&c, r, &out);
    });
  }
  for (int kind : {99, -7, kIntMin}) {
    const auto unknown = static_cast<v1::RecordKind>(kind);
    Expect(absl::StrCat("ListRecords kind ", kind), INVALID, [&](Stub& s, auto& c) {
      v1::ListRecordsRequest r;
      r.set_kind(unknown);
      v1::ListRecordsResponse out;
      return s.ListRecords(&c, r, &out);
    });
    Expect(absl::StrCat("ExportRecords kind ", kind), INVALID, [&](Stub& s, auto& c) {
      v1::ExportRecordsRequest r;
      r.set_kind(unknown);
      v1::ExportRecordsResponse out;
      return s.ExportRecords(&c, r, &out);
    });
    Expect(
        absl::StrCat("SearchEntries kinds ", kind), INVALID,
        [&](Stub& s, auto& c) {
          v1::SearchEntriesRequest r;
          r.add_kinds(v1::UNIT);
          r.add_kinds(unknown);
          v1::SearchEntriesResponse out;
          return s.SearchEntries(&c, r, &out);
        },
        "kinds");
  }
  Expect("ListChanges since the end of time", OK, [&](Stub& s, auto& c) {
    v1::ListChangesRequest r;
    r.set_since_sequence(std::numeric_limits<uint64_t>::max());
    v1::ListChangesResponse out;
    return s.ListChanges(&c, r, &out);
  });
  Expect("ListStaleRecords older_than_days INT_MIN", INVALID, [&](Stub& s, auto& c) {
    v1::ListStaleRecordsRequest r;
    r.set_older_than_days(kIntMin);
    v1::ListStaleRecordsResponse out;
    return s.ListStaleRecords(&c, r, &out);
  });
}

TEST_F(HostileInputTest, ForgedPageTokensAndTimestampsAreInvalidArgument) {
  const std::string junk(3 << 20, '\xff');
  Expect("ListRecords junk token", INVALID, [&](Stub& s, auto& c) {
    v1::ListRecordsRequest r;
    r.set_page_token(junk);
    v1::ListRecordsResponse out;
    return s.ListRecords(&c, r, &out);
  });
  Expect("ExportRecords junk token", INVALID, [&](Stub& s, auto& c) {
    v1::ExportRecordsRequest r;
    r.set_page_token("bm90IGEgdG9rZW4");
    v1::ExportRecordsResponse out;
    return s.ExportRecords(&c, r, &out);
  });
  // A token shaped like one for this very query, with the last offset there
  // is: tokens carry a checksum, so a forged one is refused.
  v1::SearchEntriesRequest search;
  search.set_query("enhed");
  v1::SearchEntriesRequest fingerprinted = search;
  const std::string fingerprint =
      absl::StrCat(std::hash<std::string>()(fingerprinted.SerializeAsString()));
  for (int offset : {kIntMax, kIntMax - 5}) {
    search.set_page_token(absl::WebSafeBase64Escape(absl::StrCat(fingerprint, ":", offset)));
    search.set_page_size(100);
    Expect(absl::StrCat("SearchEntries offset ", offset), INVALID, [&](Stub& s, auto& c) {
      v1::SearchEntriesResponse out;
      return s.SearchEntries(&c, search, &out);
    });
  }
  for (int64_t seconds : {std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(),
                          int64_t{-62135596801}}) {
    Expect(
        absl::StrCat("ListAudit since ", seconds), INVALID,
        [&](Stub& s, auto& c) {
          v1::ListAuditRequest r;
          r.mutable_since()->set_seconds(seconds);
          v1::ListAuditResponse out;
          return s.ListAudit(&c, r, &out);
        },
        "since");
  }
  Expect(
      "ListAudit since with negative nanos", INVALID,
      [&](Stub& s, auto& c) {
        v1::ListAuditRequest r;
        r.mutable_since()->set_seconds(1);
        r.mutable_since()->set_nanos(-1);
        v1::ListAuditResponse out;
        return s.ListAudit(&c, r, &out);
      },
      "since");
}

TEST_F(HostileInputTest, HugeAndDeeplyNestedSearchInputIsRefusedNamingTheField) {
  const std::string big(3 << 20, 'a');
  Expect(
      "SearchEntries 3 MB query", INVALID,
      [&](Stub& s, auto& c) {
        v1::SearchEntriesRequest r;
        r.set_query(big);
        v1::SearchEntriesResponse out;
        return s.SearchEntries(&c, r, &out);
      },
      "bytes");
  Expect("SuggestEntries 3 MB prefix", INVALID, [&](Stub& s, auto& c) {
    v1::SuggestEntriesRequest r;
    r.set_prefix(big);
    v1::SuggestEntriesResponse out;
    return s.SuggestEntries(&c, r, &out);
  });
  Expect("WhoKnows 3 MB topic", INVALID, [&](Stub& s, auto& c) {
    v1::WhoKnowsRequest r;
    r.set_topic(big);
    v1::WhoKnowsResponse out;
    return s.WhoKnows(&c, r, &out);
  });
  Expect("SearchEntries 3 MB near_district", INVALID, [&](Stub& s, auto& c) {
    v1::SearchEntriesRequest r;
    r.set_near_district(big);
    v1::SearchEntriesResponse out;
    return s.SearchEntries(&c, r, &out);
  });
  for (int depth : {2000, 100, 33}) {
    std::string nested = std::string(depth, '(') + "kind = tilbud" + std::string(depth, ')');
    Expect(
        absl::StrCat("filter nested ", depth, " deep"), INVALID,
        [&](Stub& s, auto& c) {
          v1::SearchEntriesRequest r;
          r.set_filter(nested);
          v1::SearchEntriesResponse out;
          return s.SearchEntries(&c, r, &out);
        },
        "filter: nested deeper than");
  }
  std::string unclosed(4000, '(');
  Expect("filter of 4000 '('", INVALID, [&](Stub& s, auto& c) {
    v1::SearchEntriesRequest r;
    r.set_filter(unclosed);
    v1::SearchEntriesResponse out;
    return s.SearchEntries(&c, r, &out);
  });
  std::string nots;
  for (int i = 0; i < 1000; ++i) nots += "NOT ";
  Expect("filter of 1000 NOTs", INVALID, [&](Stub& s, auto& c) {
    v1::SearchEntriesRequest r;
    r.set_filter(nots + "kind = tilbud");
    v1::SearchEntriesResponse out;
    return s.SearchEntries(&c, r, &out);
  });
  std::string wide = "kind = tilbud";
  for (int i = 0; i < 250; ++i) wide += " OR kind = unit";
  Expect("filter of 250 ORs", OK, [&](Stub& s, auto& c) {
    v1::SearchEntriesRequest r;
    r.set_filter(wide);
    v1::SearchEntriesResponse out;
    return s.SearchEntries(&c, r, &out);
  });
  // A value the filter echoes is cut short.
  Expect(
      "filter with a 3 KB value", INVALID,
      [&](Stub& s, auto& c) {
        v1::SearchEntriesRequest r;
        r.set_filter("age = " + std::string(3000, '9'));
        v1::SearchEntriesResponse out;
        grpc::Status status = s.SearchEntries(&c, r, &out);
        EXPECT_LT(status.error_message().size(), 300u) << status.error_message();
        return status;
      },
      "...");
}

TEST_F(HostileInputTest, NonFiniteAndOutOfRangeNumbersInSearchAreInvalidArgument) {
  const double nan = std::nan("");
  const double inf = std::numeric_limits<double>::infinity();
  for (auto [lat, lon] : std::vector<std::pair<double, double>>{
           {nan, 12.5}, {55.7, nan}, {inf, 12.5}, {55.7, -inf}, {91, 12.5}, {55.7, 181}}) {
    Expect(
        absl::StrCat("near ", lat, ",", lon), INVALID,
        [&](Stub& s, auto& c) {
          v1::SearchEntriesRequest r;
          r.mutable_near()->set_lat(lat);
          r.mutable_near()->set_lon(lon);
          v1::SearchEntriesResponse out;
          return s.SearchEntries(&c, r, &out);
        },
        "near.");
  }
  Expect("a point near Copenhagen", OK, [&](Stub& s, auto& c) {
    v1::SearchEntriesRequest r;
    r.mutable_near()->set_lat(55.68);
    r.mutable_near()->set_lon(12.57);
    v1::SearchEntriesResponse out;
    return s.SearchEntries(&c, r, &out);
  });
  for (int age : {kIntMin, -1, 121, kIntMax}) {
    Expect(absl::StrCat("age ", age), INVALID, [&](Stub& s, auto& c) {
      v1::SearchEntriesRequest r;
      r.set_age(age);
      v1::SearchEntriesResponse out;
      return s.SearchEntries(&c, r, &out);
    });
  }
  Expect("fresh_days INT_MAX", OK, [&](Stub& s, auto& c) {
    v1::SearchEntriesRequest r;
    r.set_fresh_days(kIntMax);
    v1::SearchEntriesResponse out;
    return s.SearchEntries(&c, r, &out);
  });
}

TEST_F(HostileInputTest, HugeIdsAreAnsweredWithShortMessages) {
  const std::string id = "unit-" + std::string(3 << 20, '7');
  Expect("GetRecord 3 MB id", INVALID, [&](Stub& s, auto& c) {
    v1::GetRecordRequest r;
    r.set_id(id);
    v1::Record out;
    return s.GetRecord(&c, r, &out);
  });
  Expect("DeleteRecord 3 MB id", INVALID, [&](Stub& s, auto& c) {
    v1::DeleteRecordRequest r;
    r.set_id(id);
    google::protobuf::Empty out;
    return s.DeleteRecord(&c, r, &out);
  });
  Expect("GetBooking 3 MB id", grpc::StatusCode::NOT_FOUND, [&](Stub& s, auto& c) {
    v1::GetBookingRequest r;
    r.set_booking_id("booking-" + std::string(3 << 20, '9'));
    v1::Booking out;
    return s.GetBooking(&c, r, &out);
  });
  Expect("CreateRecord 3 MB request_id", INVALID, [&](Stub& s, auto& c) {
    v1::CreateRecordRequest r;
    *r.mutable_record() = testing::MakeUnit("unit-2");
    r.set_request_id(std::string(3 << 20, 'r'));
    v1::Record out;
    return s.CreateRecord(&c, r, &out);
  });
  Expect("ListRecords 3 MB parent", INVALID, [&](Stub& s, auto& c) {
    v1::ListRecordsRequest r;
    r.set_parent(id);
    v1::ListRecordsResponse out;
    return s.ListRecords(&c, r, &out);
  });
  Expect("ListBookings by an offer of 3 MB", INVALID, [&](Stub& s, auto& c) {
    v1::ListBookingsRequest r;
    r.set_offer_id("praktik-" + std::string(3 << 20, '1'));
    v1::ListBookingsResponse out;
    return s.ListBookings(&c, r, &out);
  });
  Expect("CreateRecord with no kind", INVALID, [&](Stub& s, auto& c) {
    v1::CreateRecordRequest r;
    r.mutable_record()->set_etag("x");
    v1::Record out;
    return s.CreateRecord(&c, r, &out);
  });
  Expect("UpdateRecord with no kind and a mask", INVALID, [&](Stub& s, auto& c) {
    v1::UpdateRecordRequest r;
    r.mutable_update_mask()->add_paths("name");
    v1::Record out;
    return s.UpdateRecord(&c, r, &out);
  });
  Expect("VerifyRecord with no id", INVALID, [&](Stub& s, auto& c) {
    v1::VerifyRecordRequest r;
    v1::Record out;
    return s.VerifyRecord(&c, r, &out);
  });
  Expect("ImportRecords with 5001 records", INVALID, [&](Stub& s, auto& c) {
    v1::ImportRecordsRequest r;
    for (int i = 0; i < 5001; ++i) r.add_records();
    v1::ImportRecordsResponse out;
    return s.ImportRecords(&c, r, &out);
  });
}

}  // namespace
}  // namespace sofdir::api
