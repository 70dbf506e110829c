#ifndef SOFDIR_SERVER_SEARCH_TEXT_FOLDER_H_
#define SOFDIR_SERVER_SEARCH_TEXT_FOLDER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/string_view.h"

namespace sofdir::search {

// Splits UTF-8 text into word tokens and folds each token to the form used for
// matching, so that index and query text meet whatever the user's keyboard:
//
//   1. Unicode normalisation and full case folding (ICU NFKC_Casefold), so
//      "ＢＵＦ", "Buf" and "buf" are one token; text with combining marks is
//      composed (NFC) first, so "a" + U+030A equals "å".
//   2. Diacritics are removed ("café" -> "cafe").
//   3. The Danish letters are spelled with their base vowel, and the two-letter
//      spellings collapse the same way: æ, ae -> a; ø, oe -> o; å, aa -> a.
//      Users type "boern", "born" or "børn", "vaerested" or "varested",
//      "Aamager" or "Amager"; all fold to the same token.
//
// A token is a maximal run of letters or of digits; a change between letters
// and digits also splits ("sel107" -> "sel", "107"; "§85" -> "85"). Everything
// else, including invalid UTF-8, separates tokens.
//
// Thread-safe: all functions are stateless (an immutable table is built on
// first use).
class TextFolder {
 public:
  // Called once per token with the folded token and its byte range
  // [begin, end) in `text`.
  template <typename Fn>
  static void ForEachToken(absl::string_view text, Fn&& fn);

  // As ForEachToken, but stops as soon as fn(token, begin, end) returns
  // false, so a caller that needs only the start of a long text does not pay
  // for folding the rest.
  template <typename Fn>
  static void ForEachTokenWhile(absl::string_view text, Fn&& fn);

  // Folds `text` and joins its tokens with single spaces.
  static std::string FoldJoined(absl::string_view text);

  // `text` in Unicode NFC: `text` itself when it holds no combining marks,
  // else its composed form, kept in `*storage`. The byte ranges the token
  // functions report are ranges of this form.
  static absl::string_view Composed(absl::string_view text, std::string* storage);

  // True when `text` is well-formed UTF-8.
  static bool IsValidUtf8(absl::string_view text);

  // Collapses ae/oe/aa in an already lower-case ASCII token, in place.
  static void CollapseDanishDigraphs(std::string* token);

 private:
  // Returns the folded bytes of code point `cp` in `out` (at most 8 bytes)
  // and their count; 0 means "separator". `*is_digit` is set for digits.
  static int FoldCodePoint(int32_t cp, char* out, bool* is_digit);
  // NFC-composes `text` when it holds combining marks; returns false when
  // the text was already composed.
  static bool ComposeIfNeeded(absl::string_view text, std::string* composed);
  // `emit` returns false to stop the scan.
  static void ForEachTokenComposed(absl::string_view text, void* ctx,
                                   bool (*emit)(void*, std::string&, uint32_t, uint32_t));
};

template <typename Fn>
void TextFolder::ForEachToken(absl::string_view text, Fn&& fn) {
  auto emit = [](void* ctx, std::string& token, uint32_t begin, uint32_t end) {
    (*static_cast<std::remove_reference_t<Fn>*>(ctx))(token, begin, end);
    return true;
  };
  ForEachTokenComposed(text, &fn, emit);
}

template <typename Fn>
void TextFolder::ForEachTokenWhile(absl::string_view text, Fn&& fn) {
  auto emit = [](void* ctx, std::string& token, uint32_t begin, uint32_t end) -> bool {
    return (*static_cast<std::remove_reference_t<Fn>*>(ctx))(token, begin, end);
  };
  ForEachTokenComposed(text, &fn, emit);
}

}  // namespace sofdir::search

#endif  // SOFDIR_SERVER_SEARCH_TEXT_FOLDER_H_
