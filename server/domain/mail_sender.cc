#include "server/domain/mail_sender.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/common/log.h"
#include "server/model/timestamp.h"

namespace sofdir::domain {
namespace {

namespace v1 = ::sof::directory::v1;
using model::FromTimestamp;
using model::ToTimestamp;

constexpr size_t kBatch = 50;
constexpr size_t kMaxErrorBytes = 500;

}  // namespace

MailSender::MailSender(Outbox& outbox, Options options)
    : outbox_(outbox), options_(std::move(options)) {
  common::LogInfo(absl::StrCat("mail: delivering the outbox through ", options_.smtp.host, ":",
                               options_.smtp.port, " as ", options_.smtp.from));
  thread_ = std::thread([this] { Run(); });
}

MailSender::~MailSender() { Stop(); }

void MailSender::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void MailSender::OnCommitted(const v1::Change& change) {
  if (change.has_booking()) Wake();
}

void MailSender::Wake() {
  absl::MutexLock lock(&mu_);
  wake_ = true;
}

void MailSender::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stop_) return;
      wake_ = false;
    }
    const absl::Time next = std::min(DeliverDue(), PruneIfDue());
    absl::MutexLock lock(&mu_);
    auto woken = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return wake_ || stop_; };
    // Look again at least every minute: the clock may jump.
    const absl::Time until = std::min(next, absl::Now() + absl::Minutes(1));
    mu_.AwaitWithDeadline(absl::Condition(&woken), until);
  }
}

absl::Time MailSender::PruneIfDue() {
  if (options_.keep == absl::InfiniteDuration()) return absl::InfiniteFuture();
  const absl::Time now = options_.now();
  if (now < next_prune_) return next_prune_;
  absl::StatusOr<size_t> pruned = outbox_.Prune(now - options_.keep);
  if (!pruned.ok()) {
    common::LogError(absl::StrCat("mail: cannot prune the outbox: ", pruned.status().ToString()));
  } else if (*pruned > 0) {
    common::LogInfo(absl::StrCat("mail: pruned ", *pruned, " sent or failed messages older than ",
                                 absl::FormatDuration(options_.keep)));
  }
  next_prune_ = now + std::clamp(options_.keep / 4, absl::Milliseconds(100), absl::Hours(1));
  return next_prune_;
}

absl::Time MailSender::DeliverDue() {
  absl::Time now = options_.now();
  absl::StatusOr<Outbox::PendingMessages> pending = outbox_.Pending(now, kBatch);
  if (!pending.ok()) {
    common::LogError(absl::StrCat("mail: cannot read the outbox: ", pending.status().ToString()));
    return absl::Now() + options_.first_retry;
  }
  for (Outbox::Message& item : pending->due) {
    {
      absl::MutexLock lock(&mu_);
      if (stop_) return absl::Now();
    }
    v1::OutboxMessage& message = item.message;
    const std::string mail = absl::StrCat("From: <", options_.smtp.from, ">\r\n", item.mail);
    const SmtpOutcome outcome = SendSmtp(options_.smtp, message.recipient(), mail);
    now = options_.now();
    message.set_attempts(message.attempts() + 1);
    switch (outcome.kind) {
      case SmtpOutcome::kSent:
        message.set_state(v1::OutboxMessage::SENT);
        *message.mutable_sent_time() = ToTimestamp(now);
        message.clear_next_attempt_time();
        message.clear_last_error();
        break;
      case SmtpOutcome::kPermanent:
        message.set_state(v1::OutboxMessage::FAILED);
        message.clear_next_attempt_time();
        message.set_last_error(outcome.detail.substr(0, kMaxErrorBytes));
        break;
      case SmtpOutcome::kTemporary: {
        message.set_last_error(outcome.detail.substr(0, kMaxErrorBytes));
        if (now - FromTimestamp(message.create_time()) > options_.give_up_after) {
          message.set_state(v1::OutboxMessage::FAILED);
          message.clear_next_attempt_time();
          message.set_last_error(absl::StrCat("gave up after ", message.attempts(),
                                              " attempts: ", message.last_error()));
          break;
        }
        absl::Duration delay = options_.first_retry;
        for (int i = 1; i < message.attempts() && delay < options_.max_retry; ++i) delay *= 2;
        delay = std::min(delay, options_.max_retry);
        *message.mutable_next_attempt_time() = ToTimestamp(now + delay);
        break;
      }
    }
    // The message id only: no addresses or contents in the log. A relay's
    // answer to MAIL, RCPT or DATA may quote the recipient: `sofdir outbox`
    // shows it; connection, TLS and login trouble is logged as it is.
    if (outcome.kind != SmtpOutcome::kSent) {
      const bool about_message = absl::StartsWith(outcome.detail, "MAIL FROM") ||
                                 absl::StartsWith(outcome.detail, "RCPT TO") ||
                                 absl::StartsWith(outcome.detail, "DATA") ||
                                 absl::StartsWith(outcome.detail, "end of DATA");
      common::LogWarning(absl::StrCat(
          "mail: ", message.message_id(), " attempt ", message.attempts(), " failed (",
          outcome.kind == SmtpOutcome::kPermanent ? "refused for good" : "will retry",
          "): ", about_message ? "the relay refused it; see sofdir outbox" : message.last_error()));
    }
    absl::Status recorded = outbox_.Record(item.key, message);
    if (!recorded.ok()) {
      common::LogError(absl::StrCat("mail: cannot record the outcome of ", message.message_id(),
                                    ": ", recorded.ToString()));
      return absl::Now() + options_.first_retry;
    }
  }
  if (pending->next) return *pending->next;
  return absl::InfiniteFuture();
}

}  // namespace sofdir::domain
