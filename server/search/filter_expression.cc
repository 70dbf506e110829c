#include "server/search/filter_expression.h"

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/common/echo.h"
#include "server/search/text_folder.h"

namespace sofdir::search {

enum class Field {
  kId,
  kKind,
  kArea,
  kDistrict,
  kLegalBasis,
  kServiceType,
  kUnitType,
  kUnitId,
  kAge,
  kFreePlaces,
  kCapacity,
  kHasFreePlaces
};
enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kHas };

struct FilterExpression::Node {
  enum class Type { kAnd, kOr, kNot, kCompare } type = Type::kCompare;
  std::vector<std::unique_ptr<Node>> children;
  Field field = Field::kId;
  Op op = Op::kEq;
  std::string text;   // folded
  std::string typed;  // the value as written
  int number = 0;
};

namespace {

using Node = FilterExpression::Node;

struct FieldInfo {
  const char* name;
  Field field;
  bool numeric;
};
constexpr FieldInfo kFields[] = {
    {"id", Field::kId, false},
    {"kind", Field::kKind, false},
    {"area", Field::kArea, false},
    {"district", Field::kDistrict, false},
    {"legal_basis", Field::kLegalBasis, false},
    {"service_type", Field::kServiceType, false},
    {"unit_type", Field::kUnitType, false},
    {"unit_id", Field::kUnitId, false},
    {"age", Field::kAge, true},
    {"free_places", Field::kFreePlaces, true},
    {"capacity", Field::kCapacity, true},
    {"has_free_places", Field::kHasFreePlaces, false},
};

// Parentheses nest at most this deep: the parser recurses per level, and
// no real filter needs more than a few.
constexpr int kMaxNesting = 32;

class Parser {
 public:
  explicit Parser(absl::string_view s) : s_(s) {}

  absl::StatusOr<std::unique_ptr<Node>> ParseAll() {
    auto node = ParseExpression();
    if (!node.ok()) return node;
    SkipSpace();
    if (pos_ < s_.size()) {
      return Error(absl::StrCat("unexpected '", common::Echo(s_.substr(pos_, 1)), "'"));
    }
    return node;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("filter: ", what, " at position ", pos_ + 1));
  }
  void SkipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool PeekKeyword(absl::string_view kw) {
    SkipSpace();
    if (s_.substr(pos_, kw.size()) != kw) return false;
    const size_t after = pos_ + kw.size();
    return after >= s_.size() || std::isspace(static_cast<unsigned char>(s_[after])) ||
           s_[after] == '(';
  }
  bool AtSequenceEnd() {
    SkipSpace();
    return pos_ >= s_.size() || s_[pos_] == ')' || PeekKeyword("AND") || PeekKeyword("OR");
  }

  absl::StatusOr<std::unique_ptr<Node>> Combine(Node::Type type,
                                                std::vector<std::unique_ptr<Node>> kids) {
    if (kids.size() == 1) return std::move(kids[0]);
    auto node = std::make_unique<Node>();
    node->type = type;
    node->children = std::move(kids);
    return node;
  }

  absl::StatusOr<std::unique_ptr<Node>> ParseExpression() {
    std::vector<std::unique_ptr<Node>> kids;
    while (true) {
      auto seq = ParseSequence();
      if (!seq.ok()) return seq.status();
      kids.push_back(std::move(*seq));
      if (!PeekKeyword("AND")) break;
      pos_ += 3;
    }
    return Combine(Node::Type::kAnd, std::move(kids));
  }

  absl::StatusOr<std::unique_ptr<Node>> ParseSequence() {
    std::vector<std::unique_ptr<Node>> kids;
    do {
      auto factor = ParseFactor();
      if (!factor.ok()) return factor.status();
      kids.push_back(std::move(*factor));
    } while (!AtSequenceEnd());
    return Combine(Node::Type::kAnd, std::move(kids));
  }

  absl::StatusOr<std::unique_ptr<Node>> ParseFactor() {
    std::vector<std::unique_ptr<Node>> kids;
    while (true) {
      auto term = ParseTerm();
      if (!term.ok()) return term.status();
      kids.push_back(std::move(*term));
      if (!PeekKeyword("OR")) break;
      pos_ += 2;
    }
    return Combine(Node::Type::kOr, std::move(kids));
  }

  absl::StatusOr<std::unique_ptr<Node>> ParseTerm() {
    SkipSpace();
    bool negate = false;
    if (PeekKeyword("NOT")) {
      pos_ += 3;
      negate = true;
    } else if (pos_ < s_.size() && s_[pos_] == '-') {
      ++pos_;
      negate = true;
    }
    auto simple = ParseSimple();
    if (!simple.ok() || !negate) return simple;
    auto node = std::make_unique<Node>();
    node->type = Node::Type::kNot;
    node->children.push_back(std::move(*simple));
    return node;
  }

