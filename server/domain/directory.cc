#include "server/domain/directory.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "server/common/status_macros.h"
#include "server/domain/record_validator.h"
#include "server/model/record_util.h"
#include "server/storage/key_codec.h"

namespace sofdir::domain {
namespace {

using ::google::protobuf::util::FieldMaskUtil;
using ::sof::directory::v1::Change;
using ::sof::directory::v1::ChangeType;
using ::sof::directory::v1::Record;
using ::sof::directory::v1::RecordKind;
using storage::ColumnFamily;

constexpr int kMaxReferrersNamed = 5;
constexpr int kMaxUnitDepth = 1000;

// The "parent" relation of ListRecordsRequest.parent.
bool IsParentField(absl::string_view field) {
  return field == "parent_id" || field == "unit_id" || field == "host_unit_id" ||
         field == "related_unit_ids";
}

absl::StatusOr<Record> ParseStored(absl::string_view bytes, absl::string_view key) {
  Record record;
  if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("stored record ", key, " cannot be parsed"));
  }
  record.set_etag(absl::StrCat(record.update_sequence()));
  return record;
}

// Page tokens are opaque to clients: base64 of "<query fingerprint>\n<last key>".
std::string EncodePageToken(absl::string_view fingerprint, absl::string_view last_key) {
  return absl::WebSafeBase64Escape(absl::StrCat(fingerprint, "\n", last_key));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view fingerprint) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
    return absl::InvalidArgumentError("page_token: not a token this server issued");
  }
  std::pair<std::string, std::string> parts = absl::StrSplit(raw, absl::MaxSplits('\n', 1));
  if (parts.first != fingerprint) {
    return absl::InvalidArgumentError(
        "page_token: belongs to a different query; repeat the same kind and parent");
  }
  return parts.second;
}

int PageSize(int requested, int default_size, int max_size, absl::string_view field) {
  if (requested <= 0) return default_size;
  return std::min(requested, max_size);
}

google::protobuf::Timestamp Now() {
  google::protobuf::Timestamp ts;
  absl::Time now = absl::Now();
  ts.set_seconds(absl::ToUnixSeconds(now));
  ts.set_nanos(
      static_cast<int32_t>((now - absl::FromUnixSeconds(ts.seconds())) / absl::Nanoseconds(1)));
  return ts;
}

absl::Status CheckEtag(absl::string_view given, const Record& stored) {
  if (given.empty() || given == stored.etag()) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat("etag: \"", given, "\" is stale, the record ",
                                         model::RecordId(stored), " is now at \"", stored.etag(),
                                         "\"; read it again and retry"));
}

// A record's own updated_at (YYYY-MM-DD), as a time, when it has one.
absl::optional<absl::Time> UpdatedAt(const Record& record) {
  const std::string* text = nullptr;
  switch (record.kind_case()) {
    case Record::kUnit:
      text = &record.unit().updated_at();
      break;
    case Record::kTilbud:
      text = &record.tilbud().updated_at();
      break;
    case Record::kPartner:
      text = &record.partner().updated_at();
      break;
    case Record::kPraktik:
      text = &record.praktik().updated_at();
      break;
    default:
      return absl::nullopt;
  }
  absl::CivilDay day;
  if (text->empty() || !absl::ParseCivilTime(*text, &day)) return absl::nullopt;
  return absl::FromCivil(day, absl::UTCTimeZone());
}

// The top-level fields of `after` that differ from `before` (all set fields
// when there is no `before`), for the audit trail.
std::vector<std::string> ChangedFields(const google::protobuf::Message* before,
                                       const google::protobuf::Message& after) {
  std::vector<std::string> changed;
  const google::protobuf::Descriptor* descriptor = after.GetDescriptor();
  google::protobuf::util::MessageDifferencer differ;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    if (before == nullptr) {
      const google::protobuf::Reflection* r = after.GetReflection();
      if (field->is_repeated() ? r->FieldSize(after, field) > 0 : r->HasField(after, field)) {
        changed.push_back(field->name());
      }
      continue;
    }
    std::vector<const google::protobuf::FieldDescriptor*> only = {field};
    if (!differ.CompareWithFields(*before, after, only, only)) {
      changed.push_back(field->name());
    }
  }
  return changed;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Directory>> Directory::Open(storage::Storage& storage) {
  SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> last_key,
                          storage.LastKey(ColumnFamily::kChanges));
  uint64_t last_sequence = 0;
  if (last_key) {
    std::optional<uint64_t> decoded = storage::DecodeSequence(*last_key);
    if (!decoded) return absl::DataLossError("change log holds a malformed key");
    last_sequence = *decoded;
  }
  return std::unique_ptr<Directory>(new Directory(storage, last_sequence));
}

Directory::Directory(storage::Storage& storage, uint64_t last_sequence)
    : storage_(storage), next_sequence_(last_sequence + 1), durable_sequence_(last_sequence) {}

void Directory::AddListener(ChangeListener* listener) {
  absl::MutexLock lock(&deliver_mu_);
  listeners_.push_back(listener);
}

