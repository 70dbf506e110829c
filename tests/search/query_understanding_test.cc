#include "server/search/query_understanding.h"

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/search/analyzer.h"
#include "server/search/text_folder.h"
#include "tests/search/query_understanding_fixture.h"

namespace sofdir::search::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

struct TextCase {
  const char* text;
  const char* rewritten;
  std::vector<std::string> kinds;  // preferred_kinds
};

TEST_F(QueryUnderstandingTest, KindWordsBecomeAKindPreference) {
  const TextCase cases[] = {
      {"skal ud og se et botilbud", "et botilbud", {"praktik"}},
      {"Besøg hos en bostøtte", "en bostøtte", {"praktik"}},
      {"følge en kollega på et herberg", "på et herberg", {"praktik"}},
      {"job shadowing misbrug", "misbrug", {"praktik"}},
      {"praktikken på sundholm", "praktikken på sundholm", {"praktik"}},
      {"netværk for pårørende", "netværk for pårørende", {"partner"}},
      {"samarbejde med politiet", "politiet", {"partner"}},
      {"Samarbejdspartnere om hjemløshed", "om hjemløshed", {"partner"}},
      {"kollega autisme", "autisme", {"person"}},
      {"kollegaer der kan FIT", "der kan FIT", {"person"}},
      {"fagpersoner misbrug", "misbrug", {"person"}},
      {"NØGLEPERSON VUM", "VUM", {"person"}},
      {"kigge med en dag og lære FIT", "og FIT", {"praktik"}},
      {"skyggepraktik myndighed", "myndighed", {"praktik"}},
      {"medarbejder på et værested", "et værested", {"person"}},
      {"nogen at ringe til om hjemløshed", "om hjemløshed", {"person", "unit"}},
      {"afdelingen for handicap", "afdelingen for handicap", {"unit"}},
      {"center for autisme", "center for autisme", {"unit"}},
      {"tilbuddet til hjemløse", "til hjemløse", {"tilbud"}},
      {"en plads på et bosted", "en på et bosted", {"tilbud"}},
  };
  for (const TextCase& c : cases) {
    UnderstoodQuery u = Understand(c.text);
    EXPECT_EQ(u.query.text, c.rewritten) << c.text;
    EXPECT_EQ(u.query.preferred_kinds, c.kinds) << c.text;
    ASSERT_NE(Find(u, "kind"), nullptr) << c.text;
    EXPECT_THAT(Find(u, "kind")->effect, HasSubstr("foretrækker ")) << c.text;
    EXPECT_TRUE(u.query.kinds.empty()) << "a preference, never a filter: " << c.text;
  }
  UnderstoodQuery u = Understand("skal ud og se et botilbud");
  EXPECT_EQ(u.steps[0].effect, "foretrækker praktikophold");
  EXPECT_THAT(u.steps[0].words, ElementsAre("skal ud og se"));
  EXPECT_EQ(Understand("center for autisme").steps[0].effect,
            "foretrækker enheder (ordet søges også)");
  // Persons only: the units they sit in hold the same words and follow on their own.
  EXPECT_EQ(Understand("kollega autisme").steps[0].effect, "foretrækker personer");
  EXPECT_EQ(Understand("ringe til om hjemløshed").steps[0].effect,
            "foretrækker personer og enheder");
}

TEST_F(QueryUnderstandingTest, QuestionFramesAndFillerAreLeftOut) {
  const TextCase cases[] = {
      {"kan I anbefale et botilbud?", "et botilbud", {}},
      {"Kan du anbefale noget mod ensomhed", "noget mod ensomhed", {}},
      {"har vi noget til hjemløse kvinder", "hjemløse kvinder", {}},
      {"er der et sted der tager hjemløse", "tager hjemløse", {}},
      {"hvad gør man med en borger med hamstring", "med hamstring", {}},
      {"mangler et tilbud til hjemløse", "hjemløse", {"tilbud"}},
      {"jeg leder efter værested", "værested", {}},
      {"hvor kan man få misbrugsbehandling", "misbrugsbehandling", {}},
      {"hjælp til en borger med spiseforstyrrelse", "med spiseforstyrrelse", {"tilbud"}},
      {"findes der noget for pårørende", "for pårørende", {}},
      {"hvilke tilbud er der til hjemløse i københavn", "hjemløse", {"tilbud"}},
      {"hvor kan en kvinde i prostitution få hjælp", "en kvinde i prostitution", {"tilbud"}},
  };
  for (const TextCase& c : cases) {
    UnderstoodQuery u = Understand(c.text);
    EXPECT_EQ(u.query.text, c.rewritten) << c.text;
    EXPECT_EQ(u.query.preferred_kinds, c.kinds) << c.text;
    ASSERT_NE(Find(u, "question"), nullptr) << c.text;
  }
  UnderstoodQuery u = Understand("kan I anbefale et botilbud?");
  EXPECT_THAT(u.steps[0].words, ElementsAre("kan I anbefale"));
  EXPECT_EQ(u.steps[0].effect, "spørgeform, ikke søgt på");
  EXPECT_EQ(Find(Understand("mangler et tilbud til hjemløse"), "question")->effect,
            "spørgeform, ikke søgt på; foretrækker tilbud");
}

