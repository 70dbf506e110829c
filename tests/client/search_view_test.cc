#include "client/search_view.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "client/json_text.h"
#include "client/table_printer.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/testing/json.h"

namespace sofdir::client {
namespace {

namespace v1 = ::sof::directory::v1;
using ::google::protobuf::Struct;
using ::google::protobuf::Value;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

using testing::FromText;
using testing::ParseJson;

std::vector<std::string> Keys(const Struct& object) { return testing::JsonKeys(object); }

// Two results of different kinds and three facets, as the server sends them.
v1::SearchEntriesResponse SampleResponse() {
  return FromText<v1::SearchEntriesResponse>(R"pb(
    results {
      id: "tilbud-0036"
      kind: TILBUD
      name: "Værestedet Fristedet"
      unit_name: "Værestedet Fristedet"
      district: "Nørrebro"
      score: 30.02
      snippet: "Et åbent «værested» på Ydre Nørrebro"
      explanation: "\"varested\": word in name (30.02)"
    }
    results {
      id: "tilbud-0002"
      kind: TILBUD
      name: "Tomsgården"
      unit_name: "Botilbuddet Tomsgården"
      district: "Bispebjerg"
      free_places: 0
      score: 12.5
    }
    results {
      id: "person-0019"
      kind: PERSON
      name: "Anders Mølgaard"
      unit_name: "FriNoVa"
      district: "Bispebjerg"
      score: 3
    }
    facets {
      field: "district"
      counts { value: "Nørrebro" count: 8 }
      counts { value: "Bispebjerg" count: 2 }
    }
    facets {
      field: "kind"
      counts { value: "tilbud" count: 12 }
      counts { value: "person" count: 3 }
    }
    facets { field: "legal_basis" }
    total_size: 15
    next_page_token: "abc"
  )pb");
}

TEST(HighlightSnippetTest, KeepsTheMarksWhenNotOnATerminal) {
  EXPECT_EQ(HighlightSnippet("et «værested» på «Nørrebro»", false), "et «værested» på «Nørrebro»");
}

TEST(HighlightSnippetTest, TurnsMarkedWordsBoldOnATerminal) {
  struct Case {
    std::string snippet;
    std::string shown;
  } cases[] = {
      {"et «værested» på «Nørrebro»", "et \x1b[1mværested\x1b[22m på \x1b[1mNørrebro\x1b[22m"},
      {"no marks", "no marks"},
      {"", ""},
      // Cut after the opening mark: the bold is closed at the end.
      {"et «væres…", "et \x1b[1mværes…\x1b[22m"},
      // Danish »quotes« in the record's own text are not marks.
      {"»Fristedet« er «åbent»", "»Fristedet\x1b[1m er «åbent\x1b[22m"},
  };
  for (const Case& c : cases) EXPECT_EQ(HighlightSnippet(c.snippet, true), c.shown) << c.snippet;
}

TEST(FormatFacetsTest, KindFirstThenAreaDistrictServiceTypeLegalBasis) {
  auto response = FromText<v1::SearchEntriesResponse>(R"pb(
    facets {
      field: "legal_basis"
      counts { value: "SEL § 107" count: 1 }
    }
    facets {
      field: "district"
      counts { value: "Nørrebro" count: 4 }
    }
    facets {
      field: "zone"
      counts { value: "x" count: 1 }
    }
    facets {
      field: "kind"
      counts { value: "tilbud" count: 12 }
      counts { value: "unit" count: 3 }
    }
    facets {
      field: "service_type"
      counts { value: "værested" count: 3 }
    }
    facets {
      field: "area"
      counts { value: "Psykiatri" count: 5 }
    }
  )pb");
  EXPECT_EQ(FormatFacets(response.facets(), 6),
            "kind: tilbud 12 · unit 3\n"
            "area: Psykiatri 5\n"
            "district: Nørrebro 4\n"
            "service_type: værested 3\n"
            "legal_basis: SEL § 107 1\n"
            "zone: x 1\n");
}

TEST(FormatFacetsTest, ShowsTheTopValuesThenAnEllipsisAndSkipsEmptyFacets) {
  auto response = FromText<v1::SearchEntriesResponse>(R"pb(
    facets {
      field: "district"
      counts { value: "Nørrebro" count: 8 }
      counts { value: "Valby" count: 5 }
      counts { value: "Amager Øst" count: 1 }
    }
    facets { field: "area" }
  )pb");
  EXPECT_EQ(FormatFacets(response.facets(), 2), "district: Nørrebro 8 · Valby 5 · …\n");
  EXPECT_EQ(FormatFacets(v1::SearchEntriesResponse().facets(), 6), "");
}

TEST(FormatSearchResponseTest, RowsWithSnippetsBelowThenFacetsAndCount) {
  EXPECT_EQ(
      FormatSearchResponse(SampleResponse(), SearchView{}),
      "#  ID           KIND    NAME                  UNIT                    DISTRICT    FREE\n"
      "1  tilbud-0036  tilbud  Værestedet Fristedet  Værestedet Fristedet    Nørrebro       -\n"
      "   Et åbent «værested» på Ydre Nørrebro\n"
      "2  tilbud-0002  tilbud  Tomsgården            Botilbuddet Tomsgården  Bispebjerg     0\n"
      "3  person-0019  person  Anders Mølgaard       FriNoVa                 Bispebjerg\n"
      "\n"
      "kind: tilbud 12 · person 3\n"
      "district: Nørrebro 8 · Bispebjerg 2\n"
      "\n"
      "15 results, 3 shown\n");
}

TEST(FormatSearchResponseTest, ExplainAddsTheExplanationUnderTheSnippet) {
  SearchView view;
  view.explain = true;
  view.ansi = true;
  std::string out = FormatSearchResponse(SampleResponse(), view);
  EXPECT_THAT(out, HasSubstr("   Et åbent \x1b[1mværested\x1b[22m på Ydre Nørrebro\n"
                             "     \"varested\": word in name (30.02)\n"
                             "2  "));
  EXPECT_THAT(FormatSearchResponse(SampleResponse(), SearchView{}), Not(HasSubstr("varested")));
}

TEST(FormatSearchResponseTest, DistanceColumnOnlyWhenTheServerGaveDistances) {
  v1::SearchEntriesResponse response = SampleResponse();
  EXPECT_THAT(FormatSearchResponse(response, SearchView{}), Not(HasSubstr("KM")));
  response.mutable_results(0)->set_distance_km(0.84);
  std::string out = FormatSearchResponse(response, SearchView{});
  EXPECT_THAT(out, HasSubstr("FREE   KM\n"));
  EXPECT_THAT(out, HasSubstr("Nørrebro       -  0.8\n"));
}

TEST(FormatSearchResponseTest, NoFreeColumnWithoutTilbud) {
  auto response = FromText<v1::SearchEntriesResponse>(R"pb(
    results { id: "unit-0027" kind: UNIT name: "FriNoVa" district: "Bispebjerg" }
    total_size: 1
  )pb");
  EXPECT_EQ(FormatSearchResponse(response, SearchView{}),
            "#  ID         KIND  NAME     UNIT  DISTRICT\n"
            "1  unit-0027  unit  FriNoVa        Bispebjerg\n"
            "\n"
            "1 result\n");
}

TEST(FormatSearchResponseTest, NothingFoundSaysSo) {
  EXPECT_EQ(FormatSearchResponse(v1::SearchEntriesResponse(), SearchView{}), "no results\n");
}

TEST(SearchResponseToJsonTest, HasTheDocumentedShape) {
  Struct body = ParseJson(SearchResponseToJson(SampleResponse(), false));
  EXPECT_THAT(Keys(body), ElementsAre("facets", "interpretation", "next_page_token", "results",
                                      "total", "unmatched_words"));
  EXPECT_EQ(body.fields().at("total").number_value(), 15);
  EXPECT_EQ(body.fields().at("next_page_token").string_value(), "abc");

  const auto& results = body.fields().at("results").list_value().values();
  ASSERT_EQ(results.size(), 3);
  const Struct& first = results[0].struct_value();
  EXPECT_THAT(Keys(first),
              ElementsAre("district", "id", "kind", "name", "score", "snippet", "unit"));
  EXPECT_EQ(first.fields().at("id").string_value(), "tilbud-0036");
  EXPECT_EQ(first.fields().at("kind").string_value(), "tilbud");
  EXPECT_EQ(first.fields().at("name").string_value(), "Værestedet Fristedet");
  EXPECT_DOUBLE_EQ(first.fields().at("score").number_value(), 30.02);
  EXPECT_EQ(first.fields().at("snippet").string_value(), "Et åbent «værested» på Ydre Nørrebro");
  // A set zero is a fact ("no free places"), not an absent value.
  const Struct& second = results[1].struct_value();
  ASSERT_TRUE(second.fields().count("free_places"));
  EXPECT_EQ(second.fields().at("free_places").number_value(), 0);
  EXPECT_EQ(results[2].struct_value().fields().at("kind").string_value(), "person");

  const Struct& facets = body.fields().at("facets").struct_value();
  EXPECT_THAT(Keys(facets), ElementsAre("district", "kind", "legal_basis"));
  const Struct& kinds = facets.fields().at("kind").struct_value();
  EXPECT_EQ(kinds.fields().at("tilbud").number_value(), 12);
  EXPECT_EQ(kinds.fields().at("person").number_value(), 3);
}

TEST(SearchResponseToJsonTest, ExplanationAndDistanceOnlyWhenThere) {
  v1::SearchEntriesResponse response = SampleResponse();
  response.mutable_results(1)->set_distance_km(1.25);
  Struct body = ParseJson(SearchResponseToJson(response, true));
  const auto& results = body.fields().at("results").list_value().values();
  const Struct& first = results[0].struct_value();
  ASSERT_TRUE(first.fields().count("explanation"));
  EXPECT_EQ(first.fields().at("explanation").list_value().values(0).string_value(),
            "\"varested\": word in name (30.02)");
  EXPECT_FALSE(first.fields().count("distance_km"));
  EXPECT_EQ(results[1].struct_value().fields().at("distance_km").number_value(), 1.25);
  EXPECT_TRUE(results[2].struct_value().fields().count("explanation"));

  Struct plain = ParseJson(SearchResponseToJson(response, false));
  EXPECT_FALSE(plain.fields().at("results").list_value().values(0).struct_value().fields().count(
      "explanation"));
}

TEST(SearchResponseToJsonTest, EmptyResultIsStillOneObject) {
  EXPECT_EQ(SearchResponseToJson(v1::SearchEntriesResponse(), false),
            "{\"results\":[],\"facets\":{},\"total\":0,\"next_page_token\":\"\","
            "\"unmatched_words\":[],\"interpretation\":[]}\n");
}

TEST(FormatSearchResponseTest, WordsNoRecordHasAreNamed) {
  v1::SearchEntriesResponse none;
  none.add_unmatched_words("qwxyz");
  EXPECT_EQ(FormatSearchResponse(none, SearchView{}),
            "no record has the word \"qwxyz\"\nno results\n");
  v1::SearchEntriesResponse some = SampleResponse();
  some.add_unmatched_words("qwxyz");
  some.add_unmatched_words("zzq");
  EXPECT_THAT(FormatSearchResponse(some, SearchView{}),
              ::testing::EndsWith(
                  "no record has the words \"qwxyz\", \"zzq\"; the results leave them out\n"));
  Struct body = ParseJson(SearchResponseToJson(some, false));
  const auto& words = body.fields().at("unmatched_words").list_value().values();
  ASSERT_EQ(words.size(), 2);
  EXPECT_EQ(words[1].string_value(), "zzq");
}

TEST(WhoKnowsTest, TableWithEvidenceBelowAndJson) {
  auto response = FromText<v1::WhoKnowsResponse>(R"pb(
    experts {
      id: "person-0001"
      kind: PERSON
      name: "Mette Holm"
      title: "konsulent"
      unit_name: "ViA"
      email: "mette@sof.example.dk"
      phone: "63 20 79 31"
      score: 33.5
      evidence: "expertise: FIT"
      evidence: "unit ViA knows: FIT"
    }
    experts { id: "unit-0010" kind: UNIT name: "ViA" email: "via@sof.example.dk" score: 20 }
  )pb");
  EXPECT_EQ(FormatExperts(response),
            "NAME        KIND    TITLE/UNIT      EMAIL                 PHONE\n"
            "Mette Holm  person  konsulent, ViA  mette@sof.example.dk  63 20 79 31\n"
            "    expertise: FIT\n"
            "    unit ViA knows: FIT\n"
            "ViA         unit                    via@sof.example.dk\n");
  EXPECT_EQ(FormatExperts(v1::WhoKnowsResponse()), "no one found\n");

  // At 80 columns a long e-mail address would push the phone column onto a
  // second screen line: the phone moves under the expert instead.
  response.mutable_experts(0)->set_email("mette.holm-andersen@socialforvaltningen.example.dk");
  response.mutable_experts(0)->set_name("Mette Louise Holm-Andersen Kristensen");
  SetOutputWidth(80);
  const std::string narrow = FormatExperts(response);
  SetOutputWidth(0);
  for (absl::string_view line : absl::StrSplit(narrow, '\n')) {
    EXPECT_LE(DisplayWidth(line), 80) << narrow;
  }
  EXPECT_THAT(narrow, HasSubstr("  mette.holm-andersen@socialforvaltningen.example.dk\n"));
  EXPECT_THAT(narrow, HasSubstr("\n    tlf. 63 20 79 31\n    expertise: FIT\n")) << narrow;
  EXPECT_THAT(narrow, Not(HasSubstr("PHONE"))) << narrow;
  // An address too long for any table: e-mail and phone both go below,
  // each on its own line when they do not fit on one.
  const std::string address = "mette.holm-andersen.konsulent@socialforvaltningen.example.dk";
  response.mutable_experts(0)->set_email(address);
  SetOutputWidth(80);
  const std::string narrower = FormatExperts(response);
  SetOutputWidth(0);
  for (absl::string_view line : absl::StrSplit(narrower, '\n')) {
    EXPECT_LE(DisplayWidth(line), 80) << narrower;
  }
  EXPECT_THAT(narrower, Not(HasSubstr("EMAIL"))) << narrower;
  EXPECT_THAT(narrower, HasSubstr("\n    " + address + "\n    tlf. 63 20 79 31\n")) << narrower;
  EXPECT_THAT(narrower, HasSubstr("\nViA  "));
  EXPECT_THAT(narrower, HasSubstr("\n    via@sof.example.dk\n"));

  Struct body = ParseJson(WhoKnowsResponseToJson(response));
  const auto& experts = body.fields().at("experts").list_value().values();
  ASSERT_EQ(experts.size(), 2);
  const Struct& first = experts[0].struct_value();
  EXPECT_THAT(Keys(first), ElementsAre("email", "evidence", "id", "kind", "name", "phone", "score",
                                       "title", "unit"));
  EXPECT_EQ(first.fields().at("kind").string_value(), "person");
  EXPECT_EQ(first.fields().at("unit").string_value(), "ViA");
  EXPECT_EQ(first.fields().at("evidence").list_value().values_size(), 2);
  EXPECT_EQ(experts[1].struct_value().fields().at("kind").string_value(), "unit");
}

TEST(SuggestTest, OneCompletionPerLineWithItsCountAndJson) {
  auto response = FromText<v1::SuggestEntriesResponse>(R"pb(
    suggestions { text: "fritid og foreningsliv" count: 29 }
    suggestions { text: "Værested Fristedet" count: 2 }
  )pb");
  EXPECT_EQ(FormatSuggestions(response),
            "fritid og foreningsliv  29\n"
            "Værested Fristedet       2\n");
  EXPECT_EQ(FormatSuggestions(v1::SuggestEntriesResponse()), "no suggestions\n");
  EXPECT_EQ(SuggestResponseToJson(response),
            "{\"suggestions\":[{\"text\":\"fritid og foreningsliv\",\"count\":29},"
            "{\"text\":\"Værested Fristedet\",\"count\":2}]}\n");
}

TEST(ParseNearTest, PointsAndPlaceNames) {
  struct Case {
    std::string text;
    bool is_point;
    double lat, lon;
    std::string place;
  } cases[] = {
      {"55.6867,12.5540", true, 55.6867, 12.554, ""},
      {"55.6867, 12.5540", true, 55.6867, 12.554, ""},
      {"-33.9,18.4", true, -33.9, 18.4, ""},
      {"Nørrebro", false, 0, 0, "Nørrebro"},
      {" Vesterbro/Kongens Enghave ", false, 0, 0, "Vesterbro/Kongens Enghave"},
      {"Amager Øst, 2300", false, 0, 0, "Amager Øst, 2300"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<NearPlace> near = ParseNear(c.text);
    ASSERT_TRUE(near.ok()) << c.text << ": " << near.status();
    EXPECT_EQ(near->point.has_value(), c.is_point) << c.text;
    if (c.is_point) {
      EXPECT_DOUBLE_EQ(near->point->lat(), c.lat);
      EXPECT_DOUBLE_EQ(near->point->lon(), c.lon);
    } else {
      EXPECT_EQ(near->place, c.place);
    }
  }
}

TEST(ParseNearTest, RejectsEmptyTextAndPointsOffTheGlobe) {
  for (const char* text : {"", "  ", "95,12", "55,181", "nan,12"}) {
    absl::StatusOr<NearPlace> near = ParseNear(text);
    EXPECT_EQ(near.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(JsonNumberTest, ShortDecimalsAndNullForWhatJsonCannotHold) {
  EXPECT_EQ(JsonNumber(30.02), "30.02");
  EXPECT_EQ(JsonNumber(3), "3");
  EXPECT_EQ(JsonNumber(84.65912), "84.6591");
  EXPECT_EQ(JsonNumber(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(JsonNumber(std::nan("")), "null");
}

}  // namespace
}  // namespace sofdir::client