  absl::StatusOr<std::unique_ptr<Node>> ParseSimple() {
    SkipSpace();
    if (pos_ >= s_.size()) return Error("expected a comparison such as kind = tilbud");
    if (s_[pos_] == '(') {
      if (depth_ == kMaxNesting) {
        return Error(absl::StrCat("nested deeper than ", kMaxNesting, " parentheses"));
      }
      ++pos_;
      ++depth_;
      auto inner = ParseExpression();
      --depth_;
      if (!inner.ok()) return inner;
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ')') return Error("missing ')'");
      ++pos_;
      return inner;
    }
    const size_t start = pos_;
    while (pos_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) {
      ++pos_;
    }
    const absl::string_view name = s_.substr(start, pos_ - start);
    if (name.empty()) return Error("expected a field name");
    const FieldInfo* info = nullptr;
    for (const FieldInfo& f : kFields) {
      if (name == f.name) info = &f;
    }
    if (info == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "filter: unknown field '", common::Echo(name),
          "'; valid fields are id, kind, area, district, legal_basis, service_type, unit_type, "
          "unit_id, age, free_places, capacity, has_free_places"));
    }
    SkipSpace();
    auto node = std::make_unique<Node>();
    node->field = info->field;
    const absl::string_view rest = s_.substr(pos_);
    if (absl::StartsWith(rest, "!=")) {
      node->op = Op::kNe;
      pos_ += 2;
    } else if (absl::StartsWith(rest, "<=")) {
      node->op = Op::kLe;
      pos_ += 2;
    } else if (absl::StartsWith(rest, ">=")) {
      node->op = Op::kGe;
      pos_ += 2;
    } else if (absl::StartsWith(rest, "<")) {
      node->op = Op::kLt;
      pos_ += 1;
    } else if (absl::StartsWith(rest, ">")) {
      node->op = Op::kGt;
      pos_ += 1;
    } else if (absl::StartsWith(rest, "=")) {
      node->op = Op::kEq;
      pos_ += 1;
    } else if (absl::StartsWith(rest, ":")) {
      node->op = Op::kHas;
      pos_ += 1;
    } else {
      return Error(absl::StrCat("expected an operator (=, !=, <, <=, >, >=, :) after '",
                                common::Echo(name), "'"));
    }
    SkipSpace();
    std::string value;
    if (pos_ < s_.size() && s_[pos_] == '"') {
      ++pos_;
      while (pos_ < s_.size() && s_[pos_] != '"') {
        if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
        value += s_[pos_++];
      }
      if (pos_ >= s_.size()) return Error("unterminated string");
      ++pos_;
    } else {
      while (pos_ < s_.size() && !std::isspace(static_cast<unsigned char>(s_[pos_])) &&
             s_[pos_] != '(' && s_[pos_] != ')' && s_[pos_] != '"') {
        value += s_[pos_++];
      }
      if (value.empty()) {
        return Error(absl::StrCat("missing value for '", common::Echo(name), "'"));
      }
    }
    if (info->numeric) {
      if (!absl::SimpleAtoi(value, &node->number)) {
        return absl::InvalidArgumentError(absl::StrCat("filter: '", common::Echo(name),
                                                       "' needs a whole number, got '",
                                                       common::Echo(value), "'"));
      }
      if (node->op == Op::kHas) {
        return absl::InvalidArgumentError(absl::StrCat(
            "filter: ':' does not apply to '", common::Echo(name), "'; use =, !=, <, <=, > or >="));
      }
    } else if (info->field == Field::kHasFreePlaces) {
      const std::string lower = absl::AsciiStrToLower(value);
      if ((lower != "true" && lower != "false") || (node->op != Op::kEq && node->op != Op::kNe)) {
        return absl::InvalidArgumentError(
            "filter: has_free_places takes = or != with true or false");
      }
      node->number = lower == "true" ? 1 : 0;
    } else {
      if (node->op != Op::kEq && node->op != Op::kNe && node->op != Op::kHas) {
        return absl::InvalidArgumentError(
            absl::StrCat("filter: '", common::Echo(name), "' is text; use =, != or :"));
      }
      // Ids are compared as written; other text as folded words.
      const bool is_id = info->field == Field::kId || info->field == Field::kUnitId;
      node->text = is_id ? value : TextFolder::FoldJoined(value);
      node->typed = value;
    }
    return node;
  }

  absl::string_view s_;
  size_t pos_ = 0;
  int depth_ = 0;  // parentheses open around pos_
};