TEST_F(QueryUnderstandingTest, ExpertiseFramesAskWhoKnowsTheTopic) {
  const std::pair<const char*, const char*> cases[] = {
      {"hvem ved mest om FIT", "FIT"},
      {"Hvem ved noget om relationel koordinering", "relationel koordinering"},
      {"hvem kan VUM", "VUM"},
      {"spørge nogen om magtanvendelse", "magtanvendelse"},
      {"ekspert i Low Arousal", "Low Arousal"},
      {"nogen med erfaring med hamstring", "hamstring"},
      {"er der nogen der ved noget om FIT", "FIT"},
      {"hvem kan hjælpe med CSC Social", "CSC Social"},
      {"HVEM HAR ERFARINGER MED skolefravær", "skolefravær"},
      {"hvem skal jeg kontakte om magtanvendelse", "magtanvendelse"},
  };
  for (const auto& [text, topic] : cases) {
    UnderstoodQuery u = Understand(text);
    EXPECT_EQ(u.query.text, topic) << text;
    EXPECT_TRUE(u.query.expertise) << text;
    EXPECT_THAT(u.query.preferred_kinds, ElementsAre("person", "unit")) << text;
    ASSERT_NE(Find(u, "expertise"), nullptr) << text;
    EXPECT_EQ(Find(u, "expertise")->effect,
              std::string("leder efter personer og enheder, der ved noget om «") + topic + "»")
        << text;
  }
}

TEST_F(QueryUnderstandingTest, AvailabilityWordsFilterToFreePlacesInOneStep) {
  for (const char* text :
       {"botilbud ledig plads", "ledige pladser botilbud", "botilbud Åbent for indskrivning",
        "botilbud aabent for indskrivning", "botilbud kan starte nu", "botilbud uden venteliste",
        "botilbud, ledige pladser og kan starte med det samme"}) {
    UnderstoodQuery u = Understand(text);
    EXPECT_TRUE(u.query.only_free) << text;
    EXPECT_EQ(u.query.text.substr(0, 8), "botilbud") << text;
    EXPECT_THAT(Rules(u), ElementsAre("free_places")) << text;
    EXPECT_EQ(u.steps[0].effect, "viser kun tilbud med ledige pladser") << text;
  }
  EXPECT_THAT(Understand("botilbud, ledige pladser og kan starte med det samme").steps[0].words,
              ElementsAre("ledige pladser", "kan starte med det samme"));
}