absl::StatusOr<std::vector<Record>> Directory::LoadAllRecords(int threads) const {
  // Copy the raw bytes in one sequential pass, then parse in parallel: at
  // start-up this is on the critical path to serving.
  std::vector<std::pair<std::string, std::string>> raw;
  SOFDIR_RETURN_IF_ERROR(storage_.ScanAll(ColumnFamily::kRecords,
                                          [&raw](absl::string_view key, absl::string_view value) {
                                            raw.emplace_back(std::string(key), std::string(value));
                                            return true;
                                          }));
  std::vector<Record> records(raw.size());
  std::vector<absl::Status> statuses(std::max(threads, 1));
  auto parse = [&](int worker) {
    for (size_t i = worker; i < raw.size(); i += statuses.size()) {
      absl::StatusOr<Record> record = ParseStored(raw[i].second, raw[i].first);
      if (!record.ok()) {
        statuses[worker] = record.status();
        return;
      }
      records[i] = *std::move(record);
    }
  };
  std::vector<std::thread> workers;
  for (size_t w = 1; w < statuses.size(); ++w) workers.emplace_back(parse, static_cast<int>(w));
  parse(0);
  for (std::thread& t : workers) t.join();
  for (const absl::Status& status : statuses) SOFDIR_RETURN_IF_ERROR(status);
  return records;
}

absl::StatusOr<std::optional<Record>> Directory::LoadCommitted(absl::string_view id) const {
  SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                          storage_.Get(ColumnFamily::kRecords, id));
  if (!bytes) return std::optional<Record>();
  SOFDIR_ASSIGN_OR_RETURN(Record record, ParseStored(*bytes, id));
  return std::optional<Record>(std::move(record));
}

absl::StatusOr<std::optional<Record>> Directory::Transaction::Load(absl::string_view id) const {
  auto it = overlay_.find(id);
  if (it != overlay_.end()) return it->second;
  return directory_.LoadCommitted(id);
}

absl::StatusOr<std::optional<std::string>> Directory::Transaction::Get(
    storage::ColumnFamily cf, absl::string_view key) const {
  return directory_.storage_.Get(cf, key);
}

absl::Status Directory::Transaction::Scan(
    storage::ColumnFamily cf, absl::string_view prefix, absl::string_view start,
    const std::function<bool(absl::string_view, absl::string_view)>& visit) const {
  return directory_.storage_.Scan(cf, prefix, start, visit);
}

void Directory::Transaction::Put(storage::ColumnFamily cf, absl::string_view key,
                                 absl::string_view value) {
  batch_.Put(cf, key, value);
}

void Directory::Transaction::Delete(storage::ColumnFamily cf, absl::string_view key) {
  batch_.Delete(cf, key);
}

uint64_t Directory::Transaction::NextSequence() const { return first_sequence_ + changes_.size(); }

uint64_t Directory::Transaction::AddChange(Change change) {
  const uint64_t sequence = NextSequence();
  change.set_sequence(sequence);
  *change.mutable_change_time() = Now();
  change.set_principal(actor_.principal);
  change.set_method(actor_.method);
  batch_.Put(ColumnFamily::kChanges, storage::EncodeSequence(sequence), change.SerializeAsString());
  changes_.push_back(std::move(change));
  return sequence;
}

Directory::Transaction Directory::Begin(const Actor& actor) {
  return Transaction(*this, storage_.NewWriteBatch(), next_sequence_, actor);
}

void Directory::AddGuard(WriteGuard* guard) {
  absl::MutexLock lock(&write_mu_);
  guards_.push_back(guard);
}

absl::Status Directory::Guard(Transaction& transaction, const Record* before, const Record* after) {
  for (WriteGuard* guard : guards_) {
    SOFDIR_RETURN_IF_ERROR(guard->OnRecordWrite(transaction, before, after));
  }
  return absl::OkStatus();
}

absl::Status Directory::Transact(const std::function<absl::Status(Transaction&)>& build,
                                 const Actor& actor) {
  absl::ReleasableMutexLock lock(&write_mu_);
  Transaction transaction = Begin(actor);
  SOFDIR_RETURN_IF_ERROR(build(transaction));
  SOFDIR_ASSIGN_OR_RETURN(Ticket ticket, Commit(transaction));
  lock.Release();
  return AwaitDurable(ticket);
}

absl::StatusOr<Record> Directory::Get(absl::string_view id) const {
  SOFDIR_RETURN_IF_ERROR(ValidateId("id", id));
  SOFDIR_ASSIGN_OR_RETURN(std::optional<Record> record, LoadCommitted(id));
  if (!record) return absl::NotFoundError(absl::StrCat(id, " does not exist"));
  return *std::move(record);
}

