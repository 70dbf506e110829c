// Offline quality and speed tool for the search engine.
//
//   search_eval --data sof-directory.jsonl --intents dev-intents.jsonl
//               --synonyms data/thesaurus.txt --query-rules data/query-rules.txt --run run.jsonl [--depth 50]
//       writes a run file for shared/data/score.py
//   search_eval --data /tmp/sof-100k.jsonl --intents dev-intents.jsonl
//               --synonyms data/thesaurus.txt --query-rules data/query-rules.txt --bench 20
//       (--query-rules data/query-rules.txt reads the text as the server
//       does: kind words, questions, filters written as words, places)
//       reports bulk-load time, search/suggest latency percentiles and RSS
//   search_eval ... --query "hvem kan fit" [--explain]
//       prints the ranked hits of one query; with --kind K, --district D,
//       --prefer-kind K, --prefer-district D, --prefer-ages LO-HI,
//       --expertise, --slot-from/--slot-to YYYY-MM-DD (each list flag may
//       repeat) the SearchQuery fields that query understanding sets
//   search_eval ... --dump out.txt
//       writes every intent's full results (ids, scores, totals, facets,
//       snippets), with and without filters and paging, to compare two
//       builds of the engine for identical behaviour
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "server/search/search_index.h"

namespace {

using ::sof::directory::v1::Record;
using Clock = std::chrono::steady_clock;

long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

bool ParseRecord(const std::string& line, Record* record) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const size_t k = line.find("\"kind\": \"");
  if (k == std::string::npos) return false;
  const std::string kind = line.substr(k + 9, line.find('"', k + 9) - (k + 9));
  google::protobuf::Message* msg = nullptr;
  if (kind == "unit") msg = record->mutable_unit();
  if (kind == "tilbud") msg = record->mutable_tilbud();
  if (kind == "partner") msg = record->mutable_partner();
  if (kind == "praktik") msg = record->mutable_praktik();
  if (kind == "person") msg = record->mutable_person();
  if (msg == nullptr) return false;
  return google::protobuf::util::JsonStringToMessage(line, msg, options).ok();
}

struct Intent {
  std::string id;
  sofdir::search::SearchQuery query;
};

std::vector<Intent> LoadIntents(const std::string& path) {
  std::vector<Intent> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    google::protobuf::Struct s;
    google::protobuf::util::JsonParseOptions options;
    if (!google::protobuf::util::JsonStringToMessage(line, &s, options).ok()) continue;
    Intent intent;
    intent.id = s.fields().at("id").string_value();
    intent.query.text = s.fields().at("text").string_value();
    auto f = s.fields().find("filters");
    if (f != s.fields().end()) {
      for (const auto& [key, value] : f->second.struct_value().fields()) {
        if (key == "kind") {
          if (value.has_list_value()) {
            for (const auto& v : value.list_value().values()) {
              intent.query.kinds.push_back(v.string_value());
            }
          } else {
            intent.query.kinds.push_back(value.string_value());
          }
        } else if (key == "area") {
          intent.query.area = value.string_value();
        } else if (key == "district") {
          intent.query.district = value.string_value();
        } else if (key == "has_free_places") {
          intent.query.only_free = value.bool_value();
        } else if (key == "age") {
          intent.query.age = static_cast<int>(value.number_value());
        }
      }
    }
    out.push_back(std::move(intent));
  }
  return out;
}

