#include "server/search/analyzer.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sofdir::search {
namespace {

class AnalyzerTest : public testing::Test {
 protected:
  void SetUp() override {
    auto a = Analyzer::Create("");
    ASSERT_TRUE(a.ok()) << a.status();
    analyzer_ = std::move(*a);
  }
  std::string StemOf(const std::string& word) {
    auto tokens = analyzer_->Analyze(word);
    return tokens.size() == 1 ? tokens[0].stem : "<" + std::to_string(tokens.size()) + ">";
  }
  std::unique_ptr<Analyzer> analyzer_;
};

struct SameStem {
  std::string a, b;
};
// Names the case in test output (ctest lists it) instead of dumping bytes.
void PrintTo(const SameStem& c, std::ostream* os) { *os << c.a << " ~ " << c.b; }

class InflectionTest : public AnalyzerTest, public testing::WithParamInterface<SameStem> {};

TEST_P(InflectionTest, InflectionsAndSpellingsShareAStem) {
  EXPECT_EQ(StemOf(GetParam().a), StemOf(GetParam().b));
}

INSTANTIATE_TEST_SUITE_P(
    Danish, InflectionTest,
    testing::Values(SameStem{"unge", "ung"}, SameStem{"tilbuddene", "tilbud"},
                    SameStem{"behandlingen", "behandling"}, SameStem{"hjemløse", "hjemloese"},
                    SameStem{"hjemløse", "hjemlose"}, SameStem{"bostøtte", "bostotte"},
                    SameStem{"rådgivningen", "raadgivning"}, SameStem{"mænd", "maend"},
                    SameStem{"kvinder", "kvinde"}, SameStem{"sindslidende", "Sindslidende"}));

TEST_F(AnalyzerTest, FlagsStopWordsButKeepsContentWords) {
  auto tokens = analyzer_->Analyze("hvem arbejder med relationel koordinering");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_TRUE(tokens[0].stop);   // hvem
  EXPECT_FALSE(tokens[1].stop);  // arbejder
  EXPECT_TRUE(tokens[2].stop);   // med
  EXPECT_FALSE(tokens[3].stop);
  EXPECT_FALSE(tokens[4].stop);
}

TEST_F(AnalyzerTest, DigitsAreNotStemmed) {
  auto tokens = analyzer_->Analyze("SEL § 107");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].stem, "sel");
  EXPECT_EQ(tokens[1].stem, "107");
}

// A person noun derived from a condition reaches the condition's index
// term: through DerivedBases, or because the stemmer already joins them.
struct Derived {
  std::string word, base;
};
void PrintTo(const Derived& c, std::ostream* os) { *os << c.word << " -> " << c.base; }

class PersonNounTest : public AnalyzerTest, public testing::WithParamInterface<Derived> {};

TEST_P(PersonNounTest, ReachesTheBaseItIsDerivedFrom) {
  const std::string base = StemOf(GetParam().base);
  const std::vector<std::string> bases = analyzer_->DerivedBases(GetParam().word);
  EXPECT_TRUE(StemOf(GetParam().word) == base ||
              std::find(bases.begin(), bases.end(), base) != bases.end())
      << "stem " << StemOf(GetParam().word) << ", bases " << testing::PrintToString(bases)
      << ", want " << base;
  EXPECT_LE(bases.size(), Analyzer::kMaxDerivedBases);
  EXPECT_EQ(std::find(bases.begin(), bases.end(), StemOf(GetParam().word)), bases.end());
}

