// Booking under concurrency, through the real server and real gRPC.
#include <algorithm>
#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

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

class BookingRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerApp::Options options;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_.Sub("data");
    options.worker_threads = 8;
    options.today = [] { return absl::CivilDay(2027, 1, 4); };
    auto app = ServerApp::Start(options);
    ASSERT_TRUE(app.ok()) << app.status();
    app_ = *std::move(app);
    ASSERT_TRUE(app_->directory().Create(testing::MakeUnit("unit-1")).ok());
    v1::Record offer = testing::MakePraktik("praktik-1", "unit-1");
    offer.mutable_praktik()->mutable_slots(0)->set_seats(5);
    ASSERT_TRUE(app_->directory().Create(offer).ok());
  }

  std::unique_ptr<v1::DirectoryService::Stub> NewStub(int channel_id) {
    grpc::ChannelArguments args;
    args.SetInt("sofdir.test_channel", channel_id);  // one connection per client
    return v1::DirectoryService::NewStub(
        grpc::CreateCustomChannel(app_->address(), grpc::InsecureChannelCredentials(), args));
  }

  static v1::BookPraktikRequest Request(int who, const std::string& request_id = "") {
    v1::BookPraktikRequest request;
    request.set_offer_id("praktik-1");
    request.set_slot_start("2027-03-16");
    request.set_name("Person " + std::to_string(who));
    request.set_email("p" + std::to_string(who) + "@sof.example.dk");
    request.set_request_id(request_id.empty() ? "race-" + std::to_string(who) : request_id);
    return request;
  }

  v1::ListBookingsResponse OfferBookings() {
    v1::ListBookingsRequest request;
    request.set_offer_id("praktik-1");
    auto list = app_->directory().LastSequence();  // keep the directory warm
    (void)list;
    grpc::ClientContext context;
    v1::ListBookingsResponse response;
    EXPECT_TRUE(NewStub(999)->ListBookings(&context, request, &response).ok());
    return response;
  }

  testing::TempDir dir_;
  std::unique_ptr<ServerApp> app_;
};

TEST_F(BookingRaceTest, SixtyFourClientsRaceForFiveSeats) {
  constexpr int kClients = 64;
  std::vector<v1::Booking> results(kClients);
  std::vector<grpc::Status> statuses(kClients);
  std::atomic<int> ready{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto stub = NewStub(c);
      ready.fetch_add(1);
      while (ready.load() < kClients) std::this_thread::yield();
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      statuses[c] = stub->BookPraktik(&context, Request(c), &results[c]);
    });
  }
  for (auto& t : clients) t.join();

  int confirmed = 0;
  std::vector<std::pair<uint64_t, int>> waitlisted;  // (booking order, position)
  std::set<std::string> ids;
  for (int c = 0; c < kClients; ++c) {
    ASSERT_TRUE(statuses[c].ok()) << statuses[c].error_message();
    ids.insert(results[c].booking_id());
    if (results[c].status() == v1::CONFIRMED) ++confirmed;
    if (results[c].status() == v1::WAITLISTED) {
      waitlisted.emplace_back(results[c].create_sequence(), results[c].waitlist_position());
    }
  }
  EXPECT_EQ(confirmed, 5);
  ASSERT_EQ(waitlisted.size(), 59u);
  EXPECT_EQ(ids.size(), 64u) << "duplicate booking ids";
  // Positions are 1..59 in strict booking order.
  std::sort(waitlisted.begin(), waitlisted.end());
  for (size_t i = 0; i < waitlisted.size(); ++i) {
    EXPECT_EQ(waitlisted[i].second, static_cast<int>(i + 1));
  }

  // Cancel two confirmed bookings: exactly the first two waiting are promoted.
  std::vector<std::string> confirmed_ids;
  std::vector<std::string> waiting_in_order(59);
  for (const auto& b : results) {
    if (b.status() == v1::CONFIRMED) confirmed_ids.push_back(b.booking_id());
    if (b.status() == v1::WAITLISTED) waiting_in_order[b.waitlist_position() - 1] = b.booking_id();
  }
  auto stub = NewStub(100);
  for (int i = 0; i < 2; ++i) {
    grpc::ClientContext context;
    v1::CancelBookingRequest cancel;
    cancel.set_booking_id(confirmed_ids[i]);
    v1::Booking cancelled;
    ASSERT_TRUE(stub->CancelBooking(&context, cancel, &cancelled).ok());
  }
  v1::ListBookingsResponse after = OfferBookings();
  std::set<std::string> now_confirmed;
  int still_waiting = 0;
  for (const auto& b : after.bookings()) {
    if (b.status() == v1::CONFIRMED) now_confirmed.insert(b.booking_id());
    if (b.status() == v1::WAITLISTED) ++still_waiting;
  }
  EXPECT_EQ(now_confirmed.size(), 5u);
  EXPECT_TRUE(now_confirmed.count(waiting_in_order[0]));
  EXPECT_TRUE(now_confirmed.count(waiting_in_order[1]));
  EXPECT_FALSE(now_confirmed.count(waiting_in_order[2]));
  EXPECT_EQ(still_waiting, 57);
}

TEST_F(BookingRaceTest, RetriesUnderDeadlineExpiryAndCancellationMakeOneBookingPerRequestId) {
  constexpr int kRequests = 24;
  std::vector<std::thread> clients;
  for (int c = 0; c < kRequests; ++c) {
    clients.emplace_back([&, c] {
      auto stub = NewStub(c);
      const v1::BookPraktikRequest request = Request(c, "retry-" + std::to_string(c));
      // Attempts that give up early: a deadline too short to finish, and a
      // client that cancels right away. Either may or may not have booked.
      for (int attempt = 0; attempt < 3; ++attempt) {
        grpc::ClientContext context;
        v1::Booking ignored;
        if (attempt % 2 == 0) {
          context.set_deadline(std::chrono::system_clock::now() + std::chrono::microseconds(200));
          stub->BookPraktik(&context, request, &ignored);
        } else {
          std::thread canceller([&context] { context.TryCancel(); });
          stub->BookPraktik(&context, request, &ignored);
          canceller.join();
        }
      }
      // Then retry until an answer arrives.
      for (int attempt = 0; attempt < 20; ++attempt) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        v1::Booking booking;
        if (stub->BookPraktik(&context, request, &booking).ok()) return;
      }
      ADD_FAILURE() << "request " << c << " never got an answer";
    });
  }
  for (auto& t : clients) t.join();

  v1::ListBookingsResponse all = OfferBookings();
  std::multiset<std::string> request_ids;
  for (const auto& b : all.bookings()) request_ids.insert(b.request_id());
  EXPECT_EQ(all.bookings_size(), kRequests);
  for (int c = 0; c < kRequests; ++c) {
    EXPECT_EQ(request_ids.count("retry-" + std::to_string(c)), 1u) << c;
  }
  int confirmed = 0;
  for (const auto& b : all.bookings()) confirmed += b.status() == v1::CONFIRMED;
  EXPECT_EQ(confirmed, 5);
}

}  // namespace
}  // namespace sofdir::api
