// Query understanding of places: a neighbourhood, street, postcode or landmark
// in the text becomes a district preference, a request district that is a
// place expands to its districts, and the word left last stays whole.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/search/query_understanding_fixture.h"

namespace sofdir::search::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

struct PlaceCase {
  const char* text;
  const char* rewritten;
  std::vector<std::string> districts;
};

TEST_F(QueryUnderstandingTest, PlacesBecomeADistrictPreference) {
  const PlaceCase cases[] = {
      {"botilbud Valby Langgade", "botilbud Valby Langgade", {"Valby"}},
      {"værestedet på apollovej", "værestedet på apollovej", {"Vanløse"}},
      {"værested 2500", "værested", {"Valby"}},
      {"værested 2500 Valby", "værested", {"Valby"}},
      {"Bellahøj bostøtte", "bostøtte", {"Brønshøj-Husum"}},
      {"sydhavnen", "", {"Vesterbro/Kongens Enghave"}},
      {"botilbud noerrebro", "botilbud noerrebro", {"Nørrebro"}},
      {"Islands Brygge", "", {"Amager Vest"}},
      {"herberg på Amager", "herberg på Amager", {"Amager Øst", "Amager Vest"}},
      {"amager øst", "amager øst", {"Amager Øst"}},
      {"København NV", "", {"Bispebjerg"}},
      {"2400 NV misbrug", "misbrug", {"Bispebjerg"}},
      {"1620 V", "", {"Vesterbro/Kongens Enghave"}},
      {"Kbh S", "", {"Amager Øst", "Amager Vest"}},
      {"Vesterbro/Kongens Enghave", "", {"Vesterbro/Kongens Enghave"}},
      {"broenshoej-husum", "", {"Brønshøj-Husum"}},
      {"center for unge nordvest", "center for unge nordvest", {"Bispebjerg"}},
      {"Sundholm", "Sundholm", {"Amager Vest"}},
  };
  for (const PlaceCase& c : cases) {
    UnderstoodQuery u = Understand(c.text);
    EXPECT_EQ(u.query.text, c.rewritten) << c.text;
    EXPECT_EQ(u.query.preferred_districts, c.districts) << c.text;
    EXPECT_TRUE(u.query.districts.empty()) << "a preference, never a filter: " << c.text;
  }
  EXPECT_EQ(Find(Understand("botilbud Valby Langgade"), "place")->effect,
            "Valby Langgade ligger i Valby: foretrækker Valby (ordet søges også)");
  // A district's own name stays searched: every record there holds it, and units carry it in
  // their names and short names ("SPC Amager").
  EXPECT_EQ(Find(Understand("botilbud nørrebro"), "place")->effect,
            "foretrækker Nørrebro (ordet søges også)");
  EXPECT_EQ(Find(Understand("Amager"), "place")->effect,
            "Amager ligger i Amager Øst og Amager Vest: foretrækker Amager Øst og Amager Vest "
            "(ordet søges "
            "også)");
}

