#include "server/search/decompounder.h"

#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace sofdir::search {
namespace {

const std::set<std::string> kLexicon = {"misbrug",     "behandling", "kvinde", "krise",   "center",
                                        "krisecenter", "herberg",    "plads",  "alkohol", "leder",
                                        "praktik",     "aktivitet",  "tilbud", "hjemme",  "pleje"};

struct SplitCase {
  std::string word;
  std::vector<std::string> parts;
};
// Names the case in test output (ctest lists it) instead of dumping bytes.
void PrintTo(const SplitCase& c, std::ostream* os) { *os << c.word; }

class DecompounderTest : public testing::TestWithParam<SplitCase> {};

TEST_P(DecompounderTest, SplitsIntoKnownWordsDroppingLinkingLetters) {
  auto is_word = [](absl::string_view w) { return kLexicon.count(std::string(w)) > 0; };
  EXPECT_EQ(Decompounder::Split(GetParam().word, is_word), GetParam().parts);
}

INSTANTIATE_TEST_SUITE_P(Danish, DecompounderTest,
                         testing::Values(SplitCase{"misbrugsbehandling", {"misbrug", "behandling"}},
                                         SplitCase{"kvindekrisecenter", {"kvinde", "krisecenter"}},
                                         SplitCase{"herbergsplads", {"herberg", "plads"}},
                                         SplitCase{"alkoholbehandling", {"alkohol", "behandling"}},
                                         SplitCase{"lederpraktik", {"leder", "praktik"}},
                                         SplitCase{"aktivitetstilbud", {"aktivitet", "tilbud"}},
                                         SplitCase{"hjemmepleje", {"hjemme", "pleje"}},
                                         // Not compounds of known words, or too short.
                                         SplitCase{"behandling", {}}, SplitCase{"sundholm", {}},
                                         SplitCase{"plads", {}}));

}  // namespace
}  // namespace sofdir::search
