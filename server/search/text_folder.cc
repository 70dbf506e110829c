#include "server/search/text_folder.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <array>
#include <cstring>
#include <memory>
#include <vector>

namespace sofdir::search {
namespace {

struct FoldEntry {
  char bytes[7];
  uint8_t len;  // 0: separator; bit 7 set: digit
};

constexpr int32_t kTableSize = 0x3000;

bool IsMark(UChar32 cp) {
  const int8_t type = u_charType(cp);
  return type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_COMBINING_SPACING_MARK;
}

// Folds one code point through ICU. Slow; results for the common planes are
// cached in a table.
FoldEntry ComputeFold(UChar32 cp) {
  FoldEntry entry{};
  if (cp < 0x80) {
    const char c = static_cast<char>(cp);
    if (c >= 'A' && c <= 'Z') {
      entry.bytes[0] = static_cast<char>(c - 'A' + 'a');
      entry.len = 1;
    } else if ((c >= 'a' && c <= 'z')) {
      entry.bytes[0] = c;
      entry.len = 1;
    } else if (c >= '0' && c <= '9') {
      entry.bytes[0] = c;
      entry.len = 1 | 0x80;
    }
    return entry;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) return entry;
  icu::UnicodeString folded = casefold->normalize(icu::UnicodeString(cp), status);
  if (U_FAILURE(status)) return entry;
  std::string out;
  bool digit = false;
  for (int32_t i = 0; i < folded.length();) {
    const UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    switch (c) {
      case 0xE6:  // æ
      case 0xE4:  // ä
        out += 'a';
        continue;
      case 0xF8:  // ø
      case 0xF6:  // ö
        out += 'o';
        continue;
      case 0xE5:  // å
        out += 'a';
        continue;
      default:
        break;
    }
    icu::UnicodeString decomposed = nfd->normalize(icu::UnicodeString(c), status);
    if (U_FAILURE(status)) return entry;
    for (int32_t j = 0; j < decomposed.length();) {
      const UChar32 d = decomposed.char32At(j);
      j += U16_LENGTH(d);
      if (IsMark(d) || !u_isalnum(d)) continue;
      if (u_isdigit(d)) {
        // Non-ASCII digits fold to their ASCII value.
        const int value = u_charDigitValue(d);
        if (value >= 0 && value <= 9) {
          out += static_cast<char>('0' + value);
          digit = true;
        }
        continue;
      }
      char buf[U8_MAX_LENGTH];
      int32_t n = 0;
      UBool error = false;
      U8_APPEND(buf, n, U8_MAX_LENGTH, d, error);
      if (!error) out.append(buf, n);
    }
  }
  if (out.size() > sizeof(entry.bytes)) out.resize(sizeof(entry.bytes));
  std::memcpy(entry.bytes, out.data(), out.size());
  entry.len = static_cast<uint8_t>(out.size()) | (digit ? 0x80 : 0);
  return entry;
}

const std::vector<FoldEntry>& FoldTable() {
  static const std::vector<FoldEntry>* table = [] {
    auto* t = new std::vector<FoldEntry>(kTableSize);
    for (int32_t cp = 0; cp < kTableSize; ++cp) (*t)[cp] = ComputeFold(cp);
    return t;
  }();
  return *table;
}

}  // namespace

int TextFolder::FoldCodePoint(int32_t cp, char* out, bool* is_digit) {
  FoldEntry entry;
  if (cp >= 0 && cp < kTableSize) {
    entry = FoldTable()[cp];
  } else {
    entry = ComputeFold(cp);
  }
  const int len = entry.len & 0x7F;
  *is_digit = (entry.len & 0x80) != 0;
  std::memcpy(out, entry.bytes, len);
  return len;
}

void TextFolder::CollapseDanishDigraphs(std::string* token) {
  std::string& s = *token;
  size_t w = 0;
  for (size_t r = 0; r < s.size(); ++r) {
    const char c = s[r];
    if (r + 1 < s.size()) {
      const char n = s[r + 1];
      if ((c == 'a' && (n == 'a' || n == 'e')) || (c == 'o' && n == 'e')) {
        s[w++] = c;
        ++r;
        continue;
      }
    }
    s[w++] = c;
  }
  s.resize(w);
}

bool TextFolder::ComposeIfNeeded(absl::string_view text, std::string* composed) {
  // Combining diacritical marks U+0300..U+036F are encoded as CC 80..CD AF
  // (memchr scans many bytes at a time; this runs for every text folded).
  if (text.size() < 2) return false;
  const size_t lead_bytes = text.size() - 1;  // a mark needs a byte after its lead
  if (std::memchr(text.data(), 0xCC, lead_bytes) == nullptr &&
      std::memchr(text.data(), 0xCD, lead_bytes) == nullptr) {
    return false;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return false;
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString n = nfc->normalize(s, status);
  if (U_FAILURE(status)) return false;
  composed->clear();
  n.toUTF8String(*composed);
  return true;
}

absl::string_view TextFolder::Composed(absl::string_view text, std::string* storage) {
  return ComposeIfNeeded(text, storage) ? absl::string_view(*storage) : text;
}

void TextFolder::ForEachTokenComposed(absl::string_view input, void* ctx,
                                      bool (*emit)(void*, std::string&, uint32_t, uint32_t)) {
  std::string composed;
  absl::string_view text = input;
  if (ComposeIfNeeded(input, &composed)) text = composed;

  // One token buffer per thread and nesting level, to avoid an allocation
  // per call on the indexing path.
  thread_local int depth = 0;
  thread_local std::string buffers[4];
  std::string local;
  std::string& token = depth < 4 ? buffers[depth] : local;
  struct DepthGuard {
    DepthGuard() { ++depth; }
    ~DepthGuard() { --depth; }
  } guard;
  token.clear();
  int32_t begin = -1;
  bool token_is_digit = false;
  bool needs_collapse = false;
  bool stopped = false;
  auto flush = [&](int32_t end) {
    if (begin >= 0 && !token.empty()) {
      if (needs_collapse) CollapseDanishDigraphs(&token);
      stopped = !emit(ctx, token, static_cast<uint32_t>(begin), static_cast<uint32_t>(end));
    }
    token.clear();
    begin = -1;
    needs_collapse = false;
  };

  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  char buf[8];
  while (i < length && !stopped) {
    const int32_t start = i;
    UChar32 cp;
    if (s[i] < 0x80) {
      // ASCII fast path: most text is ASCII.
      const char c = static_cast<char>(s[i++]);
      char lower = 0;
      bool digit = false;
      if (c >= 'a' && c <= 'z') {
        lower = c;
      } else if (c >= 'A' && c <= 'Z') {
        lower = static_cast<char>(c - 'A' + 'a');
      } else if (c >= '0' && c <= '9') {
        lower = c;
        digit = true;
      }
      if (lower == 0) {
        flush(start);
        continue;
      }
      if (begin >= 0 && digit != token_is_digit) flush(start);
      if (begin < 0) {
        begin = start;
        token_is_digit = digit;
      }
      if ((lower == 'a' || lower == 'e') && !token.empty() &&
          (token.back() == 'a' || (token.back() == 'o' && lower == 'e'))) {
        needs_collapse = true;
      }
      token.push_back(lower);
      continue;
    }
    U8_NEXT(s, i, length, cp);
    if (cp < 0) {
      flush(start);
      continue;
    }
    bool is_digit = false;
    int n = FoldCodePoint(cp, buf, &is_digit);
    if (n == 0) {
      if (IsMark(cp)) continue;  // stray mark inside a word
      flush(start);
      continue;
    }
    if (begin >= 0 && is_digit != token_is_digit) flush(start);
    if (begin < 0) {
      begin = start;
      token_is_digit = is_digit;
    }
    if (!is_digit) {
      for (int k = 0; k < n; ++k) {
        // Folded Danish letters may form a digraph with a neighbour.
        if (buf[k] == 'a' || buf[k] == 'o' || buf[k] == 'e') needs_collapse = true;
      }
    }
    token.append(buf, n);
  }
  if (!stopped) flush(length);
}

std::string TextFolder::FoldJoined(absl::string_view text) {
  std::string out;
  ForEachToken(text, [&](std::string& token, uint32_t, uint32_t) {
    if (!out.empty()) out += ' ';
    out += token;
  });
  return out;
}

bool TextFolder::IsValidUtf8(absl::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    UChar32 cp;
    U8_NEXT(s, i, length, cp);
    if (cp < 0) return false;
  }
  return true;
}

}  // namespace sofdir::search
