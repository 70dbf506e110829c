// Delivers the outbox (outbox.h) through an SMTP relay on a thread of its
// own, so bookings never wait for mail: they only write to the outbox.
//
// It wakes on every committed booking change (as a ChangeListener) and when
// a retry is due, sends each due PENDING message (From: --smtp-from added
// to the stored text) and records the outcome durably:
//   - 250 to the end of DATA: SENT, with sent_time;
//   - a 5xx to MAIL, RCPT or DATA: FAILED, with the relay's answer;
//   - anything else (no connection, 4xx, TLS or login trouble): stays
//     PENDING, attempts + 1, last_error, next_attempt_time after an
//     exponential backoff (first_retry, doubling, at most max_retry).
//     After give_up_after since it was created it is FAILED.
//
// Delivery is at least once, and exactly once unless the process dies (or
// the disk fails) between the relay's 250 and the synced SENT mark: then
// the message is sent again after the restart, with the same Message-ID
// (booking_mail.h), which mail clients and the relay's duplicate checks
// recognise. A message is never lost: it is stored with its booking change.
//
// It also prunes the outbox (Outbox::Prune): SENT and FAILED messages
// older than `keep` are deleted when it starts and then every keep/4 (at
// most every hour); PENDING ones are never deleted.
//
// Thread-safe.
#ifndef SOFDIR_SERVER_DOMAIN_MAIL_SENDER_H_
#define SOFDIR_SERVER_DOMAIN_MAIL_SENDER_H_

#include <functional>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/domain/change_listener.h"
#include "server/domain/outbox.h"
#include "server/domain/smtp_client.h"

namespace sofdir::domain {

class MailSender : public ChangeListener {
 public:
  struct Options {
    SmtpOptions smtp;
    absl::Duration first_retry = absl::Seconds(30);
    absl::Duration max_retry = absl::Hours(1);
    absl::Duration give_up_after = absl::Hours(72);
    // SENT and FAILED messages are kept this long after their creation;
    // absl::InfiniteDuration(): forever.
    absl::Duration keep = absl::Hours(30 * 24);
    std::function<absl::Time()> now = [] { return absl::Now(); };
  };

  // Starts the thread; `outbox` must outlive this object.
  MailSender(Outbox& outbox, Options options);
  // Stops: waits for a delivery in progress (bounded by the SMTP timeout).
  ~MailSender() override;

  // Wakes the thread when the change is a booking's.
  void OnCommitted(const sof::directory::v1::Change& change) override;
  // Wakes the thread.
  void Wake();
  // Stops the thread (idempotent); the destructor calls it.
  void Stop();

 private:
  void Run();
  // Sends what is due; returns when to look again.
  absl::Time DeliverDue();
  // Prunes the outbox when it is due; returns when to prune next.
  absl::Time PruneIfDue();

  Outbox& outbox_;
  Options options_;
  absl::Mutex mu_;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time next_prune_ = absl::InfinitePast();  // only the sender thread uses it
  std::thread thread_;
};

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_MAIL_SENDER_H_
