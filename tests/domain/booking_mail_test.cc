// Booking mail: written into the outbox by the booking change itself, with
// stable Message-IDs; composed as a valid MIME message; offer edits that
// promote waiting bookings send their mail too; Outbox pages and records
// outcomes.
#include "server/domain/booking_mail.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/outbox.h"
#include "server/domain/praktik_bookings.h"
#include "server/storage/key_codec.h"
#include "tests/domain/directory_fixture.h"
#include "tests/testing/records.h"

namespace sofdir::domain {
namespace {

namespace v1 = ::sof::directory::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class BookingMailTest : public DirectoryFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenDirectory());
    PraktikBookings::Options options;
    options.today = [] { return absl::CivilDay(2027, 1, 4); };
    bookings_ = std::make_unique<PraktikBookings>(*directory_, *storage_, nullptr, options);
    outbox_ = std::make_unique<Outbox>(*storage_);
    ASSERT_TRUE(directory_->Create(testing::MakeUnit("unit-1")).ok());
    offer_ = testing::MakePraktik("praktik-1", "unit-1");  // 2027-03-16, 2 seats
    offer_.mutable_praktik()->mutable_slots(0)->set_seats(1);
    ASSERT_TRUE(directory_->Create(offer_).ok());
  }

  v1::Booking Book(const std::string& who) {
    v1::BookPraktikRequest request;
    request.set_offer_id("praktik-1");
    request.set_slot_start("2027-03-16");
    request.set_name(who);
    request.set_email(who + "@sof.example.dk");
    absl::StatusOr<v1::Booking> booking = bookings_->Book(request);
    EXPECT_TRUE(booking.ok()) << booking.status();
    return booking.value_or(v1::Booking());
  }

  std::vector<std::string> Events() {
    absl::StatusOr<v1::ListOutboxResponse> listed = outbox_->List({});
    EXPECT_TRUE(listed.ok()) << listed.status();
    std::vector<std::string> events;
    for (const v1::OutboxMessage& m : listed->messages()) {
      events.push_back(m.message_id() + " " + m.recipient());
    }
    return events;
  }

  v1::Record offer_;
  std::unique_ptr<PraktikBookings> bookings_;
  std::unique_ptr<Outbox> outbox_;
};

TEST_F(BookingMailTest, EveryBookingChangeWritesItsMailWithAStableMessageId) {
  const v1::Booking anna = Book("anna");
  const v1::Booking bo = Book("bo");
  ASSERT_TRUE(bookings_->Cancel(anna.booking_id()).ok());
  // No contact person on this offer: no host notice.
  EXPECT_THAT(Events(), ElementsAre(anna.booking_id() + ".0.confirmed@sofdir anna@sof.example.dk",
                                    bo.booking_id() + ".0.waitlisted@sofdir bo@sof.example.dk",
                                    anna.booking_id() + ".1.cancelled@sofdir anna@sof.example.dk",
                                    bo.booking_id() + ".1.promoted@sofdir bo@sof.example.dk"));
}

TEST_F(BookingMailTest, ARefusedBookingWritesNoMail) {
  Book("anna");
  v1::BookPraktikRequest again;
  again.set_offer_id("praktik-1");
  again.set_slot_start("2027-03-16");
  again.set_name("anna");
  again.set_email("anna@sof.example.dk");
  EXPECT_FALSE(bookings_->Book(again).ok());
  EXPECT_EQ(Events().size(), 1u);
}

TEST_F(BookingMailTest, SeatsAddedByAnOfferEditPromoteWithMailAndNotifyTheContact) {
  ASSERT_TRUE(directory_->Create(testing::MakePerson("person-1", "unit-1")).ok());
  offer_.mutable_praktik()->set_contact_person_id("person-1");
  ASSERT_TRUE(directory_->Update(offer_, {}).ok());
  Book("anna");
  const v1::Booking bo = Book("bo");
  offer_.mutable_praktik()->mutable_slots(0)->set_seats(2);
  ASSERT_TRUE(directory_->Update(offer_, {}).ok());
  const std::vector<std::string> events = Events();
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[3], bo.booking_id() + ".1.promoted@sofdir bo@sof.example.dk");
  EXPECT_EQ(events[4], bo.booking_id() + ".1.host@sofdir person-1@sof.example.dk");
}

