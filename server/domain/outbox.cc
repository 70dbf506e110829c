#include "server/domain/outbox.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/common/status_macros.h"
#include "server/domain/page_token.h"
#include "server/model/timestamp.h"
#include "server/storage/key_codec.h"

namespace sofdir::domain {
namespace {

namespace v1 = ::sof::directory::v1;
using model::FromTimestamp;
using storage::ColumnFamily;

}  // namespace

void Outbox::Stage(Directory::Transaction& transaction, uint64_t change_sequence,
                   const v1::OutboxMessage& message, absl::string_view mail) {
  const int event = static_cast<int>(message.event());
  transaction.Put(ColumnFamily::kOutbox,
                  storage::OutboxKey(storage::kOutboxMessageTag, change_sequence, event),
                  message.SerializeAsString());
  transaction.Put(ColumnFamily::kOutbox,
                  storage::OutboxKey(storage::kOutboxBodyTag, change_sequence, event), mail);
  transaction.Put(ColumnFamily::kOutbox,
                  storage::OutboxKey(storage::kOutboxPendingTag, change_sequence, event), "");
}

absl::StatusOr<v1::ListOutboxResponse> Outbox::List(const v1::ListOutboxRequest& request) const {
  if (request.page_size() < 0 || request.page_size() > 1000) {
    return absl::InvalidArgumentError("page_size: must be 0..1000 (0 means 100)");
  }
  const int page_size = request.page_size() == 0 ? 100 : request.page_size();
  const std::string fingerprint = absl::StrCat("outbox/", static_cast<int>(request.state()));
  std::string after;
  if (!request.page_token().empty()) {
    SOFDIR_ASSIGN_OR_RETURN(after, DecodePageToken(request.page_token(), fingerprint));
  }
  v1::ListOutboxResponse response;
  std::string last_key;
  absl::Status parsed = absl::OkStatus();
  const std::string prefix(1, storage::kOutboxMessageTag);
  SOFDIR_RETURN_IF_ERROR(storage_.Scan(
      ColumnFamily::kOutbox, prefix, after.empty() ? "" : after + std::string(1, '\0'),
      [&](absl::string_view key, absl::string_view value) {
        v1::OutboxMessage message;
        if (!message.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          parsed = absl::DataLossError("a stored outbox message cannot be parsed");
          return false;
        }
        if (request.state() != v1::OutboxMessage::STATE_UNSPECIFIED &&
            message.state() != request.state()) {
          return true;
        }
        if (response.messages_size() == page_size) {
          response.set_next_page_token(EncodePageToken(fingerprint, last_key));
          return false;
        }
        *response.add_messages() = std::move(message);
        last_key = std::string(key);
        return true;
      }));
  SOFDIR_RETURN_IF_ERROR(parsed);
  return response;
}

absl::StatusOr<Outbox::PendingMessages> Outbox::Pending(absl::Time now, size_t limit) const {
  std::vector<std::string> keys;
  SOFDIR_RETURN_IF_ERROR(storage_.Scan(ColumnFamily::kOutbox,
                                       std::string(1, storage::kOutboxPendingTag), "",
                                       [&](absl::string_view key, absl::string_view) {
                                         keys.emplace_back(key);
                                         return true;
                                       }));
  PendingMessages pending;
  for (const std::string& pending_key : keys) {
    const std::string key = storage::OutboxRetag(pending_key, storage::kOutboxMessageTag);
    SOFDIR_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                            storage_.Get(ColumnFamily::kOutbox, key));
    Message message{key, {}, ""};
    if (!bytes || !message.message.ParseFromString(*bytes)) {
      return absl::DataLossError("a pending outbox message is missing or cannot be parsed");
    }
    const absl::Time at = FromTimestamp(message.message.next_attempt_time());
    if (at > now) {
      if (!pending.next || at < *pending.next) pending.next = at;
      continue;
    }
    if (pending.due.size() >= limit) {
      pending.next = now;
      continue;
    }
    SOFDIR_ASSIGN_OR_RETURN(
        std::optional<std::string> mail,
        storage_.Get(ColumnFamily::kOutbox,
                     storage::OutboxRetag(pending_key, storage::kOutboxBodyTag)));
    message.mail = mail.value_or("");
    pending.due.push_back(std::move(message));
  }
  return pending;
}

absl::Status Outbox::Record(absl::string_view key, const v1::OutboxMessage& message) {
  storage::WriteBatch batch = storage_.NewWriteBatch();
  batch.Put(ColumnFamily::kOutbox, key, message.SerializeAsString());
  if (message.state() != v1::OutboxMessage::PENDING) {
    batch.Delete(ColumnFamily::kOutbox, storage::OutboxRetag(key, storage::kOutboxPendingTag));
  }
  return storage_.WriteDurably(batch);
}

absl::StatusOr<size_t> Outbox::Prune(absl::Time cutoff, size_t batch_size) {
  const std::string prefix(1, storage::kOutboxMessageTag);
  batch_size = std::max<size_t>(batch_size, 1);
  std::string start;
  size_t pruned = 0;
  bool done = false;
  while (!done) {
    std::vector<std::string> keys;
    absl::Status parsed = absl::OkStatus();
    done = true;
    SOFDIR_RETURN_IF_ERROR(storage_.Scan(
        ColumnFamily::kOutbox, prefix, start, [&](absl::string_view key, absl::string_view value) {
          v1::OutboxMessage message;
          if (!message.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            parsed = absl::DataLossError("a stored outbox message cannot be parsed");
            return false;
          }
          if (FromTimestamp(message.create_time()) >= cutoff) return false;
          if (keys.size() == batch_size) {
            start = std::string(key);
            done = false;
            return false;
          }
          if (message.state() != v1::OutboxMessage::PENDING) keys.emplace_back(key);
          return true;
        }));
    SOFDIR_RETURN_IF_ERROR(parsed);
    if (keys.empty()) continue;
    storage::WriteBatch batch = storage_.NewWriteBatch();
    for (const std::string& key : keys) {
      batch.Delete(ColumnFamily::kOutbox, key);
      batch.Delete(ColumnFamily::kOutbox, storage::OutboxRetag(key, storage::kOutboxBodyTag));
      batch.Delete(ColumnFamily::kOutbox, storage::OutboxRetag(key, storage::kOutboxPendingTag));
    }
    SOFDIR_RETURN_IF_ERROR(storage_.Write(batch).status());
    pruned += keys.size();
  }
  return pruned;
}

}  // namespace sofdir::domain