bool Compare(int have, Op op, int want) {
  if (have < 0) return false;
  switch (op) {
    case Op::kEq:
      return have == want;
    case Op::kNe:
      return have != want;
    case Op::kLt:
      return have < want;
    case Op::kLe:
      return have <= want;
    case Op::kGt:
      return have > want;
    case Op::kGe:
      return have >= want;
    case Op::kHas:
      return false;
  }
  return false;
}

bool ContainsWords(absl::string_view have, absl::string_view want) {
  if (want.empty()) return true;
  size_t pos = 0;
  while ((pos = have.find(want, pos)) != absl::string_view::npos) {
    const bool starts = pos == 0 || have[pos - 1] == ' ';
    const size_t end = pos + want.size();
    const bool ends = end == have.size() || have[end] == ' ';
    if (starts && ends) return true;
    ++pos;
  }
  return false;
}

bool Eval(const Node& node, const FilterValues& v) {
  switch (node.type) {
    case Node::Type::kAnd:
      for (const auto& c : node.children) {
        if (!Eval(*c, v)) return false;
      }
      return true;
    case Node::Type::kOr:
      for (const auto& c : node.children) {
        if (Eval(*c, v)) return true;
      }
      return false;
    case Node::Type::kNot:
      return !Eval(*node.children[0], v);
    case Node::Type::kCompare:
      break;
  }
  absl::string_view text;
  switch (node.field) {
    case Field::kId:
      text = v.id;
      break;
    case Field::kKind:
      text = v.kind;
      break;
    case Field::kArea:
      text = v.area;
      break;
    case Field::kDistrict:
      text = v.district;
      break;
    case Field::kLegalBasis:
      text = v.legal_basis;
      break;
    case Field::kServiceType:
      text = v.service_type;
      break;
    case Field::kUnitType:
      text = v.unit_type;
      break;
    case Field::kUnitId:
      text = v.unit_id;
      break;
    case Field::kAge:
      if (v.age_min < 0 || v.age_max < 0) return false;
      if (node.op == Op::kEq) return v.age_min <= node.number && node.number <= v.age_max;
      if (node.op == Op::kNe) return !(v.age_min <= node.number && node.number <= v.age_max);
      if (node.op == Op::kLt || node.op == Op::kLe) return Compare(v.age_min, node.op, node.number);
      return Compare(v.age_max, node.op, node.number);
    case Field::kFreePlaces:
      return Compare(v.free_places, node.op, node.number);
    case Field::kCapacity:
      return Compare(v.capacity, node.op, node.number);
    case Field::kHasFreePlaces: {
      const bool has = v.free_places > 0;
      return (node.op == Op::kEq) == (has == (node.number == 1));
    }
  }
  switch (node.op) {
    case Op::kEq:
      return text == node.text;
    case Op::kNe:
      return text != node.text;
    case Op::kHas:
      return ContainsWords(text, node.text);
    default:
      return false;
  }
}

}  // namespace

FilterExpression::FilterExpression() = default;
FilterExpression::~FilterExpression() = default;
FilterExpression::FilterExpression(FilterExpression&&) noexcept = default;
FilterExpression& FilterExpression::operator=(FilterExpression&&) noexcept = default;

absl::StatusOr<FilterExpression> FilterExpression::Parse(absl::string_view filter) {
  FilterExpression expression;
  if (absl::StripAsciiWhitespace(filter).empty()) return expression;
  if (filter.size() > 4096) {
    return absl::InvalidArgumentError("filter: longer than 4096 bytes");
  }
  Parser parser(filter);
  auto root = parser.ParseAll();
  if (!root.ok()) return root.status();
  expression.root_ = std::move(*root);
  return expression;
}

std::vector<FilterExpression::Equality> FilterExpression::ControlledEqualities() const {
  std::vector<Equality> out;
  std::vector<const Node*> todo;
  if (root_ != nullptr) todo.push_back(root_.get());
  while (!todo.empty()) {
    const Node* node = todo.back();
    todo.pop_back();
    for (const auto& c : node->children) todo.push_back(c.get());
    if (node->type != Node::Type::kCompare || node->op != Op::kEq) continue;
    const Field f = node->field;
    if (f != Field::kArea && f != Field::kDistrict && f != Field::kLegalBasis &&
        f != Field::kServiceType) {
      continue;
    }
    for (const FieldInfo& info : kFields) {
      if (info.field == f) out.push_back({info.name, node->typed});
    }
  }
  return out;
}

bool FilterExpression::Matches(const FilterValues& values) const {
  return root_ == nullptr || Eval(*root_, values);
}

}  // namespace sofdir::search