absl::StatusOr<sof::directory::v1::ListRecordsResponse> Directory::List(
    const sof::directory::v1::ListRecordsRequest& request, const common::StopCheck& stop) const {
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError("page_size: must be >= 0 (0 means 50)");
  }
  const int page_size =
      PageSize(request.page_size(), kDefaultListPageSize, kMaxListPageSize, "page_size");
  std::string kind_prefix;
  if (request.kind() != RecordKind::RECORD_KIND_UNSPECIFIED) {
    absl::string_view name = model::KindName(request.kind());
    if (name.empty()) {
      return absl::InvalidArgumentError(
          "kind: unknown; valid: unit, tilbud, partner, praktik, person");
    }
    kind_prefix = absl::StrCat(name, "-");
  }
  if (!request.parent().empty()) SOFDIR_RETURN_IF_ERROR(ValidateId("parent", request.parent()));
  const std::string fingerprint = absl::StrCat("list/", request.kind(), "/", request.parent());
  std::string after;
  if (!request.page_token().empty()) {
    SOFDIR_ASSIGN_OR_RETURN(after, DecodePageToken(request.page_token(), fingerprint));
  }

  sof::directory::v1::ListRecordsResponse response;
  std::string last_id;
  bool more = false;
  absl::Status inner;
  common::ScanStop scan(stop, [&](int64_t) {
    return absl::StrCat("ListRecords stopped after ", response.records_size(),
                        " records, before the page was complete, and returned none; "
                        "retry with a smaller page_size or a longer deadline");
  });
  if (request.parent().empty()) {
    std::string start = after.empty() ? kind_prefix : absl::StrCat(after, std::string(1, '\0'));
    SOFDIR_RETURN_IF_ERROR(storage_.Scan(ColumnFamily::kRecords, kind_prefix, start,
                                         [&](absl::string_view key, absl::string_view value) {
                                           if (!scan.GoOn()) return false;
                                           if (response.records_size() == page_size) {
                                             more = true;
                                             return false;
                                           }
                                           absl::StatusOr<Record> record = ParseStored(value, key);
                                           if (!record.ok()) {
                                             inner = record.status();
                                             return false;
                                           }
                                           *response.add_records() = *std::move(record);
                                           last_id = std::string(key);
                                           return true;
                                         }));
  } else {
    std::string prefix = storage::RefPrefix(request.parent());
    std::string start = after.empty() ? prefix
                                      : absl::StrCat(storage::RefKey(request.parent(), after),
                                                     std::string(1, '\0'));
    std::string previous_source;
    SOFDIR_RETURN_IF_ERROR(storage_.Scan(
        ColumnFamily::kRefs, prefix, start, [&](absl::string_view key, absl::string_view field) {
          if (!scan.GoOn()) return false;
          absl::string_view source = storage::RefSource(key);
          if (!IsParentField(field) || !absl::StartsWith(source, kind_prefix) ||
              source == previous_source) {
            return true;
          }
          if (response.records_size() == page_size) {
            more = true;
            return false;
          }
          previous_source = std::string(source);
          absl::StatusOr<std::optional<Record>> record = LoadCommitted(source);
          if (!record.ok()) {
            inner = record.status();
            return false;
          }
          if (*record) {
            *response.add_records() = **std::move(record);
            last_id = std::string(source);
          }
          return true;
        }));
  }
  SOFDIR_RETURN_IF_ERROR(scan.status());
  SOFDIR_RETURN_IF_ERROR(inner);
  if (more) response.set_next_page_token(EncodePageToken(fingerprint, last_id));
  return response;
}

absl::Status Directory::CheckReferences(const Record& record,
                                        const Transaction& transaction) const {
  const std::string kind_name(model::KindName(model::KindOf(record)));
  for (const model::Reference& ref : model::References(record)) {
    std::string field = absl::StrCat(kind_name, ".", ref.field);
    if (model::KindFromId(ref.target) != ref.target_kind) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": \"", ref.target, "\" is not a ",
                                                     model::KindName(ref.target_kind), " id"));
    }
    SOFDIR_ASSIGN_OR_RETURN(std::optional<Record> target, transaction.Load(ref.target));
    if (!target) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": ", ref.target, " does not exist; valid: the id of an existing ",
                       model::KindName(ref.target_kind)));
    }
  }
  // A unit must not end up below itself.
  if (record.has_unit() && record.unit().has_parent_id()) {
    std::string current = record.unit().parent_id();
    for (int depth = 0; depth < kMaxUnitDepth && !current.empty(); ++depth) {
      if (current == record.unit().id()) {
        return absl::InvalidArgumentError(
            absl::StrCat("unit.parent_id: ", record.unit().parent_id(), " is below ",
                         record.unit().id(), "; a unit cannot be moved below itself"));
      }
      SOFDIR_ASSIGN_OR_RETURN(std::optional<Record> parent, transaction.Load(current));
      if (!parent || !parent->has_unit() || !parent->unit().has_parent_id()) break;
      current = parent->unit().parent_id();
    }
  }
  return absl::OkStatus();
}

void Directory::StageUpsert(Transaction& transaction, Record record,
                            const std::optional<Record>& previous) {
  const uint64_t sequence = transaction.NextSequence();
  const std::string id = model::RecordId(record);
  record.clear_etag();
  record.set_create_sequence(previous ? previous->create_sequence() : sequence);
  record.set_update_sequence(sequence);
  // A content change is a confirmation by whoever made it. Imported data
  // brings its own last-confirmed day (updated_at) when it has one.
  *record.mutable_verified_time() = Now();
  record.set_verified_by(transaction.actor_.principal);
  if (transaction.actor_.method.empty() || transaction.actor_.method == "ImportRecords") {
    absl::optional<absl::Time> day = UpdatedAt(record);
    if (day) {
      record.mutable_verified_time()->set_seconds(absl::ToUnixSeconds(*day));
      record.mutable_verified_time()->set_nanos(0);
    }
  }
  transaction.Put(ColumnFamily::kRecords, id, record.SerializeAsString());
  if (!previous) {
    transaction.Put(ColumnFamily::kOrder, storage::EncodeSequence(sequence), id);
  } else {
    for (const model::Reference& ref : model::References(*previous)) {
      transaction.Delete(ColumnFamily::kRefs, storage::RefKey(ref.target, id));
    }
  }
  for (const model::Reference& ref : model::References(record)) {
    transaction.Put(ColumnFamily::kRefs, storage::RefKey(ref.target, id), ref.field);
  }
  record.set_etag(absl::StrCat(sequence));

  Change change;
  change.set_id(id);
  change.set_kind(model::KindOf(record));
  change.set_type(previous ? ChangeType::CHANGE_UPDATED : ChangeType::CHANGE_CREATED);
  for (std::string& field : ChangedFields(previous ? model::KindMessage(*previous) : nullptr,
                                          *model::KindMessage(record))) {
    change.add_changed_fields(std::move(field));
  }
  *change.mutable_record() = record;
  transaction.overlay_[id] = std::move(record);
  transaction.AddChange(std::move(change));
}

