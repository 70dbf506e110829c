// Booking throughput over gRPC against a running sofdir-server.
//
//   booking_load --server 127.0.0.1:50051 --clients 16 --seconds 10 [--readers 16]
//
// Creates a unit and a praktik offer with many large future slots (ids
// bench-unit-<run>, praktik-bench<run>), then N clients book distinct
// people round-robin over the slots until time is up. Prints bookings/s
// and latency percentiles; every booking is synced to disk before its reply.
// With --readers R, R more clients read a person record (GetRecord) at the
// same time; each read writes a read-log entry, and reads/s are printed too.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"

namespace {

namespace v1 = ::sof::directory::v1;
using Clock = std::chrono::steady_clock;

}  // namespace

int main(int argc, char** argv) {
  std::string server = "127.0.0.1:50051";
  int clients = 16;
  double seconds = 10;
  int slots = 50;
  int readers = 0;
  CLI::App app{"Booking load over gRPC against a running sofdir-server", "booking_load"};
  app.add_option("--server", server, "host:port")->capture_default_str();
  app.add_option("--clients", clients, "concurrent clients")->capture_default_str();
  app.add_option("--seconds", seconds, "duration")->capture_default_str();
  app.add_option("--slots", slots, "slots to spread bookings over")->capture_default_str();
  app.add_option("--readers", readers, "concurrent clients reading a person record")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const std::string run = std::to_string(absl::ToUnixSeconds(absl::Now()));
  auto setup = v1::DirectoryService::NewStub(
      grpc::CreateChannel(server, grpc::InsecureChannelCredentials()));
  v1::Record unit;
  unit.mutable_unit()->set_id("unit-bench" + run);
  unit.mutable_unit()->set_name("Bench unit");
  unit.mutable_unit()->set_area("Handicap");
  v1::Record offer;
  v1::Praktik* praktik = offer.mutable_praktik();
  praktik->set_id("praktik-bench" + run);
  praktik->set_title("Bench praktik");
  praktik->set_host_unit_id(unit.unit().id());
  praktik->set_duration_days(1);
  const absl::CivilDay first = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + 30;
  std::vector<std::string> starts;
  for (int s = 0; s < slots; ++s) {
    v1::PraktikSlot* slot = praktik->add_slots();
    starts.push_back(absl::FormatCivilTime(first + s));
    slot->set_start(starts.back());
    slot->set_end(starts.back());
    slot->set_seats(1000000);
  }
  v1::Record person;
  person.mutable_person()->set_id("person-bench" + run);
  person.mutable_person()->set_name("Bench person");
  person.mutable_person()->set_unit_id(unit.unit().id());
  person.mutable_person()->set_email("bench@bench.example.dk");
  for (const v1::Record& record : {unit, offer, person}) {
    grpc::ClientContext context;
    v1::CreateRecordRequest request;
    *request.mutable_record() = record;
    v1::Record created;
    grpc::Status status = setup->CreateRecord(&context, request, &created);
    if (!status.ok()) {
      std::fprintf(stderr, "booking_load: setup failed: %s\n", status.error_message().c_str());
      return 1;
    }
  }

  std::atomic<bool> stop{false};
  std::atomic<long> errors{0};
  std::vector<std::vector<double>> latencies(clients);
  std::vector<std::vector<double>> read_latencies(readers);
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int r = 0; r < readers; ++r) {
    threads.emplace_back([&, r] {
      grpc::ChannelArguments args;
      args.SetInt("sofdir.channel_id", clients + r);
      auto stub = v1::DirectoryService::NewStub(
          grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), args));
      while (!stop.load(std::memory_order_relaxed)) {
        v1::GetRecordRequest request;
        request.set_id(person.person().id());
        grpc::ClientContext context;
        v1::Record got;
        auto t0 = Clock::now();
        if (!stub->GetRecord(&context, request, &got).ok()) errors.fetch_add(1);
        read_latencies[r].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
    });
  }
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      grpc::ChannelArguments args;
      args.SetInt("sofdir.channel_id", c);
      auto stub = v1::DirectoryService::NewStub(
          grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), args));
      for (long i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        v1::BookPraktikRequest request;
        request.set_offer_id(praktik->id());
        request.set_slot_start(starts[(i * clients + c) % starts.size()]);
        request.set_name("Bench " + std::to_string(c));
        request.set_email("c" + std::to_string(c) + "-" + std::to_string(i) + "@bench.example.dk");
        grpc::ClientContext context;
        v1::Booking booking;
        auto t0 = Clock::now();
        if (!stub->BookPraktik(&context, request, &booking).ok()) errors.fetch_add(1);
        latencies[c].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  auto report = [elapsed](const char* what, int n_clients,
                          const std::vector<std::vector<double>>& per_client, long errs) {
    std::vector<double> all;
    for (auto& l : per_client) all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    auto pct = [&](double p) {
      return all.empty() ? 0.0 : all[std::min(all.size() - 1, size_t(p * all.size()))];
    };
    std::printf(
        "%s clients=%d n=%zu errors=%ld  %.0f %s/s  p50=%.2f ms  p99=%.2f ms  max=%.2f ms\n", what,
        n_clients, all.size(), errs, all.size() / elapsed, what, pct(0.5), pct(0.99),
        all.empty() ? 0.0 : all.back());
  };
  report("bookings", clients, latencies, errors.load());
  if (readers > 0) report("reads", readers, read_latencies, errors.load());
  return errors.load() == 0 ? 0 : 1;
}