TEST_F(QueryUnderstandingTest, ARequestDistrictThatIsAPlaceExpandsToItsDistricts) {
  struct Case {
    const char* district;
    std::vector<std::string> districts;
  } cases[] = {
      {"Amager", {"Amager Øst", "Amager Vest"}},
      {"Sydhavnen", {"Vesterbro/Kongens Enghave"}},
      {"2500", {"Valby"}},
      {"kbh nv", {"Bispebjerg"}},
  };
  for (const Case& c : cases) {
    SearchQuery q;
    q.text = "botilbud";
    q.district = c.district;
    UnderstoodQuery u = Understand(q);
    EXPECT_EQ(u.query.district, "") << c.district;
    EXPECT_EQ(u.query.districts, c.districts) << c.district;
    ASSERT_FALSE(u.steps.empty());
    EXPECT_EQ(u.steps[0].rule, "district");
    EXPECT_THAT(u.steps[0].words, ElementsAre(c.district));
  }
  SearchQuery q;
  q.district = "Amager";
  EXPECT_EQ(Understand(q).steps[0].effect,
            "«Amager» er ikke en bydel, men ligger i Amager Øst og Amager Vest: søger i Amager Øst "
            "og Amager Vest");
  // A district in any spelling stays as it is.
  for (const char* d : {"Nørrebro", "noerrebro", "VESTERBRO/KONGENS ENGHAVE"}) {
    q.district = d;
    UnderstoodQuery u = Understand(q);
    EXPECT_EQ(u.query.district, d);
    EXPECT_THAT(u.steps, IsEmpty());
  }
  // With a districts filter too, the expansion keeps only those.
  q.district = "Amager";
  q.districts = {"Amager Vest", "Valby"};
  EXPECT_THAT(Understand(q).query.districts, ElementsAre("Amager Vest"));
  q.districts = {"Valby"};  // nothing in common: a request that cannot match
  auto none = QueryUnderstanding(*rules_, analyzer_).Understand(q);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(none.status().message()),
              HasSubstr("district: \"Amager\" lies in Amager Øst, Amager Vest, none of which"));
}

TEST_F(QueryUnderstandingTest, UnknownDistrictsAndBadDatesAreInvalidArgument) {
  QueryUnderstanding understanding(*rules_, analyzer_);
  SearchQuery q;
  q.district = "Atlantis";
  auto u = understanding.Understand(q);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(u.status().message()),
              HasSubstr("district: \"Atlantis\" is not a district of Copenhagen nor a place the "
                        "query rules know; valid: Indre By, Christianshavn, Østerbro, Nørrebro, "
                        "Vesterbro/Kongens Enghave, Valby, Vanløse, Brønshøj-Husum, Bispebjerg, "
                        "Amager Øst, Amager Vest"));
  q.interpret = false;
  q.district = "Amager";  // a place, but read literally it is no district
  u = understanding.Understand(q);
  ASSERT_FALSE(u.ok());
  EXPECT_THAT(std::string(u.status().message()), HasSubstr("district: \"Amager\" is not a"));

  q = SearchQuery();
  q.districts = {"Valby", "Mars"};
  u = understanding.Understand(q);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(u.status().message()), HasSubstr("districts: \"Mars\""));

  q = SearchQuery();
  q.district = std::string(200, 'x');
  u = understanding.Understand(q);
  ASSERT_FALSE(u.ok());
  EXPECT_THAT(std::string(u.status().message()), HasSubstr("...\""));

  for (const char* today : {"5.10.2026", "2026-02-30", "2026-1-5", "i dag"}) {
    q = SearchQuery();
    q.text = "i oktober";
    q.today = today;
    u = understanding.Understand(q);
    ASSERT_FALSE(u.ok()) << today;
    EXPECT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(u.status().message()), HasSubstr("today: \"")) << today;
  }
  EXPECT_TRUE(QueryUnderstanding::CheckDistrict("district", "").ok());
  EXPECT_TRUE(QueryUnderstanding::CheckDistrict("district", "amager vest").ok());
  EXPECT_EQ(QueryUnderstanding::CheckDistrict("district", "Amager").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(QueryUnderstandingTest, TheWordLeftLastIsWholeWhenWordsAfterItWereTakenOut) {
  UnderstoodQuery u = Understand("misbrug unge 2200");
  EXPECT_EQ(u.query.text, "misbrug unge");
  EXPECT_TRUE(u.query.last_word_whole) << "\"unge\" was followed by a postcode";
  u = Understand("2200 misbrug unge");
  EXPECT_EQ(u.query.text, "misbrug unge");
  EXPECT_FALSE(u.query.last_word_whole) << "\"unge\" may still be being typed";
  EXPECT_FALSE(Understand("misbrug unge").query.last_word_whole);
}

}  // namespace
}  // namespace sofdir::search::testing