TEST_F(QueryUnderstandingTest, LegalBasisNotationsAreRewrittenToTheDataSpelling) {
  const std::pair<const char*, const char*> cases[] = {
      {"§107", "SEL § 107"},
      {"§ 107", "SEL § 107"},
      {"SEL107", "SEL § 107"},
      {"sel 107", "SEL § 107"},
      {"serviceloven 107", "SEL § 107"},
      {"Serviceloven § 107", "SEL § 107"},
      {"servicelovens § 107", "SEL § 107"},
      {"lov om social service § 107", "SEL § 107"},
      {"paragraf 85 bostøtte", "SEL § 85 bostøtte"},
      {"botilbud efter § 108", "botilbud efter SEL § 108"},
      {"barnets lov § 114", "Barnets Lov § 114"},
      {"Barnets lov 32", "Barnets Lov § 32"},
      {"BL 32", "Barnets Lov § 32"},
      {"sundhedsloven § 141", "SUL § 141"},
      {"SUL 141", "SUL § 141"},
  };
  for (const auto& [text, rewritten] : cases) {
    UnderstoodQuery u = Understand(text);
    EXPECT_EQ(u.query.text, rewritten) << text;
    EXPECT_TRUE(u.query.legal_basis.empty()) << "never a filter: " << text;
    ASSERT_NE(Find(u, "legal_basis"), nullptr) << text;
  }
  UnderstoodQuery u = Understand("serviceloven 107");
  EXPECT_EQ(u.steps[0].effect, "læser «serviceloven 107» som SEL § 107");
  EXPECT_THAT(u.steps[0].words, ElementsAre("serviceloven 107"));
  u = Understand("botilbud (§107)");
  EXPECT_EQ(u.query.text, "botilbud SEL § 107");
  EXPECT_EQ(u.steps[0].effect, "læser «§107» som SEL § 107");
  // Already canonical, or not a paragraph: nothing to say.
  EXPECT_THAT(Understand("SEL § 107").steps, IsEmpty());
  EXPECT_EQ(Understand("SEL § 107").query.text, "SEL § 107");
  EXPECT_EQ(Understand("serviceloven").query.text, "serviceloven");
  EXPECT_EQ(Understand("par i krise").query.text, "par i krise");
}

struct DateCase {
  const char* text;
  const char* rewritten;
  const char* from;
  const char* to;
  const char* effect;  // of the first slot_date step
};

// A paragraph without its law is read as the law the directory's records
// cite with that number; the rules' default law (SEL) when they cite it too,
// when several other laws do, or when nothing is known.
TEST_F(QueryUnderstandingTest, AParagraphWithoutItsLawIsTheLawTheRecordsCite) {
  const QueryUnderstanding::HeldLegalBases held = [](int paragraph) {
    if (paragraph == 32) return std::vector<std::string>{"Barnets Lov § 32"};
    if (paragraph == 107) return std::vector<std::string>{"Barnets Lov § 107", "SEL § 107"};
    if (paragraph == 50) return std::vector<std::string>{"Barnets Lov § 50", "SUL § 50"};
    return std::vector<std::string>{};
  };
  QueryUnderstanding understanding(*rules_, analyzer_);
  auto read = [&](const std::string& text) {
    SearchQuery q;
    q.text = text;
    q.today = kToday;
    auto u = understanding.Understand(q, held);
    EXPECT_TRUE(u.ok()) << u.status();
    return u.ok() ? u->query.text : "";
  };
  EXPECT_EQ(read("aflastning § 32"), "aflastning Barnets Lov § 32");
  EXPECT_EQ(read("paragraf 32 aflastning"), "Barnets Lov § 32 aflastning");
  EXPECT_EQ(read("§ 107"), "SEL § 107");                 // SEL cites it too
  EXPECT_EQ(read("§ 50"), "SEL § 50");                   // two other laws: no guess
  EXPECT_EQ(read("§ 85"), "SEL § 85");                   // nothing known
  EXPECT_EQ(read("serviceloven § 32"), "SEL § 32");      // the law typed wins
  EXPECT_EQ(Understand("§ 32").query.text, "SEL § 32");  // without the index
}

