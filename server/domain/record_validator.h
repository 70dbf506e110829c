// Field-level validation of a record at the API boundary: required fields,
// formats, controlled values, ranges, valid UTF-8 and length limits.
// References to other records are checked by Directory, which can see them.
//
// Text that leaves the server must be safe where it lands (a CSV cell, an
// iCalendar line, a mail header, a log line), so every string field of a
// record and of a booking request is checked the same way: valid UTF-8 and
// no control characters: C0 (U+0000-U+001F), DEL (U+007F), C1
// (U+0080-U+009F) and the line and paragraph separators U+2028/U+2029 are
// refused, naming the field and the byte where the character is. Multi-line
// fields (kMultiLineFields: the descriptions of records, a booking's note)
// take line feeds (\n) and tabs besides; a carriage return is refused
// everywhere (line breaks are written \n alone).
//
// Pure functions; thread-safe.
#ifndef SOFDIR_SERVER_DOMAIN_RECORD_VALIDATOR_H_
#define SOFDIR_SERVER_DOMAIN_RECORD_VALIDATOR_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "sof/directory/v1/praktik.pb.h"
#include "sof/directory/v1/records.pb.h"

namespace sofdir::domain {

inline constexpr size_t kMaxNameBytes = 300;
inline constexpr size_t kMaxTextBytes = 20000;  // descriptions
inline constexpr size_t kMaxFieldBytes = 1000;  // every other string
inline constexpr size_t kMaxListEntries = 200;  // every repeated field

// OK, or INVALID_ARGUMENT whose message starts with the field path (e.g.
// "tilbud.free_places: 5 is more than capacity 3") and says what is valid.
[[nodiscard]] absl::Status ValidateRecord(const sof::directory::v1::Record& record);

// Field names whose text may span lines (see above).
inline constexpr absl::string_view kMultiLineFields[] = {"description", "note"};

// OK when every string field of the booking request is valid UTF-8 without
// control characters (note: multi-line); else INVALID_ARGUMENT naming the
// field, e.g. "name: contains a control character (\x0A) at byte 4; ...".
// Lengths, formats and references are Book's to check.
[[nodiscard]] absl::Status ValidateBookingText(
    const sof::directory::v1::BookPraktikRequest& request);

// OK when `text`, the value of `field`, is valid UTF-8 without control
// characters (multi-line: \n and tab allowed); else INVALID_ARGUMENT naming
// `field` and the byte offset of the first offending character.
[[nodiscard]] absl::Status ValidateText(absl::string_view field, absl::string_view text,
                                        bool multi_line);

// OK when `id` is "<kind>-" plus 1-64 of [A-Za-z0-9_-]; else INVALID_ARGUMENT
// naming `field`.
[[nodiscard]] absl::Status ValidateId(absl::string_view field, absl::string_view id);

// OK when `value` looks like an e-mail address (or is empty): one @, a dot
// after it, no spaces or control characters; else INVALID_ARGUMENT naming
// `field`.
[[nodiscard]] absl::Status ValidateEmail(absl::string_view field, absl::string_view value);

// OK for an empty or 1-128 printable-ASCII idempotency key.
[[nodiscard]] absl::Status ValidateRequestId(absl::string_view request_id);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(absl::string_view text);

// True when `date` is an existing calendar day written YYYY-MM-DD.
bool IsValidDate(absl::string_view date);

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_RECORD_VALIDATOR_H_