INSTANTIATE_TEST_SUITE_P(
    Danish, PersonNounTest,
    testing::Values(
        Derived{"ludomaner", "ludomani"}, Derived{"ludomanen", "ludomani"},
        Derived{"narkomaner", "narkomani"}, Derived{"selvskadere", "selvskade"},
        Derived{"gangbesværede", "gangbesvær"}, Derived{"misbrugere", "misbrug"},
        Derived{"misbrugerne", "misbrug"}, Derived{"stofbrugere", "stofbrug"},
        Derived{"diabetikere", "diabetes"}, Derived{"diabetiker", "diabetes"},
        Derived{"alkoholikere", "alkohol"}, Derived{"alkoholikerne", "alkoholisme"},
        Derived{"epileptikere", "epilepsi"}, Derived{"psykotikere", "psykose"},
        Derived{"allergikere", "allergi"}, Derived{"kræftramte", "kræft"},
        Derived{"Kræftramte", "kræft"}, Derived{"demensramte", "demens"},
        Derived{"voldsramte", "vold"}, Derived{"stressramte", "stress"}, Derived{"syge", "sygdom"},
        Derived{"syg", "sygdom"}, Derived{"sindssyge", "sindssygdom"}, Derived{"demente", "demens"},
        Derived{"autister", "autisme"}, Derived{"autisten", "autisme"},
        Derived{"sindslidende", "sindslidelse"}, Derived{"handicappede", "handicap"},
        Derived{"handicappet", "handicap"}, Derived{"udviklingshæmmede", "udviklingshæmning"},
        Derived{"udviklingshaemmede", "udviklingshæmning"},
        Derived{"udviklingshæmmet", "udviklingshæmning"}, Derived{"hjerneskadede", "hjerneskade"},
        Derived{"traumatiserede", "traumatisering"}, Derived{"hjemløse", "hjemløshed"},
        Derived{"hjemlose", "hjemløshed"}, Derived{"arbejdsløse", "arbejdsløshed"},
        Derived{"afhængige", "afhængighed"}, Derived{"stofafhængige", "stofafhængighed"},
        Derived{"sårbare", "sårbarhed"}, Derived{"ensomme", "ensomhed"},
        Derived{"ordblinde", "ordblindhed"}, Derived{"anbragte", "anbringelse"},
        Derived{"tvangsanbragte", "tvangsanbringelse"}, Derived{"indlagte", "indlæggelse"}));

class OrdinaryWordTest : public AnalyzerTest, public testing::WithParamInterface<std::string> {};

TEST_P(OrdinaryWordTest, HasNoDerivedBase) {
  EXPECT_THAT(analyzer_->DerivedBases(GetParam()), testing::IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Danish, OrdinaryWordTest,
                         testing::Values("unge", "ældre", "aeldre", "andre", "flere",
                                         "medarbejdere", "borgere", "børn", "voksne", "kvinder",
                                         "mænd", "familie", "tilbud", "botilbud", "værested",
                                         "bostøtte", "misbrug", "behandling", "psykisk",
                                         "politikere", "sagsbehandlere", "pårørende", "nye", "107",
                                         "sel", "", "æ"));

TEST_F(AnalyzerTest, DerivedBasesAreTheSameForTypedAndFoldedWords) {
  EXPECT_EQ(analyzer_->DerivedBases("Gangbesværede"), analyzer_->DerivedBases("gangbesvarede"));
  EXPECT_EQ(analyzer_->DerivedBases("KRÆFTRAMTE"), analyzer_->DerivedBases("kraftramte"));
}

// Snippets look up only the words that contain a matched term's text
// (IndexState::Highlight), which relies on a stem being a prefix of its
// word: the Danish stemmer only strips endings. Pinned on every word of the
// shipped demo directory.
TEST_F(AnalyzerTest, AStemIsAPrefixOfItsWord) {
  const char* root = std::getenv("SOFDIR_SOURCE_DIR");
  if (root == nullptr) GTEST_SKIP() << "SOFDIR_SOURCE_DIR not set";
  std::ifstream in(std::string(root) + "/data/demo-directory.jsonl");
  ASSERT_TRUE(in.good());
  std::string line;
  size_t words = 0;
  while (std::getline(in, line)) {
    for (const AnalyzedToken& t : analyzer_->Analyze(line)) {
      ++words;
      ASSERT_EQ(t.surface.compare(0, t.stem.size(), t.stem), 0)
          << "stem \"" << t.stem << "\" of \"" << t.surface << "\"";
    }
  }
  EXPECT_GT(words, 10000u);
}

TEST(AnalyzerCreateTest, MissingStopWordsFileIsNotFound) {
  EXPECT_EQ(Analyzer::Create("/nonexistent/stopwords.txt").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace sofdir::search
