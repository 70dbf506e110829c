// Load generator for sofdir-server's search over real gRPC on loopback.
//
//   search_load --server 127.0.0.1:50051 --clients 16 --seconds 10
//               --queries ../shared/data/dev-intents.jsonl
//
// Replays the "text" of every line of the queries file round-robin from
// N client threads (one channel each) for the given time and prints
// searches/s and client-observed latency percentiles, then the same for
// SuggestEntries with prefixes of those texts.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "sof/directory/v1/directory_service.grpc.pb.h"

namespace {

namespace v1 = ::sof::directory::v1;
using Clock = std::chrono::steady_clock;

std::vector<std::string> ReadQueries(const std::string& path) {
  std::vector<std::string> texts;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    google::protobuf::Struct value;
    if (!google::protobuf::util::JsonStringToMessage(line, &value).ok()) continue;
    auto it = value.fields().find("text");
    if (it != value.fields().end()) texts.push_back(it->second.string_value());
  }
  return texts;
}

double Percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t index = std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()));
  return sorted[index];
}

// Runs `call(stub, query_index)` from `clients` threads for `seconds`.
template <typename Call>
void Run(const std::string& name, const std::string& server, int clients, double seconds,
         size_t query_count, Call call) {
  std::atomic<bool> stop{false};
  std::atomic<long> errors{0};
  std::vector<std::vector<double>> latencies(clients);
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      grpc::ChannelArguments args;
      args.SetInt("sofdir.channel_id", c);  // a distinct channel (connection) per client
      auto stub = v1::DirectoryService::NewStub(
          grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), args));
      size_t i = static_cast<size_t>(c);
      while (!stop.load(std::memory_order_relaxed)) {
        auto t0 = Clock::now();
        if (!call(*stub, i++ % query_count)) errors.fetch_add(1);
        latencies[c].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  std::printf(
      "%-8s clients=%d calls=%zu errors=%ld  %.0f calls/s  p50=%.3f ms  p99=%.3f ms  max=%.3f ms\n",
      name.c_str(), clients, all.size(), errors.load(), all.size() / elapsed, Percentile(all, 0.50),
      Percentile(all, 0.99), all.empty() ? 0.0 : all.back());
}

}  // namespace

int main(int argc, char** argv) {
  std::string server = "127.0.0.1:50051";
  std::string queries_path = "../shared/data/dev-intents.jsonl";
  int clients = 16;
  double seconds = 10;
  CLI::App app{"Search load over gRPC against a running sofdir-server", "search_load"};
  app.add_option("--server", server, "host:port")->capture_default_str();
  app.add_option("--queries", queries_path, "JSONL with a \"text\" per line")
      ->capture_default_str();
  app.add_option("--clients", clients, "concurrent clients")->capture_default_str();
  app.add_option("--seconds", seconds, "duration of each phase")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const std::vector<std::string> texts = ReadQueries(queries_path);
  if (texts.empty()) {
    std::cerr << "search_load: no queries in " << queries_path << "\n";
    return 2;
  }
  Run("search", server, clients, seconds, texts.size(),
      [&](v1::DirectoryService::Stub& stub, size_t i) {
        grpc::ClientContext context;
        v1::SearchEntriesRequest request;
        request.set_query(texts[i]);
        v1::SearchEntriesResponse response;
        return stub.SearchEntries(&context, request, &response).ok();
      });
  Run("suggest", server, clients, seconds, texts.size(),
      [&](v1::DirectoryService::Stub& stub, size_t i) {
        grpc::ClientContext context;
        v1::SuggestEntriesRequest request;
        request.set_prefix(texts[i].substr(0, std::min<size_t>(4, texts[i].size())));
        v1::SuggestEntriesResponse response;
        return stub.SuggestEntries(&context, request, &response).ok();
      });
  return 0;
}
