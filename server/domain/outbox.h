// The outbox: e-mails about bookings, written by PraktikBookings into the
// same atomic write as the booking change that causes them (Stage), read by
// the mail sender (Pending) and by admins (List). Layout: key_codec.h.
//
// Each message is stored twice over: its OutboxMessage (state, attempts,
// times, last error) and its RFC 5322 text without the From header (the
// sender adds --smtp-from), plus a pending-index key while it is PENDING,
// so the sender never scans SENT mail.
//
// Thread-safe: Record and Prune are called by the one sender thread; Stage runs under
// Directory's write lock; reads see committed data.
#ifndef SOFDIR_SERVER_DOMAIN_OUTBOX_H_
#define SOFDIR_SERVER_DOMAIN_OUTBOX_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/directory.h"
#include "server/storage/storage.h"
#include "sof/directory/v1/directory_service.pb.h"

namespace sofdir::domain {

class Outbox {
 public:
  // `storage` must outlive this object.
  explicit Outbox(storage::Storage& storage) : storage_(storage) {}

  // Stages `message` (PENDING) and its `mail` text under the key of the
  // change `change_sequence` and the message's event.
  static void Stage(Directory::Transaction& transaction, uint64_t change_sequence,
                    const sof::directory::v1::OutboxMessage& message, absl::string_view mail);

  // Messages in event order, only `state` when given; page_size 0 means
  // 100, at most 1000; INVALID_ARGUMENT for a bad size or token.
  [[nodiscard]] absl::StatusOr<sof::directory::v1::ListOutboxResponse> List(
      const sof::directory::v1::ListOutboxRequest& request) const;

  struct Message {
    std::string key;  // its outbox key (tag 'm')
    sof::directory::v1::OutboxMessage message;
    std::string mail;
  };
  struct PendingMessages {
    std::vector<Message> due;        // next_attempt_time <= now, in event order
    std::optional<absl::Time> next;  // the earliest attempt of the others
  };
  // At most `limit` due PENDING messages.
  [[nodiscard]] absl::StatusOr<PendingMessages> Pending(absl::Time now, size_t limit) const;

  // Stores `message`'s new state durably (synced); removes it from the
  // pending index when it is no longer PENDING.
  [[nodiscard]] absl::Status Record(absl::string_view key,
                                    const sof::directory::v1::OutboxMessage& message);

  // Deletes SENT and FAILED messages created before `cutoff`, with their
  // text, in write batches of at most `batch_size` messages; PENDING ones
  // are kept whatever their age. Returns how many it deleted. Messages are
  // visited in event order, so the scan stops at the first one created at
  // or after `cutoff`. Not synced: a crash may undo part of a prune, which
  // the next prune redoes.
  [[nodiscard]] absl::StatusOr<size_t> Prune(absl::Time cutoff, size_t batch_size = 1000);

 private:
  storage::Storage& storage_;
};

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_OUTBOX_H_