double ThreadCpuMs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  std::string data, intents_path, synonyms, query_rules, run, query, who, suggest, dump;
  int depth = 50, bench = 0;
  bool explain = false;
  sofdir::search::SearchQuery extra;  // --query's fields besides the text
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--data") {
      data = next();
    } else if (a == "--intents") {
      intents_path = next();
    } else if (a == "--synonyms") {
      synonyms = next();
    } else if (a == "--query-rules") {
      query_rules = next();
    } else if (a == "--run") {
      run = next();
    } else if (a == "--dump") {
      dump = next();
    } else if (a == "--query") {
      query = next();
    } else if (a == "--who") {
      who = next();
    } else if (a == "--suggest") {
      suggest = next();
    } else if (a == "--depth") {
      depth = std::stoi(next());
    } else if (a == "--bench") {
      bench = std::stoi(next());
    } else if (a == "--explain") {
      explain = true;
    } else if (a == "--kind") {
      extra.kinds.push_back(next());
    } else if (a == "--district") {
      extra.districts.push_back(next());
    } else if (a == "--prefer-kind") {
      extra.preferred_kinds.push_back(next());
    } else if (a == "--prefer-district") {
      extra.preferred_districts.push_back(next());
    } else if (a == "--prefer-ages") {
      const std::string range = next();
      const size_t dash = range.find('-');
      const int lo = std::stoi(range.substr(0, dash));
      extra.preferred_ages = {lo,
                              dash == std::string::npos ? lo : std::stoi(range.substr(dash + 1))};
    } else if (a == "--expertise") {
      extra.expertise = true;
    } else if (a == "--slot-from") {
      extra.slot_from = next();
    } else if (a == "--slot-to") {
      extra.slot_to = next();
    } else {
      std::cerr << "unknown flag " << a << "\n";
      return 2;
    }
  }
  const long rss_start = RssKb();
  std::vector<Record> records;
  {
    std::ifstream in(data);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      Record r;
      if (!ParseRecord(line, &r)) {
        std::cerr << "cannot parse: " << line.substr(0, 80) << "\n";
        return 1;
      }
      records.push_back(std::move(r));
    }
  }
  sofdir::search::SearchIndex::Options options;
  options.synonyms_path = synonyms;
  options.query_rules_path = query_rules;
  auto index = sofdir::search::SearchIndex::Create(options);
  if (!index.ok()) {
    std::cerr << index.status() << "\n";
    return 1;
  }
  const auto t0 = Clock::now();
  const double load_cpu0 = ThreadCpuMs();
  if (auto st = (*index)->BulkLoad(records); !st.ok()) {
    std::cerr << st << "\n";
    return 1;
  }
  const double load_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  const double load_cpu_ms = ThreadCpuMs() - load_cpu0;
  const size_t n = records.size();
  records.clear();
  records.shrink_to_fit();
  malloc_trim(0);
  const long rss_loaded = RssKb();
  std::cerr << "loaded " << n << " records in " << load_ms << " ms (CPU " << load_cpu_ms
            << " ms); RSS " << rss_loaded / 1024 << " MB (index ~"
            << (rss_loaded - rss_start) / 1024 << " MB)\n";

  if (!who.empty()) {
    auto r = (*index)->WhoKnows(who, 10);
    if (!r.ok()) {
      std::cerr << r.status() << "\n";
      return 1;
    }
    for (const auto& h : r->hits) {
      std::cout << h.id << "\t" << h.score << "\t" << h.name << " (" << h.title << ", "
                << h.unit_name << ") " << h.email << " " << h.phone << "\n";
      for (const auto& e : h.evidence) std::cout << "      " << e << "\n";
    }
    return 0;
  }
  if (!suggest.empty()) {
    auto r = (*index)->Suggest(suggest, 8);
    if (!r.ok()) {
      std::cerr << r.status() << "\n";
      return 1;
    }
    for (const auto& s : *r) std::cout << s.count << "\t" << s.text << "\n";
    return 0;
  }
  if (!query.empty()) {
    sofdir::search::SearchQuery q = extra;
    q.text = query;
    q.limit = depth > 100 ? 100 : depth;
    q.explain = explain;
    auto r = (*index)->Search(q);
    if (!r.ok()) {
      std::cerr << r.status() << "\n";
      return 1;
    }
    for (const auto& step : r->interpretation) {
      std::cout << "understood " << step.rule << " (" << absl::StrJoin(step.words, " ")
                << "): " << step.effect << "\n";
    }
    std::cout << "total " << r->total << "\n";
    for (const auto& [facet, counts] : r->facets) {
      if (facet != "kind" && facet != "district") continue;
      std::cout << facet << ":";
      for (const auto& [value, count] : counts) std::cout << " " << value << "=" << count;
      std::cout << "\n";
    }
    for (const auto& h : r->hits) {
      std::cout << h.id << "\t" << h.score << "\t" << h.name << " | " << h.unit_name << " | "
                << h.district << "\n    " << h.snippet << "\n";
      for (const auto& e : h.explanation) std::cout << "      " << e << "\n";
    }
    return 0;
  }

  const std::vector<Intent> intents = LoadIntents(intents_path);
  if (!run.empty()) {
    std::ofstream out(run);
    for (const Intent& intent : intents) {
      std::vector<std::string> ids;
      for (int offset = 0; offset < depth; offset += 100) {
        sofdir::search::SearchQuery q = intent.query;
        q.limit = std::min(100, depth - offset);
        q.offset = offset;
        auto r = (*index)->Search(q);
        if (!r.ok()) {
          std::cerr << intent.id << ": " << r.status() << "\n";
          break;
        }
        for (const auto& h : r->hits) ids.push_back(h.id);
      }
      out << "{\"query_id\": \"" << intent.id << "\", \"ids\": [";
      for (size_t i = 0; i < ids.size(); ++i) out << (i ? ", " : "") << "\"" << ids[i] << "\"";
      out << "]}\n";
    }
  }
  if (!dump.empty()) {
    std::ofstream out(dump);
    out.precision(6);
    for (const Intent& intent : intents) {
      std::vector<sofdir::search::SearchQuery> variants;
      sofdir::search::SearchQuery q = intent.query;
      q.limit = 100;
      q.explain = true;
      variants.push_back(q);
      q.offset = 7;
      q.limit = 13;
      variants.push_back(q);
      sofdir::search::SearchQuery bare;
      bare.text = intent.query.text;
      bare.limit = 20;
      variants.push_back(bare);
      bare.near = sofdir::search::GeoPoint{55.68, 12.57};
      variants.push_back(bare);
      bare.near.reset();
      bare.text = bare.text.substr(0, bare.text.size() / 2);  // a prefix being typed
      variants.push_back(bare);
      for (const auto& v : variants) {
        auto r = (*index)->Search(v);
        out << "Q " << intent.id << " [" << v.text << "] offset " << v.offset << "\n";
        if (!r.ok()) {
          out << "  error " << r.status() << "\n";
          continue;
        }
        out << "  total " << r->total << "\n";
        for (const auto& [facet, counts] : r->facets) {
          out << "  facet " << facet << ":";
          for (const auto& [value, count] : counts) out << " " << value << "=" << count;
          out << "\n";
        }
        for (const auto& h : r->hits) {
          out << "  " << h.id << " " << h.score << " " << h.kind << " " << h.name << " | "
              << h.unit_name << " | " << h.district << " | " << h.free_places.value_or(-1) << " | "
              << h.distance_km.value_or(-1) << "\n    " << h.snippet << "\n";
          for (const auto& e : h.explanation) out << "      " << e << "\n";
        }
      }
      auto w = (*index)->WhoKnows(intent.query.text, 10);
      if (w.ok()) {
        for (const auto& h : w->hits) {
          out << "  who " << h.id << " " << h.score;
          for (const auto& e : h.evidence) out << " / " << e;
          out << "\n";
        }
      }
    }
  }
  if (bench > 0) {
    std::vector<double> search_ms, suggest_ms, who_ms, search_cpu_ms;
    std::vector<std::vector<double>> per_intent(intents.size());
    const bool text_only = getenv("SEARCH_EVAL_TEXT_ONLY") != nullptr;
    const bool expertise = getenv("SEARCH_EVAL_EXPERTISE") != nullptr;
    for (int rep = 0; rep < bench; ++rep) {
      for (size_t qi = 0; qi < intents.size(); ++qi) {
        const Intent& intent = intents[qi];
        auto s0 = Clock::now();
        const double c0 = ThreadCpuMs();
        sofdir::search::SearchQuery query = intent.query;
        if (text_only) {  // as search_load sends them: the text, no filters
          query = sofdir::search::SearchQuery();
          query.text = intent.query.text;
        }
        query.expertise = expertise;
        auto r = (*index)->Search(query);
        search_cpu_ms.push_back(ThreadCpuMs() - c0);
        search_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s0).count());
        per_intent[qi].push_back(search_cpu_ms.back());
        if (!r.ok()) std::cerr << r.status() << "\n";
        const std::string& text = intent.query.text;
        if (getenv("SEARCH_EVAL_ONLY_SEARCH") != nullptr) continue;
        for (size_t len = 1; len <= text.size() && len <= 12; ++len) {
          if ((static_cast<unsigned char>(text[len]) & 0xC0) == 0x80) continue;
          auto p0 = Clock::now();
          auto s = (*index)->Suggest(text.substr(0, len), 8);
          suggest_ms.push_back(
              std::chrono::duration<double, std::milli>(Clock::now() - p0).count());
        }
        if (rep == 0) {
          auto w0 = Clock::now();
          auto w = (*index)->WhoKnows(text, 10);
          who_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - w0).count());
        }
      }
    }
    if (getenv("SEARCH_EVAL_PER_QUERY") != nullptr) {
      for (size_t qi = 0; qi < intents.size(); ++qi) {
        double sum = 0;
        for (double ms : per_intent[qi]) sum += ms;
        std::printf("%8.3f ms  %8.3f mean  %s\n", Percentile(per_intent[qi], 0.5),
                    sum / static_cast<double>(per_intent[qi].size()), intents[qi].query.text.c_str());
      }
    }
    std::printf("records %zu  bulk load %.0f ms  RSS %ld MB (index ~%ld MB)\n", n, load_ms,
                rss_loaded / 1024, (rss_loaded - rss_start) / 1024);
    std::printf("search  n=%zu p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", search_ms.size(),
                Percentile(search_ms, 0.5), Percentile(search_ms, 0.99),
                Percentile(search_ms, 1.0));
    double cpu_sum = 0;
    for (double ms : search_cpu_ms) cpu_sum += ms;
    std::printf("search CPU time p50 %.3f ms  p99 %.3f ms  max %.3f ms  mean %.3f ms\n",
                Percentile(search_cpu_ms, 0.5), Percentile(search_cpu_ms, 0.99),
                Percentile(search_cpu_ms, 1.0),
                search_cpu_ms.empty() ? 0.0 : cpu_sum / search_cpu_ms.size());
    std::printf("suggest n=%zu p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", suggest_ms.size(),
                Percentile(suggest_ms, 0.5), Percentile(suggest_ms, 0.99),
                Percentile(suggest_ms, 1.0));
    std::printf("whoknows n=%zu p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", who_ms.size(),
                Percentile(who_ms, 0.5), Percentile(who_ms, 0.99), Percentile(who_ms, 1.0));
  }
  // A profile of the searches need not hold the index's teardown.
  if (std::getenv("SEARCH_EVAL_FAST_EXIT") != nullptr) {
    std::fflush(nullptr);
    std::_Exit(0);
  }
  return 0;
}
