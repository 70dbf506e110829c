#include "server/search/query_understanding.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "server/common/echo.h"
#include "server/search/slot_dates.h"
#include "server/search/text_folder.h"

namespace sofdir::search {
namespace {

using Day = absl::CivilDay;
using DateWord = QueryRules::DateWord;
using Match = QueryRules::Match;
using Rule = QueryRules::Rule;
using Section = QueryRules::Section;

constexpr absl::string_view kParagraphSign = "\xC2\xA7";  // §
constexpr const char* kAlsoSearched = " (ordet søges også)";

std::string KindLabel(absl::string_view kind) {
  if (kind == "praktik") return "praktikophold";
  if (kind == "partner") return "samarbejdspartnere";
  if (kind == "person") return "personer";
  if (kind == "unit") return "enheder";
  return "tilbud";
}

std::string KindsLabel(const std::vector<std::string>& kinds) {
  std::vector<std::string> labels;
  for (const std::string& k : kinds) labels.push_back(KindLabel(k));
  if (labels.size() <= 1) return absl::StrJoin(labels, "");
  const std::string last = labels.back();
  labels.pop_back();
  return absl::StrCat(absl::StrJoin(labels, ", "), " og ", last);
}

std::string DistrictsLabel(const std::vector<std::string>& districts) {
  if (districts.size() <= 1) return absl::StrJoin(districts, "");
  return absl::StrCat(absl::StrJoin(districts.begin(), districts.end() - 1, ", "), " og ",
                      districts.back());
}

bool Contains(const std::vector<std::string>& v, absl::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void AddUnique(std::vector<std::string>* v, const std::string& s) {
  if (!Contains(*v, s)) v->push_back(s);
}

// What the words at one position mean.
struct Reading {
  const Rule* rule = nullptr;  // null for a bare "§ N"
  size_t length = 0;           // words
  std::string legal;           // a legal basis in the data's spelling
  // Where the words as typed begin when that is before the first word (a
  // "§" sign).
  std::optional<uint32_t> typed_begin;
  SlotWindow window;  // dates
  bool is_date = false;
  int age_low = 0, age_high = 0;
};

// One reading of one query, word by word from the left, longest reading
// first.
class Interpreter {
 public:
  Interpreter(const QueryRules& rules, const Analyzer* analyzer, const SearchQuery& in, Day today,
              const QueryUnderstanding::HeldLegalBases& held, UnderstoodQuery* out)
      : rules_(rules), analyzer_(analyzer), in_(in), held_(held), dates_(today), out_(out) {}

  void Read() {
    text_ = TextFolder::Composed(in_.text, &composed_);
    words_ = QueryRules::Words(text_);
    dropped_.assign(words_.size(), false);
    size_t pos = 0;
    while (pos < words_.size()) {
      std::optional<Reading> r = Best(pos);
      if (!r) {
        ++pos;
        continue;
      }
      Apply(*r, pos);
      pos += r->length;
    }
    Finish();
  }

 private:
  // The legal basis a paragraph typed without its law means (see
  // QueryUnderstanding::Understand).
  std::string WithoutLaw(int64_t number) const {
    std::string reading = absl::StrCat(rules_.default_law()->law, " § ", number);
    if (held_ == nullptr) return reading;
    const std::vector<std::string> held = held_(static_cast<int>(number));
    const std::string folded = TextFolder::FoldJoined(reading);
    for (const std::string& h : held) {
      if (TextFolder::FoldJoined(h) == folded) return reading;
    }
    return held.size() == 1 ? held[0] : reading;
  }

  bool IsParagraphNumber(const QueryWord& w) const {
    return w.number >= 1 && w.number <= 999 && w.folded.size() <= 3;
  }

  std::optional<Reading> Best(size_t pos) {
    const QueryWord& word = words_[pos];
    if (word.after_paragraph && IsParagraphNumber(word) && rules_.default_law() != nullptr) {
      Reading r;
      r.length = 1;
      r.legal = WithoutLaw(word.number);
      // The words as typed start at the sign.
      const uint32_t gap = pos == 0 ? 0 : words_[pos - 1].end;
      r.typed_begin =
          gap + static_cast<uint32_t>(text_.substr(gap, word.begin - gap).rfind(kParagraphSign));
      return r;
    }
    std::vector<Match> matches;
    rules_.MatchAt(words_, pos, &matches);
    std::optional<Reading> best;
    auto consider = [&](std::optional<Reading> r) {
      if (r && (!best || r->length > best->length)) best = std::move(r);
    };
    for (const Match& m : matches) consider(Evaluate(m, pos));
    if (word.number >= 1 && word.number <= 31) consider(DateAt(pos, std::nullopt, 0));
    return best;
  }

  std::optional<Reading> Evaluate(const Match& m, size_t pos) {
    Reading r;
    r.rule = m.rule;
    r.length = m.length;
    switch (m.rule->section) {
      case Section::kLaw: {
        const size_t at = pos + m.length;
        if (at >= words_.size() || !IsParagraphNumber(words_[at])) return std::nullopt;
        if (m.rule->law.empty() && rules_.default_law() == nullptr) return std::nullopt;
        r.legal = m.rule->law.empty() ? WithoutLaw(words_[at].number)
                                      : absl::StrCat(m.rule->law, " § ", words_[at].number);
        r.length = m.length + 1;
        return r;
      }
      case Section::kAge: {
        for (int64_t n : m.numbers) {
          if (n > 120) return std::nullopt;
        }
        auto value = [&](const QueryRules::NumberExpr& e) {
          return static_cast<int>((e.capture >= 0 ? m.numbers[static_cast<size_t>(e.capture)] : 0) +
                                  e.constant);
        };
        r.age_low = std::max(0, value(m.rule->low));
        r.age_high = std::min(99, value(m.rule->high));
        if (r.age_low > r.age_high) return std::nullopt;
        return r;
      }
      case Section::kMonth:
      case Section::kWeek:
      case Section::kDate:
        return DateReading(m, pos, std::nullopt, 0, std::nullopt);
      case Section::kDateWord:
        return DateAt(pos + m.length, m.rule->date_word, m.length);
      default:
        return r;
    }
  }

  // A date that starts at `p` (after a date word of `lead` words, if any):
  // [day] month [year], a week or a relative date.
  std::optional<Reading> DateAt(size_t p, std::optional<DateWord> word, size_t lead) {
    if (p >= words_.size()) return std::nullopt;
    std::optional<int> day;
    size_t q = p;
    std::vector<Match> matches;
    if (words_[p].number >= 1 && words_[p].number <= 31 && p + 1 < words_.size()) {
      rules_.MatchAt(words_, p + 1, &matches);
      for (const Match& m : matches) {
        if (m.rule->section == Section::kMonth) {
          day = static_cast<int>(words_[p].number);
          q = p + 1;
          break;
        }
      }
      if (!day) return std::nullopt;
      matches.clear();
    }
    rules_.MatchAt(words_, q, &matches);
    for (const Match& m : matches) {
      const Section s = m.rule->section;
      if (s != Section::kMonth && (day || (s != Section::kWeek && s != Section::kDate))) continue;
      std::optional<Reading> r = DateReading(m, q, word, lead + (q - p), day);
      if (r) return r;
    }
    return std::nullopt;
  }

  std::optional<Reading> DateReading(const Match& m, size_t pos, std::optional<DateWord> word,
                                     size_t lead, std::optional<int> day) {
    Reading r;
    r.rule = m.rule;
    r.is_date = true;
    r.length = lead + m.length;
    const DateWord w = word.value_or(DateWord::kIn);
    switch (m.rule->section) {
      case Section::kMonth: {
        std::optional<int64_t> year;
        const size_t after = pos + m.length;
        if (after < words_.size() && words_[after].number >= 2000 && words_[after].number <= 2099) {
          year = words_[after].number;
          ++r.length;
        }
        if (m.rule->needs_context && !word && !day && !year) return std::nullopt;
        std::optional<SlotWindow> window = dates_.Month(m.rule->month, year, day, w);
        if (!window) return std::nullopt;
        r.window = std::move(*window);
        return r;
      }
      case Section::kWeek: {
        const int64_t first = m.numbers.front(), last = m.numbers.back();
        if (last > 53) return std::nullopt;
        std::optional<SlotWindow> window =
            dates_.Weeks(static_cast<int>(first), static_cast<int>(last), w);
        if (!window) return std::nullopt;
        r.window = std::move(*window);
        return r;
      }
      case Section::kDate:
        r.window = dates_.Relative(m.rule->date, w);
        return r;
      default:
        return std::nullopt;
    }
  }

  // The words of a reading, as typed.
  std::string Typed(const Reading& r, size_t pos) const {
    const uint32_t begin = r.typed_begin.value_or(words_[pos].begin);
    return std::string(text_.substr(begin, words_[pos + r.length - 1].end - begin));
  }

  void Drop(size_t pos, size_t length) {
    for (size_t i = pos; i < pos + length; ++i) dropped_[i] = true;
  }

  void Step(std::string rule, std::string words, std::string effect) {
    InterpretationStep step;
    step.rule = std::move(rule);
    if (!words.empty()) step.words.push_back(std::move(words));
    step.effect = std::move(effect);
    out_->steps.push_back(std::move(step));
  }

  // Prefers `kinds` within the request's kinds filter; false (and a
  // "conflict" step) when none is left.
  bool Prefer(const std::vector<std::string>& kinds, const std::string& typed, bool keep) {
    std::vector<std::string> allowed;
    for (const std::string& k : kinds) {
      if (in_.kinds.empty() || Contains(in_.kinds, k)) allowed.push_back(k);
    }
    if (allowed.empty()) {
      Step("conflict", typed,
           absl::StrCat("søger kun i ", KindsLabel(in_.kinds), " som valgt i filteret; «", typed,
                        "» peger på ", KindsLabel(kinds), " og er ignoreret",
                        keep ? kAlsoSearched : ""));
      return false;
    }
    for (const std::string& k : allowed) AddUnique(&out_->query.preferred_kinds, k);
    return true;
  }

  void Apply(const Reading& r, size_t pos) {
    const std::string typed = Typed(r, pos);
    SearchQuery& q = out_->query;
    if (!r.legal.empty()) {
      if (!in_.legal_basis.empty() &&
          TextFolder::FoldJoined(in_.legal_basis) != TextFolder::FoldJoined(r.legal)) {
        Drop(pos, r.length);
        Step("conflict", typed,
             absl::StrCat("paragraf er valgt i filteret (", in_.legal_basis, "); «", typed,
                          "» i teksten er ignoreret"));
        return;
      }
      if (typed == r.legal) return;
      Drop(pos, r.length);
      replacements_[pos] = r.legal;
      Step("legal_basis", typed, absl::StrCat("læser «", typed, "» som ", r.legal));
      return;
    }
    if (r.is_date) {
      Drop(pos, r.length);
      if (!in_.slot_from.empty() || !in_.slot_to.empty()) {
        Step("conflict", typed,
             absl::StrCat("startdato er valgt i filteret; «", typed, "» i teksten er ignoreret"));
        return;
      }
      if (!in_.kinds.empty() && !Contains(in_.kinds, "praktik")) {
        Step("conflict", typed,
             absl::StrCat("datoer gælder kun praktik; søger i ", KindsLabel(in_.kinds),
                          " som valgt i filteret, og «", typed, "» er ignoreret"));
        return;
      }
      AddUnique(&q.preferred_kinds, "praktik");
      const SlotWindow& w = r.window;
      if (!slot_set_) {
        slot_from_ = w.from;
        slot_to_ = w.to;
        slot_set_ = true;
      } else {  // the span of all; an open end stays open
        slot_from_ = slot_from_ && w.from ? std::min(*slot_from_, *w.from) : std::optional<Day>();
        slot_to_ = slot_to_ && w.to ? std::max(*slot_to_, *w.to) : std::optional<Day>();
      }
      Step("slot_date", typed, absl::StrCat("praktik med start ", w.label));
      return;
    }
    const Rule& rule = *r.rule;
    if (!rule.keep && rule.section != Section::kLiteral) Drop(pos, r.length);
    switch (rule.section) {
      case Section::kLiteral:
      case Section::kLaw:
      case Section::kMonth:
      case Section::kWeek:
      case Section::kDateWord:
      case Section::kDate:
        return;
      case Section::kKind:
        if (Prefer(rule.kinds, typed, rule.keep)) {
          Step(
              "kind", typed,
              absl::StrCat("foretrækker ", KindsLabel(rule.kinds), rule.keep ? kAlsoSearched : ""));
        }
        return;
      case Section::kQuestion:
        if (rule.kinds.empty() || Prefer(rule.kinds, typed, false)) {
          Step("question", typed,
               rule.kinds.empty() ? "spørgeform, ikke søgt på"
                                  : absl::StrCat("spørgeform, ikke søgt på; foretrækker ",
                                                 KindsLabel(rule.kinds)));
        }
        return;
      case Section::kExpertise:
        if (Prefer({"person", "unit"}, typed, false)) {
          q.expertise = true;
          Step("expertise", typed, "");
        }
        return;
      case Section::kFreePlaces:
        if (in_.only_free) {
          Step("free_places", typed,
               "viser kun tilbud med ledige pladser (allerede valgt i filteret)");
        } else if (!in_.kinds.empty() && !Contains(in_.kinds, "tilbud")) {
          Step("conflict", typed,
               absl::StrCat("ledige pladser gælder kun tilbud; søger i ", KindsLabel(in_.kinds),
                            " som valgt i filteret, og «", typed, "» er ignoreret"));
        } else {
          q.only_free = true;
          Step("free_places", typed, "viser kun tilbud med ledige pladser");
        }
        return;
      case Section::kAge: {
        if (in_.age) {
          // A word that is also a search word ("unge") stays one; only its
          // age is not used.
          Step("conflict", typed,
               absl::StrCat("alder er valgt i filteret (", *in_.age, " år); «", typed,
                            rule.keep ? "» bruges ikke som alder, men søges som ord"
                                      : "» i teksten er ignoreret"));
          return;
        }
        // Ages given in numbers ("under 18") outrank age words ("unge");
        // several of one sort make the span of all.
        const bool numeric = rule.numbers > 0;
        std::pair<int, int> ages{r.age_low, r.age_high};
        if (q.preferred_ages && numeric_ages_ == numeric) {
          ages = {std::min(ages.first, q.preferred_ages->first),
                  std::max(ages.second, q.preferred_ages->second)};
        }
        if (!q.preferred_ages || numeric || !numeric_ages_) q.preferred_ages = ages;
        numeric_ages_ = numeric_ages_ || numeric;
        std::string who = r.age_low == r.age_high ? absl::StrCat(r.age_low, "-årige")
                          : r.age_high >= 99      ? absl::StrCat("personer fra ", r.age_low, " år")
                                             : absl::StrCat(r.age_low, "–", r.age_high, "-årige");
        Step("age", typed,
             absl::StrCat("foretrækker tilbud til ", who, rule.keep ? kAlsoSearched : ""));
        return;
      }
      case Section::kPlace: {
        if (!in_.district.empty() || !in_.districts.empty()) {
          const std::string chosen =
              in_.district.empty() ? DistrictsLabel(in_.districts) : in_.district;
          // Ignored also when it is a search word too ("nørrebro"): searched,
          // it would all but empty the district chosen.
          if (rule.keep) Drop(pos, r.length);
          Step("conflict", typed,
               absl::StrCat("bydel er valgt i filteret (", chosen, "); «", typed,
                            "» i teksten er ignoreret"));
          return;
        }
        for (const std::string& d : rule.districts) AddUnique(&q.preferred_districts, d);
        const std::string where = DistrictsLabel(rule.districts);
        const bool same = rule.districts.size() == 1 &&
                          TextFolder::FoldJoined(typed) == TextFolder::FoldJoined(where);
        Step("place", typed,
             absl::StrCat(same ? "" : absl::StrCat(typed, " ligger i ", where, ": "),
                          "foretrækker ", where, rule.keep ? kAlsoSearched : ""));
        return;
      }
    }
  }

  // The remaining text without stop words at either end ("er der FIT" ->
  // "FIT").
  std::string Topic() const {
    const absl::string_view text = out_->query.text;
    std::vector<QueryWord> words = QueryRules::Words(text);
    auto stop = [&](const QueryWord& w) {
      return analyzer_ != nullptr && analyzer_->IsStopWord(w.folded);
    };
    size_t first = 0, last = words.size();
    while (first < last && stop(words[first])) ++first;
    while (last > first && stop(words[last - 1])) --last;
    if (first == last) return "";
    return std::string(text.substr(words[first].begin, words[last - 1].end - words[first].begin));
  }

  bool NothingToSearch() const {
    for (const QueryWord& w : QueryRules::Words(out_->query.text)) {
      if (analyzer_ == nullptr || !analyzer_->IsStopWord(w.folded)) return false;
    }
    return true;
  }

  bool AnyFilter() const {
    const SearchQuery& q = out_->query;
    return !q.kinds.empty() || !q.area.empty() || !q.district.empty() || !q.districts.empty() ||
           !q.legal_basis.empty() || !q.service_type.empty() || q.age || q.only_free ||
           q.verified_since || q.near || !q.filter.empty() || !q.slot_from.empty() ||
           !q.slot_to.empty();
  }

  void Finish() {
    SearchQuery& q = out_->query;
    if (slot_set_) {
      q.slot_from = slot_from_ ? absl::FormatCivilTime(*slot_from_) : "";
      q.slot_to = slot_to_ ? absl::FormatCivilTime(*slot_to_) : "";
    }
    if (std::find(dropped_.begin(), dropped_.end(), true) != dropped_.end()) {
      std::string text;
      auto piece = [&](absl::string_view s) {
        if (!text.empty()) text += ' ';
        absl::StrAppend(&text, s);
      };
      for (size_t i = 0; i < words_.size();) {
        if (auto it = replacements_.find(i); it != replacements_.end()) piece(it->second);
        if (dropped_[i]) {
          ++i;
          continue;
        }
        size_t j = i;
        while (j < words_.size() && !dropped_[j]) ++j;
        piece(text_.substr(words_[i].begin, words_[j - 1].end - words_[i].begin));
        i = j;
      }
      q.text = std::move(text);
      if (dropped_.back()) q.last_word_whole = true;
    }
    const std::string topic = Topic();
    for (InterpretationStep& s : out_->steps) {
      if (s.rule == "expertise") {
        s.effect = topic.empty()
                       ? "leder efter personer og enheder, der ved noget om et emne"
                       : absl::StrCat("leder efter personer og enheder, der ved noget om «",
                                      common::Echo(topic), "»");
      }
    }
    // One step per rule and effect.
    std::vector<InterpretationStep> merged;
    for (InterpretationStep& s : out_->steps) {
      auto same = std::find_if(merged.begin(), merged.end(), [&](const InterpretationStep& m) {
        return m.rule == s.rule && m.effect == s.effect;
      });
      if (same == merged.end()) {
        merged.push_back(std::move(s));
      } else {
        for (std::string& w : s.words) same->words.push_back(std::move(w));
      }
    }
    out_->steps = std::move(merged);
    if (!out_->steps.empty() && NothingToSearch() && !AnyFilter()) {
      Step("missing", "", "skriv hvad du leder efter, fx et emne eller en målgruppe");
    }
  }

  const QueryRules& rules_;
  const Analyzer* analyzer_;
  const SearchQuery& in_;
  const QueryUnderstanding::HeldLegalBases& held_;
  const SlotDates dates_;
  UnderstoodQuery* out_;
  std::string composed_;
  absl::string_view text_;
  std::vector<QueryWord> words_;
  std::vector<bool> dropped_;
  std::map<size_t, std::string> replacements_;  // first word -> canonical text
  bool slot_set_ = false;
  std::optional<Day> slot_from_, slot_to_;
  bool numeric_ages_ = false;
};

absl::Status InvalidDistrict(absl::string_view field, absl::string_view value,
                             bool places_allowed) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": \"", common::Echo(value), "\" is not a district of Copenhagen",
                   places_allowed ? " nor a place the query rules know" : "",
                   "; valid: ", absl::StrJoin(QueryRules::Districts(), ", ")));
}

}  // namespace