void Directory::StageDelete(Transaction& transaction, const Record& previous) {
  const std::string& id = model::RecordId(previous);
  transaction.Delete(ColumnFamily::kRecords, id);
  transaction.Delete(ColumnFamily::kOrder, storage::EncodeSequence(previous.create_sequence()));
  for (const model::Reference& ref : model::References(previous)) {
    transaction.Delete(ColumnFamily::kRefs, storage::RefKey(ref.target, id));
  }
  Change change;
  change.set_id(id);
  change.set_kind(model::KindOf(previous));
  change.set_type(ChangeType::CHANGE_DELETED);
  transaction.overlay_[id] = std::nullopt;
  transaction.AddChange(std::move(change));
}

absl::StatusOr<Directory::Ticket> Directory::Commit(Transaction& transaction) {
  // Nothing to write: the answer may still rest on another writer's data
  // that is not synced yet, so wait for that.
  if (transaction.changes_.empty()) return LatestTicket();
  SOFDIR_ASSIGN_OR_RETURN(uint64_t storage_ticket, storage_.Write(transaction.batch_));
  next_sequence_ += transaction.changes_.size();
  {
    // Listeners hear of the changes only once they are durable (Deliver).
    absl::MutexLock lock(&queue_mu_);
    // The transaction ends with this commit: its changes move.
    undelivered_.insert(undelivered_.end(), std::make_move_iterator(transaction.changes_.begin()),
                        std::make_move_iterator(transaction.changes_.end()));
  }
  return Ticket{storage_ticket, next_sequence_ - 1};
}

Directory::Ticket Directory::LatestTicket() const {
  return Ticket{storage_.LastTicket(), next_sequence_ - 1};
}

void Directory::AddDurableListener(std::function<void(uint64_t)> listener) {
  durable_listeners_.push_back(std::move(listener));
}

absl::Status Directory::AwaitDurable(Ticket ticket) {
  if (ticket.storage != 0) SOFDIR_RETURN_IF_ERROR(storage_.WaitDurable(ticket.storage));
  // Sequences and storage tickets are both assigned under write_mu_, so
  // every change up to ticket.sequence is in the durable prefix.
  Deliver(ticket.sequence);
  return absl::OkStatus();
}

void Directory::Deliver(uint64_t sequence) {
  // Waiters finish in any order; whoever delivers takes every queued change
  // up to its sequence, so a later waiter may deliver an earlier one's
  // changes (which are durable too) and the earlier one finds none left.
  absl::MutexLock deliver(&deliver_mu_);
  if (durable_sequence_.load() >= sequence) return;
  std::vector<Change> ready;
  {
    absl::MutexLock lock(&queue_mu_);
    while (!undelivered_.empty() && undelivered_.front().sequence() <= sequence) {
      ready.push_back(std::move(undelivered_.front()));
      undelivered_.pop_front();
    }
  }
  for (const Change& change : ready) {
    for (ChangeListener* listener : listeners_) listener->OnCommitted(change);
  }
  durable_sequence_.store(sequence);
  for (const auto& listener : durable_listeners_) listener(sequence);
}

absl::StatusOr<Record> Directory::Create(const Record& input, absl::string_view request_id,
                                         const Actor& actor) {
  SOFDIR_RETURN_IF_ERROR(ValidateRequestId(request_id));
  Record record = model::WithoutMetadata(input);
  SOFDIR_RETURN_IF_ERROR(ValidateRecord(record));
  const std::string& id = model::RecordId(record);

  absl::ReleasableMutexLock lock(&write_mu_);
  if (!request_id.empty()) {
    SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> earlier,
                            storage_.Get(ColumnFamily::kMeta, storage::RequestKey(request_id)));
    if (earlier) {
      SOFDIR_ASSIGN_OR_RETURN(Record replayed, Get(*earlier));
      const Ticket ticket = LatestTicket();
      lock.Release();
      SOFDIR_RETURN_IF_ERROR(AwaitDurable(ticket));
      return replayed;
    }
  }
  SOFDIR_ASSIGN_OR_RETURN(std::optional<Record> existing, LoadCommitted(id));
  if (existing) return absl::AlreadyExistsError(absl::StrCat(id, " already exists"));
  Transaction transaction = Begin(actor);
  SOFDIR_RETURN_IF_ERROR(CheckReferences(record, transaction));
  SOFDIR_RETURN_IF_ERROR(Guard(transaction, nullptr, &record));
  StageUpsert(transaction, record, std::nullopt);
  if (!request_id.empty()) {
    transaction.Put(ColumnFamily::kMeta, storage::RequestKey(request_id), id);
  }
  SOFDIR_ASSIGN_OR_RETURN(Ticket ticket, Commit(transaction));
  lock.Release();
  SOFDIR_RETURN_IF_ERROR(AwaitDurable(ticket));
  return *transaction.overlay_.at(id);
}