TEST_F(QueryUnderstandingTest, DatesBecomeAPraktikSlotWindowFromToday) {
  const DateCase cases[] = {
      {"praktik i oktober", "praktik", "2026-10-05", "2026-10-31",
       "praktik med start i oktober 2026"},
      {"praktik i september", "praktik", "2027-09-01", "2027-09-30",
       "praktik med start i september 2027"},
      {"I SEPTEMBER", "", "2027-09-01", "2027-09-30", "praktik med start i september 2027"},
      {"okt 2027", "", "2027-10-01", "2027-10-31", "praktik med start i oktober 2027"},
      {"fra 1. november", "", "2026-11-01", "", "praktik med start fra 1. november 2026"},
      {"primo december", "", "2026-12-01", "2026-12-10",
       "praktik med start i starten af december 2026"},
      {"efter oktober", "", "2026-11-01", "", "praktik med start efter oktober 2026"},
      {"i uge 12", "", "2027-03-22", "2027-03-28",
       "praktik med start i uge 12 (22.–28. marts 2027)"},
      {"uge 41", "", "2026-10-05", "2026-10-11",
       "praktik med start i uge 41 (5.–11. oktober 2026)"},
      {"uge 12-14", "", "2027-03-22", "2027-04-11",
       "praktik med start i uge 12–14 (22. marts–11. april 2027)"},
      {"inden jul", "", "2026-10-05", "2026-12-23",
       "praktik med start fra i dag til 23. december 2026"},
      {"i næste måned", "", "2026-11-01", "2026-11-30", "praktik med start i november 2026"},
      {"næste uge", "", "2026-10-12", "2026-10-18",
       "praktik med start i uge 42 (12.–18. oktober 2026)"},
      {"efter nytår", "", "2027-01-02", "", "praktik med start fra 2. januar 2027"},
      {"kan starte i januar", "", "2027-01-01", "2027-01-31", "praktik med start i januar 2027"},
      {"med opstart fra uge 44", "", "2026-10-26", "",
       "praktik med start fra uge 44 (26. oktober–1. november 2026)"},
      {"fra i morgen", "", "2026-10-06", "", "praktik med start fra 6. oktober 2026"},
      {"i foråret", "", "2027-03-01", "2027-05-31",
       "praktik med start mellem 1. marts og 31. maj 2027"},
      {"botilbud oktober eller november", "botilbud eller", "2026-10-05", "2026-11-30",
       "praktik med start i oktober 2026"},
  };
  for (const DateCase& c : cases) {
    UnderstoodQuery u = Understand(c.text);
    EXPECT_EQ(u.query.text, c.rewritten) << c.text;
    EXPECT_EQ(u.query.slot_from, c.from) << c.text;
    EXPECT_EQ(u.query.slot_to, c.to) << c.text;
    ASSERT_NE(Find(u, "slot_date"), nullptr) << c.text;
    EXPECT_EQ(Find(u, "slot_date")->effect, c.effect) << c.text;
    EXPECT_THAT(u.query.preferred_kinds, ::testing::Contains("praktik")) << c.text;
  }
  // Around the turn of the year, and for a window that has begun.
  SearchQuery q;
  q.text = "i vinter";
  q.today = "2027-01-15";
  UnderstoodQuery winter = Understand(q);
  EXPECT_EQ(winter.query.slot_from, "2027-01-15");
  EXPECT_EQ(winter.query.slot_to, "2027-02-28");
  q.text = "efter nytår";
  q.today = "2027-03-10";
  EXPECT_EQ(Understand(q).query.slot_from, "2027-03-10");
  q.today = "2026-12-05";
  EXPECT_EQ(Understand(q).query.slot_from, "2027-01-02");
}

TEST_F(QueryUnderstandingTest, WordsThatOnlyLookLikeDatesStaySearchWords) {
  for (const char* text : {"jan", "Julie Hansen", "sep", "hvem er Jan", "uge 60", "maj-britt"}) {
    UnderstoodQuery u = Understand(text);
    EXPECT_EQ(Find(u, "slot_date"), nullptr) << text;
    EXPECT_TRUE(u.query.slot_from.empty()) << text;
  }
  EXPECT_EQ(Understand("Julie Hansen").query.text, "Julie Hansen");
}

struct AgeCase {
  const char* text;
  const char* rewritten;
  int low, high;
};

