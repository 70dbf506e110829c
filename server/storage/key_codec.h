// The one place that defines how sofdir lays out data in RocksDB: column
// families, key encodings and the on-disk format version.
//
//   records   id                              -> Record (binary proto)
//   refs      target_id \0 source_id          -> referring field name
//   order     be64(create_sequence)           -> id
//   changes   be64(sequence)                  -> Change (binary proto)
//   meta      "format_version"                -> decimal kFormatVersion
//             "created"                       -> RFC 3339 time the directory was
//                                               created (only directories made
//                                               by this version have it)
//             "request/" request_id           -> id created by that request
//             "booking-request/" request_id   -> booking id made by that request
//               (both no longer written nor read: keys were global, so
//               another caller's key returned that caller's result; old
//               entries stay, unused, in the same format version)
//             "caller-request/" be64(len) principal be64(len) method request_id
//                                             -> be64(fingerprint) result id
//               (an idempotency key, scoped to its caller and method)
//   bookings  booking_id                      -> Booking (binary proto)
//   reads     person_id \0 be64(unix micros) \0 principal -> method (read log)
//   booking_index
//             "s" \0 offer \0 start \0 be64(seq) -> booking id (active bookings
//                                               of a slot, in booking order)
//             "e" \0 email \0 booking_id      -> "" (bookings by lower-case e-mail)
//   outbox    (format version 2)
//             "m" be64(change seq) event-byte  -> OutboxMessage (binary proto)
//             "b" be64(change seq) event-byte  -> the mail as sent, without its
//                                               From header (RFC 5322 text)
//             "p" be64(change seq) event-byte  -> "" while the message is PENDING
//               (change seq: the sequence of the booking change that caused
//               the mail, so messages list in the order of their events;
//               the event byte is OutboxMessage.Event)
//
// Format versions: 1 had no outbox; Storage::Open migrates a version-1
// directory to 2 (it only adds the empty outbox column family) and refuses
// a newer version than kFormatVersion.
//
// Ids never contain \0 (validated at the API boundary), so the refs key is
// unambiguous and all refs to one target share the prefix target_id \0.
#ifndef SOFDIR_SERVER_STORAGE_KEY_CODEC_H_
#define SOFDIR_SERVER_STORAGE_KEY_CODEC_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace sofdir::storage {

// Bump when the layout above changes; Storage::Open migrates older versions
// it knows (kOldestMigratableFormat..) and refuses newer ones.
inline constexpr int kFormatVersion = 2;
inline constexpr int kOldestMigratableFormat = 1;

enum class ColumnFamily {
  kRecords = 0,
  kRefs,
  kOrder,
  kChanges,
  kMeta,
  kBookings,
  kBookingIndex,
  kReads,
  kOutbox,
  kCount
};

// The RocksDB column family name, e.g. "records".
absl::string_view ColumnFamilyName(ColumnFamily cf);

// Big-endian fixed 8-byte encoding: keys sort in numeric order.
std::string EncodeSequence(uint64_t sequence);
// nullopt unless `key` is exactly 8 bytes.
std::optional<uint64_t> DecodeSequence(absl::string_view key);

std::string RefKey(absl::string_view target_id, absl::string_view source_id);
// The prefix shared by all refs to `target_id`.
std::string RefPrefix(absl::string_view target_id);
// The source id of a refs key.
absl::string_view RefSource(absl::string_view ref_key);

inline constexpr absl::string_view kFormatVersionKey = "format_version";
// Written with the format version when Open creates the directory: marks a
// directory that began empty (see LoadDemoIfNew).
inline constexpr absl::string_view kCreatedKey = "created";
std::string RequestKey(absl::string_view request_id);
std::string BookingRequestKey(absl::string_view request_id);

// Active bookings of one slot, in booking order.
std::string SlotBookingPrefix(absl::string_view offer_id, absl::string_view slot_start);
std::string SlotBookingKey(absl::string_view offer_id, absl::string_view slot_start,
                           uint64_t booking_sequence);
// All active bookings of an offer (every slot).
std::string OfferBookingPrefix(absl::string_view offer_id);
// The read log: who looked up which person, when.
std::string ReadLogKey(absl::string_view person_id, int64_t unix_micros,
                       absl::string_view principal);
std::string ReadLogPrefix(absl::string_view person_id);
struct ReadLogEntry {
  std::string person_id;
  int64_t micros;
  std::string principal;
};
std::optional<ReadLogEntry> DecodeReadLogKey(absl::string_view key);

// The idempotency key `request_id` of `principal` calling `method`, and its
// value: a fingerprint of the request's content and the id of its result.
std::string CallerRequestKey(absl::string_view principal, absl::string_view method,
                             absl::string_view request_id);
std::string EncodeCallerRequest(uint64_t fingerprint, absl::string_view result_id);
struct CallerRequest {
  uint64_t fingerprint;
  std::string result_id;
};
// nullopt when `value` is shorter than a fingerprint.
std::optional<CallerRequest> DecodeCallerRequest(absl::string_view value);

// Bookings by e-mail (lower-cased by the caller).
std::string EmailBookingPrefix(absl::string_view email);
std::string EmailBookingKey(absl::string_view email, absl::string_view booking_id);

// The outbox (see the layout above): message, body and pending-index keys
// of the mail for `event` caused by the change `change_sequence`.
inline constexpr char kOutboxMessageTag = 'm';
inline constexpr char kOutboxBodyTag = 'b';
inline constexpr char kOutboxPendingTag = 'p';
std::string OutboxKey(char tag, uint64_t change_sequence, int event);
// The same key under another tag (`key` is any outbox key).
std::string OutboxRetag(absl::string_view key, char tag);

}  // namespace sofdir::storage

#endif  // SOFDIR_SERVER_STORAGE_KEY_CODEC_H_
