// Clients book and cancel concurrently while the server process is killed
// with SIGKILL at random moments. After every restart: each acknowledged
// booking is there, each acknowledged cancellation holds, no slot has more
// confirmed bookings than seats, and seats left = seats - confirmed.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"
#include "tests/testing/process.h"
#include "tests/testing/records.h"
#include "tests/testing/temp_dir.h"

namespace sofdir {
namespace {

namespace v1 = ::sof::directory::v1;

constexpr int kKills = 50;
constexpr int kSlots = 3;
constexpr int kSeats = 3;
constexpr int kPeople = 24;
constexpr int kClients = 8;

std::unique_ptr<v1::DirectoryService::Stub> Connect(const std::string& address, int id) {
  grpc::ChannelArguments args;
  args.SetInt("sofdir.test_channel", id);
  return v1::DirectoryService::NewStub(
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
}

std::unique_ptr<grpc::ClientContext> Context(int seconds = 5) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

TEST(BookingCrashTest, NoAcknowledgedBookingIsLostAndNoSlotOverbookedAcrossFiftyKills) {
  testing::TempDir dir;
  testing::ServerProcess server;
  ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, dir.Sub("data"))) << server.log();

  // An offer with slots that start well after today.
  const absl::CivilDay first_day = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + 60;
  std::vector<std::string> slots;
  v1::Record offer = testing::MakePraktik("praktik-1", "unit-1");
  offer.mutable_praktik()->clear_slots();
  for (int s = 0; s < kSlots; ++s) {
    std::string day = absl::FormatCivilTime(first_day + 7 * s);
    slots.push_back(day);
    auto* slot = offer.mutable_praktik()->add_slots();
    slot->set_start(day);
    slot->set_end(day);
    slot->set_seats(kSeats);
  }
  {
    auto stub = Connect(server.address(), 0);
    for (const v1::Record& record : {testing::MakeUnit("unit-1"), offer}) {
      v1::CreateRecordRequest create;
      *create.mutable_record() = record;
      v1::Record created;
      ASSERT_TRUE(stub->CreateRecord(Context().get(), create, &created).ok());
    }
  }

  std::mutex mu;
  std::set<std::string> acknowledged_bookings;
  std::set<std::string> acknowledged_cancels;
  std::map<std::string, std::string> active_by_request;  // request id -> booking id
  long acknowledged_ops = 0;
  std::mt19937 random(4711);
  int lost = 0, overbooked = 0, miscounted = 0;

  for (int kill = 0; kill < kKills; ++kill) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    const std::string address = server.address();
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c, seed = random()] {
        std::mt19937 rng(seed);
        auto stub = Connect(address, c + 1);
        while (!stop.load()) {
          const int person = static_cast<int>(rng() % kPeople);
          const std::string& slot = slots[rng() % kSlots];
          std::string cancel_id;
          {
            std::lock_guard<std::mutex> lock(mu);
            if (rng() % 3 == 0 && !active_by_request.empty()) {
              auto it = active_by_request.begin();
              std::advance(it, rng() % active_by_request.size());
              cancel_id = it->second;
            }
          }
          if (!cancel_id.empty()) {
            v1::CancelBookingRequest cancel;
            cancel.set_booking_id(cancel_id);
            v1::Booking booking;
            if (stub->CancelBooking(Context(2).get(), cancel, &booking).ok()) {
              std::lock_guard<std::mutex> lock(mu);
              acknowledged_cancels.insert(cancel_id);
              active_by_request.erase(booking.request_id());
              ++acknowledged_ops;
            }
            continue;
          }
          v1::BookPraktikRequest request;
          request.set_offer_id("praktik-1");
          request.set_slot_start(slot);
          request.set_name("Person " + std::to_string(person));
          request.set_email("p" + std::to_string(person) + "@sof.example.dk");
          request.set_request_id("k" + std::to_string(kill) + "-c" + std::to_string(c) + "-" +
                                 std::to_string(rng()));
          v1::Booking booking;
          if (stub->BookPraktik(Context(2).get(), request, &booking).ok()) {
            std::lock_guard<std::mutex> lock(mu);
            acknowledged_bookings.insert(booking.booking_id());
            active_by_request[request.request_id()] = booking.booking_id();
            ++acknowledged_ops;
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + random() % 120));
    ASSERT_EQ(server.Stop(SIGKILL), 128 + SIGKILL);
    stop = true;
    for (auto& t : clients) t.join();
    ASSERT_TRUE(server.Start(SOFDIR_SERVER_BINARY, dir.Sub("data"))) << server.log();

    // Check the restarted server against everything acknowledged so far.
    auto stub = Connect(server.address(), 100);
    for (const std::string& id : acknowledged_bookings) {
      v1::GetBookingRequest get;
      get.set_booking_id(id);
      v1::Booking booking;
      if (!stub->GetBooking(Context().get(), get, &booking).ok()) {
        ++lost;
      } else if (acknowledged_cancels.count(id) && booking.status() != v1::CANCELLED) {
        ++lost;  // an acknowledged cancellation did not hold
      }
    }
    v1::ListBookingsRequest list;
    list.set_offer_id("praktik-1");
    v1::ListBookingsResponse bookings;
    ASSERT_TRUE(stub->ListBookings(Context().get(), list, &bookings).ok());
    std::map<std::string, int> confirmed, waiting;
    for (const auto& b : bookings.bookings()) {
      if (b.status() == v1::CONFIRMED) ++confirmed[b.slot_start()];
      if (b.status() == v1::WAITLISTED) ++waiting[b.slot_start()];
    }
    v1::ListPraktikOffersResponse offers;
    ASSERT_TRUE(
        stub->ListPraktikOffers(Context().get(), v1::ListPraktikOffersRequest(), &offers).ok());
    ASSERT_EQ(offers.offers_size(), 1);
    for (const auto& slot : offers.offers(0).slots()) {
      if (confirmed[slot.start()] > kSeats) ++overbooked;
      if (slot.confirmed() != confirmed[slot.start()] ||
          slot.seats_left() != kSeats - confirmed[slot.start()] ||
          (waiting[slot.start()] > 0 && slot.seats_left() != 0)) {
        ++miscounted;
      }
    }
  }
  std::cout << "crash test: kills=" << kKills << " acknowledged_ops=" << acknowledged_ops
            << " bookings=" << acknowledged_bookings.size()
            << " cancels=" << acknowledged_cancels.size() << " lost=" << lost
            << " overbooked=" << overbooked << " miscounted=" << miscounted << std::endl;
  EXPECT_GT(acknowledged_ops, 100) << "too little traffic to prove anything";
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(overbooked, 0);
  EXPECT_EQ(miscounted, 0);
}

}  // namespace
}  // namespace sofdir
