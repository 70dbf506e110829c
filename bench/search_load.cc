// Load generator for sofdir-server's search over real gRPC on loopback.
//
//   search_load --server 127.0.0.1:50051 --clients 16 --seconds 10
//               --queries ../shared/data/dev-intents.jsonl
//
// Replays the "text" of every line of the queries file round-robin from
// N clients (one channel each, one call in flight each) for the given time
// and prints searches/s and client-observed latency percentiles, then the same
// for SuggestEntries with prefixes of those texts. All clients' calls are
// driven from one thread through a completion queue; --callbacks runs them on
// gRPC's callback API, --threads gives each client its own thread.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/synchronization/mutex.h"
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

using Stub = v1::DirectoryService::Stub;

// What one asynchronous call needs to outlive its start.
template <typename Request, typename Response>
struct Call {
  grpc::ClientContext context;
  Request request;
  Response response;
};

// The first word's start, as a user typing it would send.
std::string Prefix(const std::string& text) { return text.substr(0, std::min<size_t>(4, text.size())); }

std::unique_ptr<Stub> NewStub(const std::string& server, int client) {
  grpc::ChannelArguments args;
  args.SetInt("sofdir.channel_id", client);  // a distinct channel (connection) per client
  // Nothing is retried here (a failed call is counted as an error), so the
  // per-call retry machinery would only take CPU from the server.
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  return v1::DirectoryService::NewStub(
      grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), args));
}

void Report(const std::string& name, const char* mode, int clients, Clock::time_point start,
            std::vector<std::vector<double>>& latencies, long errors) {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  std::printf(
      "%-8s clients=%d (%s) calls=%zu errors=%ld  %.0f calls/s  p50=%.3f ms  p99=%.3f ms  "
      "max=%.3f ms\n",
      name.c_str(), clients, mode, all.size(), errors, all.size() / elapsed,
      Percentile(all, 0.50), Percentile(all, 0.99), all.empty() ? 0.0 : all.back());
}

// Runs `call(stub, query_index)` from `clients` threads, one blocking call at
// a time each, for `seconds`.
template <typename Call>
void RunThreads(const std::string& name, const std::string& server, int clients, double seconds,
                size_t query_count, Call call) {
  std::atomic<bool> stop{false};
  std::atomic<long> errors{0};
  std::vector<std::vector<double>> latencies(clients);
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::unique_ptr<Stub> stub = NewStub(server, c);
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
  Report(name, "a thread each", clients, start, latencies, errors.load());
}

// Keeps `clients` calls in flight for `seconds`, each client on its own
// channel starting its next call when the last one completes, driven by
// gRPC's callback API: the same concurrency as RunThreads without a thread
// per client, so the load generator takes less of the machine's CPU from the
// server. `start(stub, query_index, done)` starts one call and has gRPC run
// done(ok) when it completes.
template <typename Start>
void RunCallbacks(const std::string& name, const std::string& server, int clients,
                  double seconds, size_t query_count, Start start_call) {
  std::atomic<bool> stop{false};
  std::atomic<long> errors{0};
  std::mutex mu;
  std::condition_variable all_done;
  int running = clients;
  std::vector<std::vector<double>> latencies(clients);  // each written by one client's chain
  std::vector<std::unique_ptr<Stub>> stubs;
  for (int c = 0; c < clients; ++c) stubs.push_back(NewStub(server, c));
  std::vector<std::function<void(size_t)>> next(clients);
  for (int c = 0; c < clients; ++c) {
    next[c] = [&, c](size_t i) {
      if (stop.load(std::memory_order_relaxed)) {
        std::lock_guard<std::mutex> lock(mu);
        if (--running == 0) all_done.notify_all();
        return;
      }
      const auto t0 = Clock::now();
      start_call(*stubs[c], i % query_count, [&, c, i, t0](bool ok) {
        if (!ok) errors.fetch_add(1);
        latencies[c].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        next[c](i + 1);
      });
    };
  }
  const auto start = Clock::now();
  for (int c = 0; c < clients; ++c) next[c](static_cast<size_t>(c));
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  std::unique_lock<std::mutex> lock(mu);
  all_done.wait(lock, [&] { return running == 0; });
  Report(name, "callbacks", clients, start, latencies, errors.load());
}