absl::StatusOr<Record> Directory::Update(const Record& input,
                                         const google::protobuf::FieldMask& mask,
                                         const Actor& actor) {
  const google::protobuf::Message* source = model::KindMessage(input);
  if (source == nullptr) {
    return absl::InvalidArgumentError(
        "record: no kind set; valid: unit, tilbud, partner, praktik or person");
  }
  const std::string& id = model::RecordId(input);
  SOFDIR_RETURN_IF_ERROR(
      ValidateId(absl::StrCat(model::KindName(model::KindOf(input)), ".id"), id));
  for (const std::string& path : mask.paths()) {
    if (!FieldMaskUtil::GetFieldDescriptors(source->GetDescriptor(), path, nullptr)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "update_mask: \"", path, "\" is not a field of ", source->GetDescriptor()->name()));
    }
    if (path == "id") return absl::InvalidArgumentError("update_mask: id cannot be changed");
  }

  absl::ReleasableMutexLock lock(&write_mu_);
  SOFDIR_ASSIGN_OR_RETURN(std::optional<Record> current, LoadCommitted(id));
  if (!current) return absl::NotFoundError(absl::StrCat(id, " does not exist"));
  SOFDIR_RETURN_IF_ERROR(CheckEtag(input.etag(), *current));

  Record updated = model::WithoutMetadata(*current);
  if (mask.paths().empty()) {
    updated = model::WithoutMetadata(input);
  } else {
    FieldMaskUtil::MergeOptions options;
    options.set_replace_message_fields(true);
    options.set_replace_repeated_fields(true);
    FieldMaskUtil::MergeMessageTo(*source, mask, options, model::MutableKindMessage(updated));
  }
  SOFDIR_RETURN_IF_ERROR(ValidateRecord(updated));
  if (google::protobuf::util::MessageDifferencer::Equals(updated,
                                                         model::WithoutMetadata(*current))) {
    const Ticket ticket = LatestTicket();
    lock.Release();
    SOFDIR_RETURN_IF_ERROR(AwaitDurable(ticket));
    return *current;
  }
  Transaction transaction = Begin(actor);
  SOFDIR_RETURN_IF_ERROR(CheckReferences(updated, transaction));
  SOFDIR_RETURN_IF_ERROR(Guard(transaction, &*current, &updated));
  StageUpsert(transaction, std::move(updated), current);
  SOFDIR_ASSIGN_OR_RETURN(Ticket ticket, Commit(transaction));
  lock.Release();
  SOFDIR_RETURN_IF_ERROR(AwaitDurable(ticket));
  return *transaction.overlay_.at(id);
}

absl::Status Directory::Delete(absl::string_view id, absl::string_view etag, const Actor& actor) {
  SOFDIR_RETURN_IF_ERROR(ValidateId("id", id));
  absl::ReleasableMutexLock lock(&write_mu_);
  SOFDIR_ASSIGN_OR_RETURN(std::optional<Record> current, LoadCommitted(id));
  if (!current) return absl::NotFoundError(absl::StrCat(id, " does not exist"));
  SOFDIR_RETURN_IF_ERROR(CheckEtag(etag, *current));

  int referrers = 0;
  std::vector<std::string> named;
  SOFDIR_RETURN_IF_ERROR(
      storage_.Scan(ColumnFamily::kRefs, storage::RefPrefix(id), "",
                    [&](absl::string_view key, absl::string_view field) {
                      ++referrers;
                      if (named.size() < kMaxReferrersNamed) {
                        named.push_back(absl::StrCat(storage::RefSource(key), " (", field, ")"));
                      }
                      return true;
                    }));
  if (referrers > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        id, " is still referred to by ", referrers, " record(s): ", absl::StrJoin(named, ", "),
        referrers > static_cast<int>(named.size()) ? ", ..." : "", "; delete or move them first"));
  }
  Transaction transaction = Begin(actor);
  SOFDIR_RETURN_IF_ERROR(Guard(transaction, &*current, nullptr));
  StageDelete(transaction, *current);
  SOFDIR_ASSIGN_OR_RETURN(Ticket ticket, Commit(transaction));
  lock.Release();
  return AwaitDurable(ticket);
}

