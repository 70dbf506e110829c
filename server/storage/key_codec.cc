#include "server/storage/key_codec.h"

#include "absl/strings/str_cat.h"

namespace sofdir::storage {

absl::string_view ColumnFamilyName(ColumnFamily cf) {
  switch (cf) {
    case ColumnFamily::kRecords:
      return "records";
    case ColumnFamily::kRefs:
      return "refs";
    case ColumnFamily::kOrder:
      return "order";
    case ColumnFamily::kChanges:
      return "changes";
    case ColumnFamily::kMeta:
      return "meta";
    case ColumnFamily::kBookings:
      return "bookings";
    case ColumnFamily::kBookingIndex:
      return "booking_index";
    case ColumnFamily::kReads:
      return "reads";
    case ColumnFamily::kOutbox:
      return "outbox";
    default:
      return "";
  }
}

std::string EncodeSequence(uint64_t sequence) {
  std::string key(8, '\0');
  for (int i = 7; i >= 0; --i) {
    key[i] = static_cast<char>(sequence & 0xff);
    sequence >>= 8;
  }
  return key;
}

std::optional<uint64_t> DecodeSequence(absl::string_view key) {
  if (key.size() != 8) return std::nullopt;
  uint64_t sequence = 0;
  for (char c : key) sequence = (sequence << 8) | static_cast<unsigned char>(c);
  return sequence;
}

std::string RefKey(absl::string_view target_id, absl::string_view source_id) {
  return absl::StrCat(target_id, absl::string_view("\0", 1), source_id);
}

std::string RefPrefix(absl::string_view target_id) {
  return absl::StrCat(target_id, absl::string_view("\0", 1));
}

absl::string_view RefSource(absl::string_view ref_key) {
  size_t zero = ref_key.find('\0');
  return zero == absl::string_view::npos ? absl::string_view() : ref_key.substr(zero + 1);
}

std::string RequestKey(absl::string_view request_id) {
  return absl::StrCat("request/", request_id);
}

std::string BookingRequestKey(absl::string_view request_id) {
  return absl::StrCat("booking-request/", request_id);
}

namespace {
constexpr absl::string_view kZero("\0", 1);
}  // namespace

std::string CallerRequestKey(absl::string_view principal, absl::string_view method,
                             absl::string_view request_id) {
  // Length-prefixed, so no principal or method can make two keys equal.
  return absl::StrCat("caller-request/", EncodeSequence(principal.size()), principal,
                      EncodeSequence(method.size()), method, request_id);
}

std::string EncodeCallerRequest(uint64_t fingerprint, absl::string_view result_id) {
  return absl::StrCat(EncodeSequence(fingerprint), result_id);
}

std::optional<CallerRequest> DecodeCallerRequest(absl::string_view value) {
  if (value.size() < 8) return std::nullopt;
  std::optional<uint64_t> fingerprint = DecodeSequence(value.substr(0, 8));
  if (!fingerprint) return std::nullopt;
  return CallerRequest{*fingerprint, std::string(value.substr(8))};
}

std::string OfferBookingPrefix(absl::string_view offer_id) {
  return absl::StrCat("s", kZero, offer_id, kZero);
}

std::string SlotBookingPrefix(absl::string_view offer_id, absl::string_view slot_start) {
  return absl::StrCat(OfferBookingPrefix(offer_id), slot_start, kZero);
}

std::string SlotBookingKey(absl::string_view offer_id, absl::string_view slot_start,
                           uint64_t booking_sequence) {
  return absl::StrCat(SlotBookingPrefix(offer_id, slot_start), EncodeSequence(booking_sequence));
}

std::string ReadLogPrefix(absl::string_view person_id) { return absl::StrCat(person_id, kZero); }

std::string ReadLogKey(absl::string_view person_id, int64_t unix_micros,
                       absl::string_view principal) {
  return absl::StrCat(ReadLogPrefix(person_id), EncodeSequence(static_cast<uint64_t>(unix_micros)),
                      kZero, principal);
}

std::optional<ReadLogEntry> DecodeReadLogKey(absl::string_view key) {
  size_t zero = key.find('\0');
  if (zero == absl::string_view::npos || key.size() < zero + 1 + 8 + 1) return std::nullopt;
  std::optional<uint64_t> micros = DecodeSequence(key.substr(zero + 1, 8));
  if (!micros) return std::nullopt;
  return ReadLogEntry{std::string(key.substr(0, zero)), static_cast<int64_t>(*micros),
                      std::string(key.substr(zero + 1 + 8 + 1))};
}

std::string EmailBookingPrefix(absl::string_view email) {
  return absl::StrCat("e", kZero, email, kZero);
}

std::string EmailBookingKey(absl::string_view email, absl::string_view booking_id) {
  return absl::StrCat(EmailBookingPrefix(email), booking_id);
}

std::string OutboxKey(char tag, uint64_t change_sequence, int event) {
  return absl::StrCat(std::string(1, tag), EncodeSequence(change_sequence),
                      std::string(1, static_cast<char>(event)));
}

std::string OutboxRetag(absl::string_view key, char tag) {
  std::string out(key);
  if (!out.empty()) out[0] = tag;
  return out;
}

}  // namespace sofdir::storage
