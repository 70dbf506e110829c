// Paging shared by every paged call of the domain (ListRecords,
// ExportRecords, SearchEntries, ...): the one page-token codec and page
// sizes.
//
// A page token is opaque to clients. It binds the key a page stopped at to
// a fingerprint of the query that produced it (e.g. "list/<kind>/<parent>"),
// with a checksum, so a token of another query, a cut or altered token or
// any other bytes are refused rather than answered with the wrong page.
//
// Pure functions; thread-safe.
#ifndef SOFDIR_SERVER_DOMAIN_PAGE_TOKEN_H_
#define SOFDIR_SERVER_DOMAIN_PAGE_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sofdir::domain {

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

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_PAGE_TOKEN_H_