absl::StatusOr<sof::directory::v1::ImportRecordsResponse> Directory::Import(
    const std::vector<Record>& records, const Actor& actor, const common::StopCheck& stop) {
  if (records.size() > static_cast<size_t>(kMaxImportBatch)) {
    return absl::InvalidArgumentError(
        absl::StrCat("records: ", records.size(), " in one call; at most ", kMaxImportBatch));
  }
  // The batch is one atomic write, so a stop before it leaves nothing of
  // the batch behind; once Commit has started, the write completes.
  auto stopped_at = [&](const absl::Status& stopped, absl::string_view stage, size_t done) {
    return common::StoppedWith(
        stopped,
        absl::StrCat("ImportRecords stopped after ", stage, " ", done, " of ", records.size(),
                     " records; nothing of this batch was stored "
                     "(a batch is stored all or nothing); retry it with fewer records "
                     "or a longer deadline"));
  };
  sof::directory::v1::ImportRecordsResponse response;
  std::vector<Record> clean;
  clean.reserve(records.size());
  for (const Record& input : records) {
    if (absl::Status stopped = stop.CheckEvery(static_cast<int64_t>(clean.size())); !stopped.ok()) {
      return stopped_at(stopped, "checking", clean.size());
    }
    sof::directory::v1::ImportResult* result = response.add_results();
    result->set_id(model::RecordId(input));
    clean.push_back(model::WithoutMetadata(input));
    absl::Status valid = ValidateRecord(clean.back());
    if (!valid.ok()) {
      result->set_outcome(sof::directory::v1::REJECTED);
      result->set_error(std::string(valid.message()));
      result->set_error_code(static_cast<int>(valid.code()));
    }
  }

  absl::ReleasableMutexLock lock(&write_mu_);
  Transaction transaction = Begin(actor);
  for (size_t i = 0; i < clean.size(); ++i) {
    if (absl::Status stopped = stop.CheckEvery(static_cast<int64_t>(i)); !stopped.ok()) {
      return stopped_at(stopped, "preparing", i);
    }
    sof::directory::v1::ImportResult* result = response.mutable_results(static_cast<int>(i));
    if (result->outcome() == sof::directory::v1::REJECTED) continue;
    const std::string& id = model::RecordId(clean[i]);
    SOFDIR_ASSIGN_OR_RETURN(std::optional<Record> previous, transaction.Load(id));
    if (previous && google::protobuf::util::MessageDifferencer::Equals(
                        clean[i], model::WithoutMetadata(*previous))) {
      result->set_outcome(sof::directory::v1::UNCHANGED);
      continue;
    }
    absl::Status allowed = CheckReferences(clean[i], transaction);
    if (allowed.ok()) {
      allowed = Guard(transaction, previous ? &*previous : nullptr, &clean[i]);
    }
    if (!allowed.ok()) {
      if (allowed.code() != absl::StatusCode::kInvalidArgument &&
          allowed.code() != absl::StatusCode::kFailedPrecondition) {
        return allowed;
      }
      result->set_outcome(sof::directory::v1::REJECTED);
      result->set_error(std::string(allowed.message()));
      result->set_error_code(static_cast<int>(allowed.code()));
      continue;
    }
    result->set_outcome(previous ? sof::directory::v1::UPDATED : sof::directory::v1::CREATED);
    StageUpsert(transaction, std::move(clean[i]), previous);
  }
  if (absl::Status stopped = stop.Check(); !stopped.ok()) {
    return stopped_at(stopped, "preparing", clean.size());
  }
  SOFDIR_ASSIGN_OR_RETURN(Ticket ticket, Commit(transaction));
  lock.Release();
  SOFDIR_RETURN_IF_ERROR(AwaitDurable(ticket));
  return response;
}

absl::StatusOr<sof::directory::v1::ExportRecordsResponse> Directory::Export(
    const sof::directory::v1::ExportRecordsRequest& request, const common::StopCheck& stop) const {
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError("page_size: must be >= 0 (0 means 1000)");
  }
  const int page_size =
      PageSize(request.page_size(), kDefaultExportPageSize, kMaxExportPageSize, "page_size");
  const std::string fingerprint = absl::StrCat("export/", request.kind());
  std::string start;
  if (!request.page_token().empty()) {
    SOFDIR_ASSIGN_OR_RETURN(std::string after, DecodePageToken(request.page_token(), fingerprint));
    std::optional<uint64_t> sequence = storage::DecodeSequence(after);
    if (!sequence) return absl::InvalidArgumentError("page_token: not a token this server issued");
    start = storage::EncodeSequence(*sequence + 1);
  }
  sof::directory::v1::ExportRecordsResponse response;
  std::string last_key;
  bool more = false;
  absl::Status inner;
  common::ScanStop scan(stop, [&](int64_t) {
    return absl::StrCat("ExportRecords stopped after ", response.records_size(),
                        " records, before the page was complete, and returned none; "
                        "retry with a smaller page_size or a longer deadline");
  });
  SOFDIR_RETURN_IF_ERROR(storage_.Scan(
      ColumnFamily::kOrder, "", start, [&](absl::string_view key, absl::string_view id) {
        if (!scan.GoOn()) return false;
        if (request.kind() != RecordKind::RECORD_KIND_UNSPECIFIED &&
            model::KindFromId(id) != request.kind()) {
          return true;
        }
        if (response.records_size() == page_size) {
          more = true;
          return false;
        }
        absl::StatusOr<std::optional<Record>> record = LoadCommitted(id);
        if (!record.ok()) {
          inner = record.status();
          return false;
        }
        if (*record) *response.add_records() = **std::move(record);
        last_key = std::string(key);
        return true;
      }));
  SOFDIR_RETURN_IF_ERROR(scan.status());
  SOFDIR_RETURN_IF_ERROR(inner);
  if (more) response.set_next_page_token(EncodePageToken(fingerprint, last_key));
  return response;
}

