#include "server/domain/store_verifier.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/status_macros.h"
#include "server/domain/praktik_bookings.h"
#include "server/model/record_util.h"
#include "server/storage/key_codec.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::domain {
namespace {

namespace v1 = ::sof::directory::v1;
using storage::ColumnFamily;

// Keys may hold \0 separators; show them readably.
std::string Show(absl::string_view key) { return absl::CHexEscape(key); }

class Verifier {
 public:
  explicit Verifier(const storage::Storage& storage) : storage_(storage) {}

  absl::StatusOr<StoreReport> Run() {
    SOFDIR_RETURN_IF_ERROR(ReadRecords());
    SOFDIR_RETURN_IF_ERROR(CheckChanges());
    SOFDIR_RETURN_IF_ERROR(CheckRefs());
    SOFDIR_RETURN_IF_ERROR(CheckOrder());
    SOFDIR_RETURN_IF_ERROR(CheckBookings());
    CheckUnitCycles();
    return std::move(report_);
  }

 private:
  void Problem(std::string text) {
    ++report_.problem_count;
    if (report_.problems.size() < static_cast<size_t>(kMaxProblemsListed)) {
      report_.problems.push_back(std::move(text));
    }
  }

  absl::Status ReadRecords() {
    return storage_.ScanAll(
        ColumnFamily::kRecords, [&](absl::string_view key, absl::string_view value) {
          ++report_.records;
          v1::Record record;
          if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            Problem(absl::StrCat("records: ", Show(key), " cannot be parsed"));
            return true;
          }
          if (model::RecordId(record) != key) {
            Problem(absl::StrCat("records: ", Show(key), " holds the record ",
                                 Show(model::RecordId(record))));
            return true;
          }
          if (record.has_unit()) ++report_.units;
          records_.emplace(std::string(key), std::move(record));
          return true;
        });
  }

  absl::Status CheckChanges() {
    uint64_t expected = 1;
    SOFDIR_RETURN_IF_ERROR(storage_.ScanAll(ColumnFamily::kChanges, [&](absl::string_view key,
                                                                        absl::string_view value) {
      ++report_.changes;
      std::optional<uint64_t> sequence = storage::DecodeSequence(key);
      if (!sequence) {
        Problem(absl::StrCat("changes: the key ", Show(key), " is not a sequence number"));
        return true;
      }
      if (*sequence != expected) {
        Problem(absl::StrCat("changes: sequences ", expected, "..", *sequence - 1, " are missing"));
      }
      expected = *sequence + 1;
      v1::Change change;
      if (!change.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
        Problem(absl::StrCat("changes: ", *sequence, " cannot be parsed"));
      } else if (change.sequence() != *sequence) {
        Problem(absl::StrCat("changes: ", *sequence, " holds change ", change.sequence()));
      }
      return true;
    }));
    return absl::OkStatus();
  }

  absl::Status CheckRefs() {
    // What the records say: refs key -> the fields that make it.
    std::map<std::string, std::set<std::string>> expected;
    for (const auto& [id, record] : records_) {
      for (const model::Reference& ref : model::References(record)) {
        expected[storage::RefKey(ref.target, id)].insert(std::string(ref.field));
        if (records_.count(std::string(ref.target)) == 0) {
          Problem(absl::StrCat("refs: ", id, " refers to ", ref.target, " (", ref.field,
                               "), which does not exist"));
        }
      }
    }
    SOFDIR_RETURN_IF_ERROR(
        storage_.ScanAll(ColumnFamily::kRefs, [&](absl::string_view key, absl::string_view value) {
          ++report_.refs;
          const std::string target(key.substr(0, key.find('\0')));
          const std::string source(storage::RefSource(key));
          auto it = expected.find(std::string(key));
          if (it == expected.end()) {
            Problem(absl::StrCat("refs: the entry ", target, " <- ", source, " (", Show(value),
                                 ") matches no reference in ", source));
            return true;
          }
          if (it->second.count(std::string(value)) == 0) {
            Problem(absl::StrCat("refs: the entry ", target, " <- ", source, " names field ",
                                 Show(value), ", but ", source, " refers to ", target, " by ",
                                 absl::StrJoin(it->second, ", ")));
          }
          expected.erase(it);
          return true;
        }));
    for (const auto& [key, fields] : expected) {
      Problem(absl::StrCat("refs: ", storage::RefSource(key), " refers to ",
                           key.substr(0, key.find('\0')), " (", absl::StrJoin(fields, ", "),
                           ") but the refs entry is missing"));
    }
    return absl::OkStatus();
  }