absl::Status QueryUnderstanding::CheckDistrict(absl::string_view field, absl::string_view value) {
  if (value.empty() || QueryRules::CanonicalDistrict(value)) return absl::OkStatus();
  return InvalidDistrict(field, value, false);
}

absl::StatusOr<UnderstoodQuery> QueryUnderstanding::Understand(const SearchQuery& query,
                                                               const HeldLegalBases& held) const {
  Day today;
  if (!query.today.empty()) {
    if (!absl::ParseCivilTime(query.today, &today) || absl::FormatCivilTime(today) != query.today) {
      return absl::InvalidArgumentError(
          absl::StrCat("today: \"", common::Echo(query.today), "\" is not a date YYYY-MM-DD"));
    }
  } else {
    today = SlotDates::CopenhagenToday();
  }
  for (const std::string& d : query.districts) {
    if (!QueryRules::CanonicalDistrict(d)) return InvalidDistrict("districts", d, false);
  }
  UnderstoodQuery out;
  out.query = query;
  if (!query.interpret) {
    if (absl::Status s = CheckDistrict("district", query.district); !s.ok()) return s;
    return out;
  }
  if (!query.district.empty() && !QueryRules::CanonicalDistrict(query.district)) {
    const Rule* place = rules_.WholePlace(query.district);
    if (place == nullptr) return InvalidDistrict("district", query.district, true);
    std::vector<std::string> districts;
    for (const std::string& d : place->districts) {
      if (query.districts.empty() ||
          std::any_of(query.districts.begin(), query.districts.end(), [&](const std::string& x) {
            return QueryRules::CanonicalDistrict(x) == d;
          })) {
        districts.push_back(d);
      }
    }
    if (districts.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("district: \"", common::Echo(query.district), "\" lies in ",
                       absl::StrJoin(place->districts, ", "), ", none of which is in districts"));
    }
    out.query.district.clear();
    out.query.districts = districts;
    InterpretationStep step;
    step.rule = "district";
    step.words.push_back(query.district);
    step.effect =
        absl::StrCat("«", common::Echo(query.district), "» er ikke en bydel, men ligger i ",
                     DistrictsLabel(place->districts), ": søger i ", DistrictsLabel(districts));
    out.steps.push_back(std::move(step));
  }
  SearchQuery in = out.query;  // the text rules see the expanded district filter
  Interpreter(rules_, analyzer_, in, today, held, &out).Read();
  return out;
}

}  // namespace sofdir::search