// Keeps `clients` calls in flight for `seconds` like RunCallbacks, but
// drives them all from this one thread through a completion queue: no
// hand-off between gRPC's threads and the generator's, so the generator
// takes the least CPU from the server on the same machine.
// `prepare(stub, query_index, context, cq)` returns the call's reader.
template <typename Response, typename Prepare>
void RunCompletionQueue(const std::string& name, const std::string& server, int clients,
                        double seconds, size_t query_count, Prepare prepare) {
  struct Pending {
    int client = 0;
    size_t query = 0;
    Clock::time_point started;
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader;
    Response response;
    grpc::Status status;
  };
  grpc::CompletionQueue cq;
  std::vector<std::unique_ptr<Stub>> stubs;
  for (int c = 0; c < clients; ++c) stubs.push_back(NewStub(server, c));
  std::vector<Pending> pending(clients);
  std::vector<std::vector<double>> latencies(clients);
  long errors = 0;
  auto start_call = [&](int c, size_t query) {
    Pending& p = pending[c];
    p.client = c;
    p.query = query;
    p.context = std::make_unique<grpc::ClientContext>();
    p.response.Clear();
    p.started = Clock::now();
    p.reader = prepare(*stubs[c], query % query_count, p.context.get(), &cq);
    p.reader->StartCall();
    p.reader->Finish(&p.response, &p.status, &p);
  };
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(seconds));
  for (int c = 0; c < clients; ++c) start_call(c, static_cast<size_t>(c));
  int running = clients;
  void* tag;
  bool ok;
  while (running > 0 && cq.Next(&tag, &ok)) {
    Pending& p = *static_cast<Pending*>(tag);
    const auto now = Clock::now();
    if (!ok || !p.status.ok()) ++errors;
    latencies[p.client].push_back(std::chrono::duration<double, std::milli>(now - p.started).count());
    if (now < end) {
      start_call(p.client, p.query + 1);
    } else {
      --running;
    }
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  Report(name, "one completion queue", clients, start, latencies, errors);
}

}  // namespace

int main(int argc, char** argv) {
  std::string server = "127.0.0.1:50051";
  std::string queries_path = "../shared/data/dev-intents.jsonl";
  int clients = 16;
  double seconds = 10;
  bool threads = false;
  bool callbacks = false;
  CLI::App app{"Search load over gRPC against a running sofdir-server", "search_load"};
  app.add_option("--server", server, "host:port")->capture_default_str();
  app.add_option("--queries", queries_path, "JSONL with a \"text\" per line")
      ->capture_default_str();
  app.add_option("--clients", clients, "concurrent clients")->capture_default_str();
  app.add_option("--seconds", seconds, "duration of each phase")->capture_default_str();
  app.add_flag("--threads", threads, "a thread per client making blocking calls");
  app.add_flag("--callbacks", callbacks,
               "clients on gRPC's callback API (default: all clients' calls driven from one "
               "thread through a completion queue, which takes the least CPU)");
  CLI11_PARSE(app, argc, argv);
  // Debian builds abseil without NDEBUG: every contended absl::Mutex (gRPC's
  // too) would feed a global lock-order graph, CPU the server could use.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  const std::vector<std::string> texts = ReadQueries(queries_path);
  if (texts.empty()) {
    std::cerr << "search_load: no queries in " << queries_path << "\n";
    return 2;
  }
  if (threads) {
    RunThreads("search", server, clients, seconds, texts.size(), [&](Stub& stub, size_t i) {
      grpc::ClientContext context;
      v1::SearchEntriesRequest request;
      request.set_query(texts[i]);
      v1::SearchEntriesResponse response;
      return stub.SearchEntries(&context, request, &response).ok();
    });
    RunThreads("suggest", server, clients, seconds, texts.size(), [&](Stub& stub, size_t i) {
      grpc::ClientContext context;
      v1::SuggestEntriesRequest request;
      request.set_prefix(Prefix(texts[i]));
      v1::SuggestEntriesResponse response;
      return stub.SuggestEntries(&context, request, &response).ok();
    });
    return 0;
  }
  if (!callbacks) {
    RunCompletionQueue<v1::SearchEntriesResponse>(
        "search", server, clients, seconds, texts.size(),
        [&](Stub& stub, size_t i, grpc::ClientContext* context, grpc::CompletionQueue* cq) {
          v1::SearchEntriesRequest request;
          request.set_query(texts[i]);
          return stub.PrepareAsyncSearchEntries(context, request, cq);
        });
    RunCompletionQueue<v1::SuggestEntriesResponse>(
        "suggest", server, clients, seconds, texts.size(),
        [&](Stub& stub, size_t i, grpc::ClientContext* context, grpc::CompletionQueue* cq) {
          v1::SuggestEntriesRequest request;
          request.set_prefix(Prefix(texts[i]));
          return stub.PrepareAsyncSuggestEntries(context, request, cq);
        });
    return 0;
  }
  RunCallbacks("search", server, clients, seconds, texts.size(),
               [&](Stub& stub, size_t i, std::function<void(bool)> done) {
                 auto call = std::make_shared<Call<v1::SearchEntriesRequest,
                                                   v1::SearchEntriesResponse>>();
                 call->request.set_query(texts[i]);
                 stub.async()->SearchEntries(
                     &call->context, &call->request, &call->response,
                     [call, done = std::move(done)](grpc::Status status) { done(status.ok()); });
               });
  RunCallbacks("suggest", server, clients, seconds, texts.size(),
               [&](Stub& stub, size_t i, std::function<void(bool)> done) {
                 auto call = std::make_shared<Call<v1::SuggestEntriesRequest,
                                                   v1::SuggestEntriesResponse>>();
                 call->request.set_prefix(Prefix(texts[i]));
                 stub.async()->SuggestEntries(
                     &call->context, &call->request, &call->response,
                     [call, done = std::move(done)](grpc::Status status) { done(status.ok()); });
               });
  return 0;
}