  absl::Status CheckOrder() {
    std::set<std::string> listed;
    SOFDIR_RETURN_IF_ERROR(
        storage_.ScanAll(ColumnFamily::kOrder, [&](absl::string_view key, absl::string_view value) {
          ++report_.order;
          std::optional<uint64_t> sequence = storage::DecodeSequence(key);
          auto record = records_.find(std::string(value));
          if (!sequence) {
            Problem(absl::StrCat("order: the key ", Show(key), " is not a sequence number"));
          } else if (record == records_.end()) {
            Problem(absl::StrCat("order: ", *sequence, " names ", Show(value),
                                 ", which does not exist"));
          } else if (record->second.create_sequence() != *sequence) {
            Problem(absl::StrCat("order: ", *sequence, " names ", value, ", created at ",
                                 record->second.create_sequence()));
          } else {
            listed.insert(std::string(value));
          }
          return true;
        }));
    for (const auto& [id, record] : records_) {
      if (listed.count(id) == 0) {
        Problem(absl::StrCat("order: ", id, " (created at ", record.create_sequence(),
                             ") has no entry"));
      }
    }
    return absl::OkStatus();
  }

  absl::Status CheckBookings() {
    std::map<std::string, std::string> expected;  // booking_index key -> value
    SOFDIR_RETURN_IF_ERROR(storage_.ScanAll(
        ColumnFamily::kBookings, [&](absl::string_view key, absl::string_view value) {
          ++report_.bookings;
          v1::Booking booking;
          if (!booking.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            Problem(absl::StrCat("bookings: ", Show(key), " cannot be parsed"));
            return true;
          }
          if (booking.booking_id() != key) {
            Problem(absl::StrCat("bookings: ", Show(key), " holds ", Show(booking.booking_id())));
            return true;
          }
          if (booking.status() == v1::CONFIRMED || booking.status() == v1::WAITLISTED) {
            expected[storage::SlotBookingKey(booking.offer_id(), booking.slot_start(),
                                             booking.create_sequence())] = SlotIndexValue(booking);
          }
          expected[storage::EmailBookingKey(absl::AsciiStrToLower(booking.email()),
                                            booking.booking_id())] = "";
          return true;
        }));
    SOFDIR_RETURN_IF_ERROR(storage_.ScanAll(
        ColumnFamily::kBookingIndex, [&](absl::string_view key, absl::string_view value) {
          ++report_.booking_index;
          auto it = expected.find(std::string(key));
          if (it == expected.end()) {
            Problem(absl::StrCat("booking_index: the entry ", Show(key), " (", Show(value),
                                 ") matches no booking"));
            return true;
          }
          if (it->second != value) {
            Problem(absl::StrCat("booking_index: the entry ", Show(key), " is ", Show(value),
                                 ", the booking says ", Show(it->second)));
          }
          expected.erase(it);
          return true;
        }));
    for (const auto& [key, value] : expected) {
      Problem(
          absl::StrCat("booking_index: the entry ", Show(key), " (", Show(value), ") is missing"));
    }
    return absl::OkStatus();
  }

  void CheckUnitCycles() {
    // 1: on the current path, 2: known to reach a root.
    absl::flat_hash_map<std::string, int> state;
    for (const auto& [id, record] : records_) {
      if (!record.has_unit() || state[id] == 2) continue;
      std::vector<std::string> path;
      std::string current = id;
      while (true) {
        auto it = records_.find(current);
        if (it == records_.end() || !it->second.has_unit() || state[current] == 2) break;
        if (state[current] == 1) {
          auto start = std::find(path.begin(), path.end(), current);
          std::vector<std::string> cycle(start, path.end());
          cycle.push_back(current);
          Problem(absl::StrCat("units: ", absl::StrJoin(cycle, " -> "),
                               " is a cycle (a unit is its own ancestor)"));
          break;
        }
        state[current] = 1;
        path.push_back(current);
        if (!it->second.unit().has_parent_id()) break;
        current = it->second.unit().parent_id();
      }
      for (const std::string& unit : path) state[unit] = 2;
    }
  }

  const storage::Storage& storage_;
  StoreReport report_;
  std::map<std::string, v1::Record> records_;
};

}  // namespace

absl::StatusOr<StoreReport> VerifyStore(const storage::Storage& storage) {
  return Verifier(storage).Run();
}

}  // namespace sofdir::domain