TEST_F(QueryUnderstandingTest, AgeWordsBecomeAnAgePreference) {
  const AgeCase cases[] = {
      {"8-årig med autisme", "med autisme", 8, 8},
      {"8 årig med autisme", "med autisme", 8, 8},
      {"8årige med autisme", "med autisme", 8, 8},
      {"pige på 14 år", "pige", 14, 14},
      {"småbørn", "", 0, 5},
      {"spædbørn og deres mødre", "og deres mødre", 0, 1},
      {"over 65 demens", "demens", 65, 99},
      {"misbrug blandt ældre over 60", "misbrug blandt ældre", 60, 99},
      {"under 18 misbrug", "misbrug", 0, 17},
      {"15-25 år hjemløse", "hjemløse", 15, 25},
      {"unge med misbrug", "unge med misbrug", 15, 29},
      {"Ældre med demens", "Ældre med demens", 65, 99},
      {"aeldre", "aeldre", 65, 99},
      {"pensionister", "", 65, 99},
      {"teenagere med angst", "med angst", 13, 19},
      {"børn og unge", "børn og unge", 0, 29},
      {"unge under 18", "unge", 0, 17},
      {"under 18 unge", "unge", 0, 17},
  };
  for (const AgeCase& c : cases) {
    UnderstoodQuery u = Understand(c.text);
    EXPECT_EQ(u.query.text, c.rewritten) << c.text;
    ASSERT_TRUE(u.query.preferred_ages.has_value()) << c.text;
    EXPECT_EQ(*u.query.preferred_ages, std::make_pair(c.low, c.high)) << c.text;
    EXPECT_FALSE(u.query.age.has_value()) << "a preference, never a filter: " << c.text;
  }
  EXPECT_EQ(Understand("8-årig").steps[0].effect, "foretrækker tilbud til 8-årige");
  EXPECT_EQ(Understand("småbørn").steps[0].effect, "foretrækker tilbud til 0–5-årige");
  EXPECT_EQ(Understand("over 65").steps[0].effect, "foretrækker tilbud til personer fra 65 år");
  EXPECT_EQ(Understand("unge").steps[0].effect,
            "foretrækker tilbud til 15–29-årige (ordet søges også)");
  EXPECT_FALSE(Understand("uge 2500 år").query.preferred_ages.has_value());
}

// "kvinder med børn": the children come along; the women are whom the
// tilbud is for, so no age preference (a crisis centre is for adults).
TEST_F(QueryUnderstandingTest, ChildrenWhoComeAlongSetNoAge) {
  for (const char* text :
       {"voldsramte kvinder med børn", "forældre med børn", "Familier med børn"}) {
    UnderstoodQuery u = Understand(text);
    EXPECT_EQ(u.query.text, text) << text;
    EXPECT_FALSE(u.query.preferred_ages.has_value()) << text;
    EXPECT_EQ(Find(u, "age"), nullptr) << text;
  }
  EXPECT_EQ(Understand("aflastning til børn med adhd").query.preferred_ages, std::make_pair(0, 17));
}