TEST_F(BookingMailTest, PendingIsDueAtOnceAndRecordDropsSentMailFromIt) {
  Book("anna");
  absl::StatusOr<Outbox::PendingMessages> pending = outbox_->Pending(absl::Now(), 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->due.size(), 1u);
  EXPECT_THAT(pending->due[0].mail, HasSubstr("Message-ID: <"));
  v1::OutboxMessage sent = pending->due[0].message;
  sent.set_state(v1::OutboxMessage::SENT);
  ASSERT_TRUE(outbox_->Record(pending->due[0].key, sent).ok());
  pending = outbox_->Pending(absl::Now(), 10);
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->due.empty());
  v1::ListOutboxRequest request;
  request.set_state(v1::OutboxMessage::SENT);
  EXPECT_EQ(outbox_->List(request)->messages_size(), 1);
}

TEST_F(BookingMailTest, PruneDeletesOldSentAndFailedMailWithItsTextButNeverPendingMail) {
  for (const char* who : {"anna", "bo", "cy"}) Book(who);
  absl::StatusOr<Outbox::PendingMessages> pending = outbox_->Pending(absl::Now(), 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->due.size(), 3u);
  v1::OutboxMessage sent = pending->due[0].message;
  sent.set_state(v1::OutboxMessage::SENT);
  ASSERT_TRUE(outbox_->Record(pending->due[0].key, sent).ok());
  v1::OutboxMessage failed = pending->due[1].message;
  failed.set_state(v1::OutboxMessage::FAILED);
  ASSERT_TRUE(outbox_->Record(pending->due[1].key, failed).ok());

  // All three were written just now: an hour ago nothing was old enough.
  EXPECT_EQ(*outbox_->Prune(absl::Now() - absl::Hours(1)), 0u);
  EXPECT_EQ(Events().size(), 3u);

  // One message per write batch, to cross batch boundaries.
  absl::StatusOr<size_t> pruned = outbox_->Prune(absl::Now() + absl::Hours(1), 1);
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_EQ(*pruned, 2u);
  absl::StatusOr<v1::ListOutboxResponse> listed = outbox_->List({});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->messages_size(), 1);
  EXPECT_EQ(listed->messages(0).state(), v1::OutboxMessage::PENDING);
  EXPECT_EQ(listed->messages(0).recipient(), "cy@sof.example.dk");
  for (const Outbox::Message* gone : {&pending->due[0], &pending->due[1]}) {
    EXPECT_FALSE(storage_
                     ->Get(storage::ColumnFamily::kOutbox,
                           storage::OutboxRetag(gone->key, storage::kOutboxBodyTag))
                     ->has_value());
  }
  pending = outbox_->Pending(absl::Now(), 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->due.size(), 1u);
  EXPECT_THAT(pending->due[0].mail, HasSubstr("Message-ID: <"));
  EXPECT_EQ(*outbox_->Prune(absl::Now() + absl::Hours(1)), 0u);
}

TEST_F(BookingMailTest, OutboxListPagesAndRefusesBadSizes) {
  for (const char* who : {"a", "b", "c"}) Book(who);
  v1::ListOutboxRequest request;
  request.set_page_size(2);
  absl::StatusOr<v1::ListOutboxResponse> first = outbox_->List(request);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->messages_size(), 2);
  ASSERT_FALSE(first->next_page_token().empty());
  request.set_page_token(first->next_page_token());
  absl::StatusOr<v1::ListOutboxResponse> second = outbox_->List(request);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->messages_size(), 1);
  EXPECT_THAT(second->messages(0).message_id(), HasSubstr("waitlisted"));
  request.set_page_size(1001);
  EXPECT_EQ(outbox_->List(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ComposeMailTest, HeadersAreEncodedAndPartsAreBase64) {
  const std::string mail =
      ComposeMail("bo@kk.dk", "Bekræftet: praktik", "b-1.0.confirmed@sofdir",
                  absl::FromUnixSeconds(1800000000), "Hej Bø\n", "BEGIN:VCALENDAR\r\n", "REQUEST");
  EXPECT_THAT(mail, HasSubstr("To: <bo@kk.dk>\r\n"));
  EXPECT_THAT(mail, HasSubstr("Subject: =?UTF-8?B?"));
  EXPECT_THAT(mail, HasSubstr("Message-ID: <b-1.0.confirmed@sofdir>\r\n"));
  EXPECT_THAT(mail, HasSubstr("Date: Fri, 15 Jan 2027 09:00:00 +0100\r\n"));
  EXPECT_THAT(mail, HasSubstr("text/calendar; charset=utf-8; method=REQUEST"));
  EXPECT_THAT(mail, HasSubstr(absl::Base64Escape("Hej Bø\n")));
  for (char c : mail) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << "8-bit byte in the mail";
}

TEST(ComposeMailTest, DanishDates) {
  EXPECT_EQ(DanishDate("2027-03-16"), "tirsdag den 16. marts 2027");
  EXPECT_EQ(DanishDate("not a date"), "not a date");
}

}  // namespace
}  // namespace sofdir::domain
