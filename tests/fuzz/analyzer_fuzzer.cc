// libFuzzer target: the query side of search on any text. Folding and
// tokens (TextFolder), stop words and stems (Analyzer), compound splitting
// (Decompounder), and the whole query path with typo expansion, synonyms and
// filters (SearchIndex::Search, Suggest, WhoKnows) over the demo directory,
// loaded once.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/model/record_json.h"
#include "server/search/analyzer.h"
#include "server/search/decompounder.h"
#include "server/search/search_index.h"
#include "server/search/text_folder.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace v1 = ::sof::directory::v1;
using ::sofdir::search::Analyzer;
using ::sofdir::search::Decompounder;
using ::sofdir::search::SearchIndex;
using ::sofdir::search::SearchQuery;
using ::sofdir::search::TextFolder;

// The repository, for data/: SOFDIR_SOURCE_DIR when set (ctest sets it),
// else where this target was built from.
std::string SourceDir() {
  const char* dir = std::getenv("SOFDIR_SOURCE_DIR");
  return dir != nullptr ? dir : SOFDIR_FUZZ_SOURCE_DIR;
}

struct Fixture {
  std::unique_ptr<Analyzer> analyzer;
  std::unique_ptr<SearchIndex> index;
};

const Fixture& GetFixture() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture;
    absl::StatusOr<std::unique_ptr<Analyzer>> analyzer = Analyzer::Create("");
    FUZZ_CHECK(analyzer.ok(), analyzer.status().ToString());
    f->analyzer = std::move(*analyzer);
    SearchIndex::Options options;
    options.synonyms_path = SourceDir() + "/data/thesaurus.txt";
    options.query_rules_path = SourceDir() + "/data/query-rules.txt";
    absl::StatusOr<std::unique_ptr<SearchIndex>> index = SearchIndex::Create(options);
    FUZZ_CHECK(index.ok(), index.status().ToString());
    f->index = std::move(*index);
    std::ifstream demo(SourceDir() + "/data/demo-directory.jsonl");
    FUZZ_CHECK(demo.good(), "cannot read data/demo-directory.jsonl under " + SourceDir());
    std::vector<v1::Record> records;
    for (std::string line; std::getline(demo, line);) {
      absl::StatusOr<v1::Record> record = sofdir::model::ParseRecordJson(line);
      FUZZ_CHECK(record.ok(), record.status().ToString());
      records.push_back(*std::move(record));
    }
    absl::Status loaded = f->index->BulkLoad(records);
    FUZZ_CHECK(loaded.ok(), loaded.ToString());
    return f;
  }();
  return *fixture;
}

const std::set<std::string, std::less<>>& Lexicon() {
  static const auto* lexicon = new std::set<std::string, std::less<>>{
      "misbrug", "behandling", "kvinde", "krise",   "center",    "krisecenter", "herberg",
      "plads",   "alkohol",    "leder",  "praktik", "aktivitet", "tilbud",      "hjemme",
      "pleje",   "sese",       "esse",   "ssss",    "eeee"};
  return *lexicon;
}

// Whether `word` is `parts` joined, each joint with or without a linking
// 's' or 'e' (Decompounder's contract).
bool JoinsTo(absl::string_view word, const std::vector<std::string>& parts, size_t next) {
  if (next == parts.size()) return word.empty();
  if (word.substr(0, parts[next].size()) != parts[next]) return false;
  word.remove_prefix(parts[next].size());
  if (JoinsTo(word, parts, next + 1)) return true;
  return next + 1 < parts.size() && !word.empty() && (word[0] == 's' || word[0] == 'e') &&
         JoinsTo(word.substr(1), parts, next + 1);
}

void CheckTokens(absl::string_view text) {
  std::string storage;
  const absl::string_view composed = TextFolder::Composed(text, &storage);
  uint32_t previous_end = 0;
  TextFolder::ForEachToken(text, [&](std::string& token, uint32_t begin, uint32_t end) {
    FUZZ_CHECK(!token.empty(), "empty token");
    FUZZ_CHECK(begin < end && end <= composed.size() && begin >= previous_end,
               absl::StrCat("token range [", begin, ", ", end, ") of ", composed.size()));
    previous_end = end;
    const std::vector<std::string> parts = Decompounder::Split(
        token, [](absl::string_view part) { return Lexicon().count(part) > 0; });
    FUZZ_CHECK(parts.size() != 1, "a split into one part");
    for (const std::string& part : parts) {
      FUZZ_CHECK(Lexicon().count(part) > 0, "part not a word: " + part);
    }
    FUZZ_CHECK(parts.empty() || JoinsTo(token, parts, 0), "parts do not make up " + token);
  });
  (void)TextFolder::FoldJoined(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Fixture& fixture = GetFixture();
  // The first byte picks the query's options, the rest is the text.
  const uint8_t options = data[0];
  const absl::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  CheckTokens(text);
  const std::vector<sofdir::search::AnalyzedToken> tokens = fixture.analyzer->Analyze(text);
  for (const auto& token : tokens) {
    FUZZ_CHECK(token.begin < token.end, "empty token range");
    (void)fixture.analyzer->Stem(token.surface);
  }

  const bool acceptable =
      text.size() <= SearchIndex::kMaxQueryBytes && TextFolder::IsValidUtf8(text);
  SearchQuery query;
  query.text = std::string(text);
  query.explain = (options & 1) != 0;
  query.only_free = (options & 2) != 0;
  if (options & 4) query.kinds = {"tilbud", "person"};
  if (options & 8) query.age = options >> 4;
  if (options & 16) query.filter = "kind = tilbud OR kind = unit";
  query.limit = 1 + (options >> 5) * 14;  // 1..99
  query.offset = (options & 64) ? 3 : 0;
  absl::StatusOr<sofdir::search::SearchResult> result = fixture.index->Search(query);
  if (acceptable) {
    FUZZ_CHECK(result.ok(), result.status().ToString());
    FUZZ_CHECK(result->hits.size() <= static_cast<size_t>(query.limit), "more hits than limit");
    FUZZ_CHECK(result->total >= result->hits.size(), "total below the hits returned");
  } else {
    FUZZ_CHECK(!result.ok(), "accepted text over 1024 bytes or not UTF-8");
    sofdir::fuzz::CheckRefusal(result.status(), absl::StatusCode::kInvalidArgument);
  }
  const std::string_view std_text(text.data(), text.size());
  absl::StatusOr<std::vector<sofdir::search::Suggestion>> suggestions =
      fixture.index->Suggest(std_text, 10);
  if (!suggestions.ok()) {
    sofdir::fuzz::CheckRefusal(suggestions.status(), absl::StatusCode::kInvalidArgument);
  }
  absl::StatusOr<sofdir::search::WhoKnowsResult> who = fixture.index->WhoKnows(std_text, 10);
  if (!who.ok()) sofdir::fuzz::CheckRefusal(who.status(), absl::StatusCode::kInvalidArgument);
  return 0;
}