TEST_F(QueryUnderstandingTest, RequestFiltersWinOverTheText) {
  SearchQuery q;
  q.kinds = {"tilbud"};
  q.text = "praktik i Valby";
  UnderstoodQuery u = Understand(q);
  EXPECT_THAT(u.query.preferred_kinds, IsEmpty());
  EXPECT_EQ(u.query.kinds, std::vector<std::string>{"tilbud"});
  ASSERT_NE(Find(u, "conflict"), nullptr);
  EXPECT_EQ(Find(u, "conflict")->effect,
            "søger kun i tilbud som valgt i filteret; «praktik» peger på praktikophold og er "
            "ignoreret (ordet søges også)");

  q.text = "besøg hos et botilbud";
  u = Understand(q);
  EXPECT_EQ(u.query.text, "et botilbud");
  EXPECT_THAT(Rules(u), ElementsAre("conflict"));

  q.text = "hvem ved om FIT";
  u = Understand(q);
  EXPECT_FALSE(u.query.expertise);
  EXPECT_EQ(u.query.text, "FIT");
  EXPECT_THAT(Rules(u), ElementsAre("conflict"));

  q.text = "i oktober";
  u = Understand(q);
  EXPECT_TRUE(u.query.slot_from.empty());
  EXPECT_THAT(Rules(u), ElementsAre("conflict"));
  EXPECT_THAT(u.steps[0].effect, HasSubstr("datoer gælder kun praktik"));

  q = SearchQuery();
  q.kinds = {"praktik"};
  q.text = "ledig plads";
  u = Understand(q);
  EXPECT_FALSE(u.query.only_free);
  EXPECT_THAT(Rules(u), ElementsAre("conflict"));

  q = SearchQuery();
  q.kinds = {"unit", "praktik"};
  q.text = "ringe til";  // person and unit: the unit part is within the filter
  u = Understand(q);
  EXPECT_THAT(u.query.preferred_kinds, ElementsAre("unit"));
  EXPECT_THAT(Rules(u), ElementsAre("kind"));

  q = SearchQuery();
  q.district = "Valby";
  q.text = "botilbud nørrebro";
  u = Understand(q);
  // A district's name is a (keep) word, but against the district chosen it
  // is ignored, as the step says: searched, it would all but empty Valby.
  EXPECT_EQ(u.query.text, "botilbud");
  EXPECT_THAT(u.query.preferred_districts, IsEmpty());
  EXPECT_EQ(u.query.district, "Valby");
  EXPECT_EQ(Find(u, "conflict")->effect,
            "bydel er valgt i filteret (Valby); «nørrebro» i teksten er ignoreret");

  q = SearchQuery();
  q.age = 30;
  q.text = "bostøtte unge";  // "unge" is an age word and a search word
  u = Understand(q);
  EXPECT_EQ(u.query.text, "bostøtte unge");
  EXPECT_FALSE(u.query.preferred_ages.has_value());
  EXPECT_EQ(Find(u, "conflict")->effect,
            "alder er valgt i filteret (30 år); «unge» bruges ikke som alder, men søges som ord");

  q = SearchQuery();
  q.district = "Valby";
  q.text = "botilbud 2200";
  u = Understand(q);
  EXPECT_EQ(u.query.text, "botilbud");
  EXPECT_EQ(Find(u, "conflict")->effect,
            "bydel er valgt i filteret (Valby); «2200» i teksten er ignoreret");

  q = SearchQuery();
  q.only_free = true;
  q.text = "ledig plads botilbud ledige pladser";
  u = Understand(q);
  EXPECT_EQ(u.query.text, "botilbud");
  EXPECT_THAT(Rules(u), ElementsAre("free_places"));
  EXPECT_EQ(u.steps[0].effect, "viser kun tilbud med ledige pladser (allerede valgt i filteret)");

  q = SearchQuery();
  q.age = 12;
  q.text = "småbørn";
  u = Understand(q);
  EXPECT_FALSE(u.query.preferred_ages.has_value());
  EXPECT_THAT(Rules(u), ElementsAre("conflict"));

  q = SearchQuery();
  q.legal_basis = "SEL § 85";
  q.text = "§ 107 bostøtte";
  u = Understand(q);
  EXPECT_EQ(u.query.text, "bostøtte");
  EXPECT_THAT(Rules(u), ElementsAre("conflict"));

  q = SearchQuery();
  q.slot_from = "2026-11-01";
  q.text = "praktik i oktober";
  u = Understand(q);
  EXPECT_EQ(u.query.slot_from, "2026-11-01");
  EXPECT_TRUE(u.query.slot_to.empty());
  EXPECT_THAT(Rules(u), ElementsAre("kind", "conflict"));
}

TEST_F(QueryUnderstandingTest, AQueryOfOnlyRuleWordsListsOrSaysWhatIsMissing) {
  UnderstoodQuery u = Understand("hvem");
  EXPECT_EQ(u.query.text, "");
  EXPECT_TRUE(u.query.expertise);
  EXPECT_THAT(Rules(u), ElementsAre("expertise", "missing"));
  EXPECT_EQ(u.steps[1].effect, "skriv hvad du leder efter, fx et emne eller en målgruppe");
  EXPECT_THAT(u.steps[1].words, IsEmpty());

  u = Understand("ledig plads");
  EXPECT_EQ(u.query.text, "");
  EXPECT_TRUE(u.query.only_free);
  EXPECT_THAT(Rules(u), ElementsAre("free_places"));  // a filter: the engine lists

  u = Understand("praktik i oktober");
  EXPECT_EQ(u.query.text, "praktik");
  EXPECT_THAT(Rules(u), ElementsAre("kind", "slot_date"));

  u = Understand("i oktober");
  EXPECT_EQ(u.query.text, "");
  EXPECT_THAT(Rules(u), ElementsAre("slot_date"));

  for (const char* text :
       {"kan I anbefale", "samarbejdspartner", "hvem er der", "Hvem ved noget om?"}) {
    u = Understand(text);
    EXPECT_EQ(Rules(u).back(), "missing") << text;
  }
  // A filter from the request is something to list by.
  SearchQuery q;
  q.text = "hvem";
  q.area = "Handicap";
  EXPECT_THAT(Rules(Understand(q)), ElementsAre("expertise"));
  // Nothing fired: an empty query is a listing, not a mistake.
  EXPECT_THAT(Understand("").steps, IsEmpty());
}