absl::StatusOr<Record> Directory::Verify(absl::string_view id, const Actor& actor) {
  SOFDIR_RETURN_IF_ERROR(ValidateId("id", id));
  absl::ReleasableMutexLock lock(&write_mu_);
  SOFDIR_ASSIGN_OR_RETURN(std::optional<Record> current, LoadCommitted(id));
  if (!current) return absl::NotFoundError(absl::StrCat(id, " does not exist"));
  Transaction transaction = Begin(actor);
  Record record = *current;
  const uint64_t sequence = transaction.NextSequence();
  record.clear_etag();
  record.set_update_sequence(sequence);
  *record.mutable_verified_time() = Now();
  record.set_verified_by(actor.principal);
  transaction.Put(ColumnFamily::kRecords, id, record.SerializeAsString());
  record.set_etag(absl::StrCat(sequence));
  Change change;
  change.set_id(std::string(id));
  change.set_kind(model::KindOf(record));
  change.set_type(ChangeType::CHANGE_UPDATED);
  change.add_changed_fields("verified_time");
  *change.mutable_record() = record;
  transaction.overlay_[std::string(id)] = record;
  transaction.AddChange(std::move(change));
  SOFDIR_ASSIGN_OR_RETURN(Ticket ticket, Commit(transaction));
  lock.Release();
  SOFDIR_RETURN_IF_ERROR(AwaitDurable(ticket));
  return record;
}

absl::StatusOr<sof::directory::v1::ListStaleRecordsResponse> Directory::ListStale(
    absl::Time cutoff, absl::string_view unit, int page_size, const common::StopCheck& stop) const {
  if (page_size < 0) return absl::InvalidArgumentError("page_size: must be >= 0 (0 means 100)");
  const size_t limit = static_cast<size_t>(PageSize(page_size, 100, 1000, "page_size"));
  if (!unit.empty()) SOFDIR_RETURN_IF_ERROR(ValidateId("unit", unit));
  SOFDIR_ASSIGN_OR_RETURN(std::vector<Record> all, LoadAllRecords());
  if (absl::Status stopped = stop.Check(); !stopped.ok()) {
    return common::StoppedWith(
        stopped, absl::StrCat("ListStaleRecords stopped after reading all ", all.size(),
                              " records, before filtering them; retry with a longer deadline"));
  }
  // Units in the subtree of `unit` (all records when empty).
  absl::flat_hash_map<std::string, std::string> parent;
  for (const Record& r : all) {
    if (r.has_unit() && r.unit().has_parent_id()) parent[r.unit().id()] = r.unit().parent_id();
  }
  auto below = [&](const std::string& unit_id) {
    std::string current = unit_id;
    for (int depth = 0; depth < kMaxUnitDepth; ++depth) {
      if (current == unit) return true;
      auto it = parent.find(current);
      if (it == parent.end()) return false;
      current = it->second;
    }
    return false;
  };
  const int64_t cutoff_seconds = absl::ToUnixSeconds(cutoff);
  std::vector<Record> stale;
  for (Record& r : all) {
    if (r.verified_time().seconds() >= cutoff_seconds) continue;
    if (!unit.empty()) {
      bool mine = false;
      if (r.has_unit()) mine = below(r.unit().id());
      for (const model::Reference& ref : model::References(r)) {
        if (ref.is_parent && below(std::string(ref.target))) mine = true;
      }
      if (!mine) continue;
    }
    stale.push_back(std::move(r));
  }
  std::stable_sort(stale.begin(), stale.end(), [](const Record& a, const Record& b) {
    return a.verified_time().seconds() < b.verified_time().seconds();
  });
  sof::directory::v1::ListStaleRecordsResponse response;
  response.set_total_size(static_cast<int64_t>(stale.size()));
  for (size_t i = 0; i < stale.size() && i < limit; ++i) {
    *response.add_records() = std::move(stale[i]);
  }
  return response;
}

absl::Status Directory::LogPersonRead(absl::string_view person_id, absl::string_view principal,
                                      absl::string_view method) {
  storage::WriteBatch batch = storage_.NewWriteBatch();
  batch.Put(ColumnFamily::kReads,
            storage::ReadLogKey(person_id, absl::ToUnixMicros(absl::Now()), principal), method);
  return storage_.Write(batch).status();
}

absl::Status Directory::LogPersonReads(const google::protobuf::RepeatedPtrField<Record>& records,
                                       absl::string_view principal, absl::string_view method) {
  std::vector<std::string> person_ids;
  for (const Record& record : records) {
    if (record.has_person()) person_ids.push_back(record.person().id());
  }
  return LogPersonReads(person_ids, principal, method);
}

absl::Status Directory::LogPersonReads(const std::vector<std::string>& person_ids,
                                       absl::string_view principal, absl::string_view method) {
  if (person_ids.empty()) return absl::OkStatus();
  storage::WriteBatch batch = storage_.NewWriteBatch();
  const int64_t now = absl::ToUnixMicros(absl::Now());
  for (const std::string& id : person_ids) {
    batch.Put(ColumnFamily::kReads, storage::ReadLogKey(id, now, principal), method);
  }
  return storage_.Write(batch).status();
}

