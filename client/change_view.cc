#include "client/change_view.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "client/json_text.h"
#include "google/protobuf/util/json_util.h"
#include "server/model/record_json.h"
#include "server/model/record_util.h"
#include "server/model/timestamp.h"

namespace sofdir::client {
namespace {

namespace v1 = ::sof::directory::v1;

absl::string_view TypeName(v1::ChangeType type) {
  switch (type) {
    case v1::CHANGE_CREATED:
      return "created";
    case v1::CHANGE_UPDATED:
      return "updated";
    case v1::CHANGE_DELETED:
      return "deleted";
    default:
      return "unknown";
  }
}

absl::Time ChangeTime(const v1::Change& change) {
  return model::FromTimestamp(change.change_time());
}

std::string KindName(const v1::Change& change) {
  if (change.has_booking()) return "booking";
  std::string kind(model::KindName(change.kind()));
  return kind.empty() ? std::string(model::KindName(*model::KindFromId(change.id()))) : kind;
}

}  // namespace

std::string FormatChangeLine(const v1::Change& change) {
  std::string what;
  if (change.has_booking()) {
    const v1::Booking& b = change.booking();
    what = absl::StrCat(v1::BookingStatus_Name(b.status()), " ", b.name(), " · ", b.offer_id(), " ",
                        b.slot_start());
  } else if (change.has_record()) {
    what = model::DisplayName(change.record());
  }
  return absl::StrFormat(
      "%7d  %s  %-7s  %s  %s", change.sequence(),
      absl::FormatTime("%Y-%m-%d %H:%M:%S", ChangeTime(change), absl::UTCTimeZone()),
      TypeName(change.type()), change.id(), what);
}

std::string ChangeToJson(const v1::Change& change) {
  std::string json = absl::StrCat(
      "{\"sequence\":", change.sequence(), ",\"id\":", JsonQuote(change.id()), ",\"type\":\"",
      TypeName(change.type()), "\",\"kind\":\"", KindName(change), "\",\"time\":\"",
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", ChangeTime(change), absl::UTCTimeZone()), "\"");
  if (change.has_record()) {
    absl::StrAppend(&json, ",\"record\":", model::RecordToJsonWithMetadata(change.record()));
  } else if (change.has_booking()) {
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    std::string booking;
    (void)google::protobuf::util::MessageToJsonString(change.booking(), &booking, options);
    absl::StrAppend(&json, ",\"booking\":", booking);
  }
  return json + "}";
}

}  // namespace sofdir::client