TEST_F(QueryUnderstandingTest, LiteralSwitchReturnsTheQueryUnchanged) {
  SearchQuery q;
  q.text = "kan I anbefale et botilbud ledig plads i Valby i oktober §107";
  q.interpret = false;
  q.kinds = {"tilbud"};
  auto u = QueryUnderstanding(*rules_, analyzer_).Understand(q);
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_THAT(u->steps, IsEmpty());
  EXPECT_EQ(u->query.text, q.text);
  EXPECT_FALSE(u->query.only_free);
  EXPECT_THAT(u->query.preferred_kinds, IsEmpty());
  EXPECT_THAT(u->query.preferred_districts, IsEmpty());
  EXPECT_TRUE(u->query.slot_from.empty());
  EXPECT_EQ(u->query.kinds, q.kinds);
}

TEST_F(QueryUnderstandingTest, WithoutTodayDatesCountFromCopenhagensDate) {
  SearchQuery q;
  q.text = "i næste måned";
  auto u = QueryUnderstanding(*rules_, analyzer_).Understand(q);
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->query.slot_from.size(), 10u);
  EXPECT_EQ(u->query.slot_to.size(), 10u);
  EXPECT_LT(u->query.slot_from, u->query.slot_to);
}

TEST_F(QueryUnderstandingTest, NamesAndContentWordsAreNotTakenForRules) {
  // Names and target groups from the directory's own vocabulary.
  for (const char* text : {"Støtte- og kontaktperson", "støtte og kontaktperson unge",
                           "Børne- og Ungdomsforvaltningen", "personer med handicap",
                           "tidlig indsats", "Team Bostøtte Syd", "SPC NV", "misbrugsbehandling",
                           "Rådgivningscenter Indre By/Østerbro"}) {
    UnderstoodQuery u = Understand(text);
    for (const InterpretationStep& s : u.steps) {
      EXPECT_TRUE(s.rule == "age" || s.rule == "kind" || s.rule == "place")
          << text << ": " << s.rule;
    }
    if (std::string(text) != "Rådgivningscenter Indre By/Østerbro") {
      EXPECT_EQ(u.query.text, text) << "nothing of a name is dropped: " << text;
    }
  }
}

TEST_F(QueryUnderstandingTest, SeveralCategoriesInOneQuery) {
  UnderstoodQuery u = Understand(
      "kan I anbefale et botilbud til en 19-årig med autisme på "
      "Nørrebro med ledig plads efter §107");
  EXPECT_EQ(u.query.text, "et botilbud til en med autisme på Nørrebro med efter SEL § 107");
  EXPECT_TRUE(u.query.only_free);
  EXPECT_EQ(u.query.preferred_ages, std::make_pair(19, 19));
  EXPECT_THAT(u.query.preferred_districts, ElementsAre("Nørrebro"));
  EXPECT_THAT(Rules(u), ElementsAre("question", "age", "place", "free_places", "legal_basis"));
}

// Cost per query, printed for the report; the bound is generous so the test
// holds on a loaded machine (the measured figure is far below it).
TEST_F(QueryUnderstandingTest, UnderstandingCostsWellUnderFiftyMicrosecondsPerQuery) {
  const std::vector<std::string> texts = {
      "kan I anbefale et botilbud til en 19-årig med autisme på Nørrebro med ledig plads",
      "hvem ved mest om relationel koordinering",
      "praktik i uge 12 på et herberg",
      "serviceloven § 107 midlertidigt botilbud Valby Langgade",
      "misbrugsbehandling",
      "værested for hjemløse kvinder",
  };
  QueryUnderstanding understanding(*rules_, analyzer_);
  SearchQuery q;
  q.today = kToday;
  size_t steps = 0;
  constexpr int kRounds = 2000;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i) {
    for (const std::string& t : texts) {
      q.text = t;
      auto u = understanding.Understand(q);
      steps += u->steps.size();
    }
  }
  const double micros =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() /
      (kRounds * texts.size());
  std::cout << "query understanding: " << micros << " us per query (" << steps << " steps)\n";
  RecordProperty("micros_per_query", std::to_string(micros));
#ifdef NDEBUG
  EXPECT_LT(micros, 50.0);
#endif
}

}  // namespace
}  // namespace sofdir::search::testing