std::vector<std::string> Directory::PersonsIn(
    const google::protobuf::RepeatedPtrField<Change>& changes) {
  std::vector<std::string> ids;
  for (const Change& change : changes) {
    if (change.has_record() && change.record().has_person()) {
      ids.push_back(change.record().person().id());
    }
  }
  return ids;
}

absl::StatusOr<sof::directory::v1::ListAuditResponse> Directory::ListAudit(
    const sof::directory::v1::ListAuditRequest& request, const common::StopCheck& stop) const {
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError("page_size: must be >= 0 (0 means 100)");
  }
  const size_t limit = static_cast<size_t>(PageSize(request.page_size(), 100, 1000, "page_size"));
  const int64_t since_micros =
      request.has_since() ? request.since().seconds() * 1000000 + request.since().nanos() / 1000
                          : 0;
  auto micros = [](const google::protobuf::Timestamp& t) {
    return t.seconds() * 1000000 + t.nanos() / 1000;
  };
  std::vector<sof::directory::v1::AuditEntry> entries;
  absl::Status inner;
  common::ScanStop scan(stop, [](int64_t visited) {
    return absl::StrCat("ListAudit stopped after scanning ", visited,
                        " change-log and read-log entries, and returned none; retry with "
                        "a longer deadline");
  });
  SOFDIR_RETURN_IF_ERROR(
      storage_.ScanAll(ColumnFamily::kChanges, [&](absl::string_view key, absl::string_view value) {
        if (!scan.GoOn()) return false;
        Change change;
        if (!change.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          inner = absl::DataLossError("a change-log entry cannot be parsed");
          return false;
        }
        if (!request.resource().empty() && change.id() != request.resource()) return true;
        if (!request.principal().empty() && change.principal() != request.principal()) return true;
        if (micros(change.change_time()) < since_micros) return true;
        sof::directory::v1::AuditEntry& entry = entries.emplace_back();
        *entry.mutable_time() = change.change_time();
        entry.set_principal(change.principal());
        entry.set_method(change.method());
        entry.set_resource(change.id());
        *entry.mutable_changed_fields() = change.changed_fields();
        entry.set_sequence(change.sequence());
        return true;
      }));
  SOFDIR_RETURN_IF_ERROR(scan.status());
  SOFDIR_RETURN_IF_ERROR(inner);
  const std::string prefix =
      request.resource().empty() ? std::string() : storage::ReadLogPrefix(request.resource());
  SOFDIR_RETURN_IF_ERROR(storage_.Scan(
      ColumnFamily::kReads, prefix, "", [&](absl::string_view key, absl::string_view method) {
        if (!scan.GoOn()) return false;
        std::optional<storage::ReadLogEntry> read = storage::DecodeReadLogKey(key);
        if (!read) return true;
        if (!request.principal().empty() && read->principal != request.principal()) return true;
        if (read->micros < since_micros) return true;
        sof::directory::v1::AuditEntry& entry = entries.emplace_back();
        entry.mutable_time()->set_seconds(read->micros / 1000000);
        entry.mutable_time()->set_nanos(static_cast<int32_t>(read->micros % 1000000) * 1000);
        entry.set_principal(read->principal);
        entry.set_method(std::string(method));
        entry.set_resource(read->person_id);
        return true;
      }));
  SOFDIR_RETURN_IF_ERROR(scan.status());
  SOFDIR_RETURN_IF_ERROR(inner);
  std::stable_sort(entries.begin(), entries.end(), [&](const auto& a, const auto& b) {
    return micros(a.time()) > micros(b.time());
  });
  sof::directory::v1::ListAuditResponse response;
  for (size_t i = 0; i < entries.size() && i < limit; ++i) {
    *response.add_entries() = std::move(entries[i]);
  }
  return response;
}

absl::StatusOr<sof::directory::v1::ListChangesResponse> Directory::ListChanges(
    const sof::directory::v1::ListChangesRequest& request, const common::StopCheck& stop) const {
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError("page_size: must be >= 0 (0 means 100)");
  }
  const int page_size = PageSize(request.page_size(), 100, 1000, "page_size");
  sof::directory::v1::ListChangesResponse response;
  const uint64_t durable = LastSequence();
  response.set_last_sequence(durable);
  if (request.since_sequence() >= durable) return response;
  absl::Status inner;
  common::ScanStop scan(stop, [&](int64_t) {
    return absl::StrCat("ListChanges stopped after ", response.changes_size(),
                        " changes, before the page was complete, and returned none; "
                        "retry with a smaller page_size or a longer deadline");
  });
  SOFDIR_RETURN_IF_ERROR(storage_.Scan(
      ColumnFamily::kChanges, "", storage::EncodeSequence(request.since_sequence() + 1),
      [&](absl::string_view key, absl::string_view value) {
        if (response.changes_size() == page_size) return false;
        if (!scan.GoOn()) return false;
        if (storage::DecodeSequence(key).value_or(0) > durable) return false;
        Change* change = response.add_changes();
        if (!change->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          inner = absl::DataLossError("a change-log entry cannot be parsed");
          return false;
        }
        return true;
      }));
  SOFDIR_RETURN_IF_ERROR(scan.status());
  SOFDIR_RETURN_IF_ERROR(inner);
  return response;
}

}  // namespace sofdir::domain
