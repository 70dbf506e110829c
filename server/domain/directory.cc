#include "server/domain/directory.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "server/common/echo.h"
#include "server/common/status_macros.h"
#include "server/domain/freshness.h"
#include "server/domain/idempotency.h"
#include "server/domain/record_pages.h"
#include "server/domain/record_validator.h"
#include "server/domain/update_mask.h"
#include "server/model/record_util.h"
#include "server/model/timestamp.h"
#include "server/storage/key_codec.h"

namespace sofdir::domain {
namespace {

using ::sof::directory::v1::Change;
using ::sof::directory::v1::ChangeType;
using ::sof::directory::v1::Record;
using ::sof::directory::v1::RecordKind;
using storage::ColumnFamily;

constexpr int kMaxReferrersNamed = 5;

google::protobuf::Timestamp Now() { return model::ToTimestamp(absl::Now()); }

absl::Status CheckEtag(absl::string_view given, const Record& stored) {
  if (given.empty() || given == stored.etag()) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat(
      "etag: \"", common::Echo(given), "\" is stale, the record ", model::RecordId(stored),
      " is now at \"", stored.etag(), "\"; read it again and retry"));
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
    : storage_(storage),
      audit_log_(storage),
      pages_(storage),
      next_sequence_(last_sequence + 1),
      durable_sequence_(last_sequence) {}

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
      absl::StatusOr<Record> record = ParseStoredRecord(raw[i].second, raw[i].first);
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
  return LoadStoredRecord(storage_, id);
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
  return pages_.List(request, stop);
}

absl::Status Directory::CheckReferences(const Record& record,
                                        const Transaction& transaction) const {
  const std::string kind_name(model::KindName(model::KindOf(record)));
  for (const model::Reference& ref : model::References(record)) {
    std::string field = absl::StrCat(kind_name, ".", ref.field);
    if (model::KindFromId(ref.target) != ref.target_kind) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": \"", common::Echo(ref.target),
                                                     "\" is not a ",
                                                     model::KindName(ref.target_kind), " id"));
    }
    SOFDIR_ASSIGN_OR_RETURN(std::optional<Record> target, transaction.Load(ref.target));
    if (!target) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": ", common::Echo(ref.target), " does not exist; valid: the id of an existing ",
          model::KindName(ref.target_kind)));
    }
  }
  // A unit must not end up below itself, however deep the chain: walk up
  // to the root. The visited set ends the walk should the stored data hold
  // a cycle already (which --verify reports); the new parent is then left to
  // that check rather than looping here.
  if (record.has_unit() && record.unit().has_parent_id()) {
    const std::string& id = record.unit().id();
    absl::flat_hash_set<std::string> visited;
    std::string current = record.unit().parent_id();
    while (!current.empty() && visited.insert(current).second) {
      if (current == id) {
        return absl::InvalidArgumentError(
            absl::StrCat("unit.parent_id: ", common::Echo(record.unit().parent_id()), " is below ",
                         common::Echo(id), " (", visited.size() - 1,
                         " level(s) down); a unit cannot be moved below itself"));
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
    std::optional<absl::Time> day = UpdatedAt(record);
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

  const uint64_t fingerprint = RequestFingerprint(record);

  absl::ReleasableMutexLock lock(&write_mu_);
  Transaction transaction = Begin(actor);
  if (!request_id.empty()) {
    SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> earlier,
                            FindEarlierRequest(transaction, actor, request_id, fingerprint));
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
  SOFDIR_RETURN_IF_ERROR(CheckReferences(record, transaction));
  SOFDIR_RETURN_IF_ERROR(Guard(transaction, nullptr, &record));
  StageUpsert(transaction, record, std::nullopt);
  if (!request_id.empty()) StageRequest(transaction, actor, request_id, fingerprint, id);
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
        absl::StrCat("record: no kind set; valid: ", model::ValidKindsText()));
  }
  const std::string& id = model::RecordId(input);
  SOFDIR_RETURN_IF_ERROR(
      ValidateId(absl::StrCat(model::KindName(model::KindOf(input)), ".id"), id));
  SOFDIR_RETURN_IF_ERROR(ValidateUpdateMask(*source->GetDescriptor(), mask));

  absl::ReleasableMutexLock lock(&write_mu_);
  SOFDIR_ASSIGN_OR_RETURN(std::optional<Record> current, LoadCommitted(id));
  if (!current) return absl::NotFoundError(absl::StrCat(id, " does not exist"));
  SOFDIR_RETURN_IF_ERROR(CheckEtag(input.etag(), *current));

  SOFDIR_ASSIGN_OR_RETURN(Record updated, ApplyUpdateMask(*current, input, mask));
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
  size_t changed = 0;
  for (const auto& result : response.results()) {
    changed += result.outcome() == sof::directory::v1::CREATED ||
               result.outcome() == sof::directory::v1::UPDATED;
  }
  if (changed > 0) {
    absl::MutexLock deliver(&deliver_mu_);
    for (ChangeListener* listener : listeners_) listener->OnImported(changed);
  }
  return response;
}

absl::StatusOr<sof::directory::v1::ExportRecordsResponse> Directory::Export(
    const sof::directory::v1::ExportRecordsRequest& request, const common::StopCheck& stop) const {
  return pages_.Export(request, stop);
}

absl::StatusOr<Record> Directory::Verify(absl::string_view id, const Actor& actor) {
  return VerifyRecord(*this, id, actor);
}

absl::StatusOr<sof::directory::v1::ListStaleRecordsResponse> Directory::ListStale(
    absl::Time cutoff, absl::string_view unit, int page_size, const common::StopCheck& stop) const {
  return ListStaleRecords(*this, cutoff, unit, page_size, stop);
}

absl::Status Directory::LogPersonRead(absl::string_view person_id, absl::string_view principal,
                                      absl::string_view method) {
  return audit_log_.LogReads({std::string(person_id)}, principal, method);
}

absl::Status Directory::LogPersonReads(const google::protobuf::RepeatedPtrField<Record>& records,
                                       absl::string_view principal, absl::string_view method) {
  return audit_log_.LogReads(AuditLog::PersonsIn(records), principal, method);
}

absl::Status Directory::LogPersonReads(const std::vector<std::string>& ids,
                                       absl::string_view principal, absl::string_view method) {
  return audit_log_.LogReads(ids, principal, method);
}

std::vector<std::string> Directory::PersonsIn(
    const google::protobuf::RepeatedPtrField<Change>& changes) {
  return AuditLog::PersonsIn(changes);
}

absl::StatusOr<sof::directory::v1::ListAuditResponse> Directory::ListAudit(
    const sof::directory::v1::ListAuditRequest& request, const common::StopCheck& stop) const {
  return audit_log_.List(request, stop);
}

absl::StatusOr<sof::directory::v1::ListChangesResponse> Directory::ListChanges(
    const sof::directory::v1::ListChangesRequest& request, const common::StopCheck& stop) const {
  return pages_.ListChanges(request, LastSequence(), stop);
}

}  // namespace sofdir::domain
