// Paging shared by every paged call of the domain (ListRecords,
// ExportRecords, ListChanges, SearchEntries, ...): the one page-token codec,
// page sizes and the byte budget that keeps every page below the message
// limit, however big its records.
//
// A page token is opaque to clients. It binds the key a page stopped at to
// a fingerprint of the query that produced it (e.g. "list/<kind>/<parent>"),
// with a checksum, so a token of another query, a cut or altered token or
// any other bytes are refused rather than answered with the wrong page.
//
// Pure functions (thread-safe) and a value type (not thread-safe).
#ifndef SOFDIR_SERVER_DOMAIN_PAGE_TOKEN_H_
#define SOFDIR_SERVER_DOMAIN_PAGE_TOKEN_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sofdir::domain {

// Serialized bytes of the records (changes, entries) of one page. The
// server sends at most 4 MiB per message (ServerApp::Options::
// max_message_bytes); the rest is room for the response's other fields. A
// page holds at least one item, and record_validator's limits keep one
// record (or change) far below 1 MiB.
inline constexpr size_t kMaxPageBytes = size_t{3} << 20;

// The token for the page after `last_key`, the key the page stopped at.
// `fingerprint` must not contain '\n'.
std::string EncodePageToken(absl::string_view fingerprint, absl::string_view last_key);

// The last key of a token EncodePageToken made with the same fingerprint.
// INVALID_ARGUMENT naming page_token for a token of another query and for
// anything this server did not issue. Never crashes, whatever the bytes.
[[nodiscard]] absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                                          absl::string_view fingerprint);

// The page size to use: `default_size` for 0 (or less), at most `max_size`.
int PageSize(int requested, int default_size, int max_size);

// Counts what a page holds so that it stays within both a count and a byte
// budget. A page always takes its first item, however big, so that paging
// makes progress.
class PageBudget {
 public:
  PageBudget(int max_items, size_t max_bytes = kMaxPageBytes)
      : max_items_(max_items), max_bytes_(max_bytes) {}

  // True when an item of `item_bytes` (its serialized size) may still join
  // the page; then call Add. False when the page is full: the item starts
  // the next page.
  bool Fits(size_t item_bytes) const;
  void Add(size_t item_bytes);

  int items() const { return items_; }
  size_t bytes() const { return bytes_; }

 private:
  // What a repeated message field adds beyond the item's own bytes (tag
  // and length), rounded up.
  static constexpr size_t kItemOverhead = 8;

  int max_items_;
  size_t max_bytes_;
  int items_ = 0;
  size_t bytes_ = 0;
};

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_PAGE_TOKEN_H_
