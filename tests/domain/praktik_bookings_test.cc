#include "server/domain/praktik_bookings.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/booking_calendar.h"
#include "server/domain/record_validator.h"
#include "tests/domain/directory_fixture.h"
#include "tests/testing/records.h"
#include "tests/testing/temp_dir.h"

namespace sofdir::domain {
namespace {

namespace v1 = ::sof::directory::v1;
using ::testing::HasSubstr;

class PraktikBookingsTest : public DirectoryFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenDirectory());
    PraktikBookings::Options options;
    options.today = [this] { return today_; };
    bookings_ = std::make_unique<PraktikBookings>(*directory_, *storage_, nullptr, options);
    ASSERT_TRUE(directory_->Create(testing::MakeUnit("unit-1")).ok());
    v1::Record offer = testing::MakePraktik("praktik-1", "unit-1");  // 2027-03-16, 2 seats
    ASSERT_TRUE(directory_->Create(offer).ok());
  }

  absl::StatusOr<v1::Booking> Book(const std::string& who, const std::string& request_id = "",
                                   const Actor& actor = {}) {
    v1::BookPraktikRequest request;
    request.set_offer_id("praktik-1");
    request.set_slot_start("2027-03-16");
    request.set_name(who);
    request.set_email(who + "@sof.example.dk");
    request.set_request_id(request_id);
    return bookings_->Book(request, actor);
  }

  absl::CivilDay today_{2027, 1, 4};
  std::unique_ptr<PraktikBookings> bookings_;
};

TEST_F(PraktikBookingsTest, SeatsGoFirstThenTheWaitlistInOrder) {
  EXPECT_EQ(Book("anna")->status(), v1::CONFIRMED);
  EXPECT_EQ(Book("bo")->status(), v1::CONFIRMED);
  auto carl = Book("carl");
  ASSERT_TRUE(carl.ok());
  EXPECT_EQ(carl->status(), v1::WAITLISTED);
  EXPECT_EQ(carl->waitlist_position(), 1);
  EXPECT_EQ(Book("dorte")->waitlist_position(), 2);
}

TEST_F(PraktikBookingsTest, CancellingASeatPromotesTheFirstOnTheWaitlist) {
  auto anna = Book("anna");
  Book("bo").IgnoreError();
  auto carl = Book("carl");
  auto dorte = Book("dorte");
  auto cancelled = bookings_->Cancel(anna->booking_id());
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->status(), v1::CANCELLED);
  EXPECT_EQ(bookings_->Get(carl->booking_id())->status(), v1::CONFIRMED);
  auto still_waiting = bookings_->Get(dorte->booking_id());
  EXPECT_EQ(still_waiting->status(), v1::WAITLISTED);
  EXPECT_EQ(still_waiting->waitlist_position(), 1);
}

TEST_F(PraktikBookingsTest, OnePersonHoldsAtMostOneBookingPerSlot) {
  ASSERT_TRUE(Book("anna").ok());
  auto again = Book("anna");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(again.status().message()), HasSubstr("email"));
}

TEST_F(PraktikBookingsTest, LongInputsAreCutShortInMessages) {
  const std::string huge(100000, 'x');
  auto cancelled = bookings_->Cancel(huge);
  EXPECT_EQ(cancelled.status().code(), absl::StatusCode::kNotFound);
  EXPECT_LT(cancelled.status().message().size(), 200u);
  EXPECT_EQ(bookings_->Get("booking-\n" + huge).status().code(), absl::StatusCode::kNotFound);
  EXPECT_LT(bookings_->Get(huge).status().message().size(), 200u);
  v1::BookPraktikRequest request;
  request.set_offer_id("praktik-1");
  request.set_slot_start(huge);
  auto booked = bookings_->Book(request);
  EXPECT_EQ(booked.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(booked.status().message()), HasSubstr("slot_start: \"xxxx"));
  EXPECT_LT(booked.status().message().size(), 200u);
}

TEST_F(PraktikBookingsTest, SameRequestIdReturnsTheSameBookingNeverASecond) {
  auto first = Book("anna", "req-1");
  auto retry = Book("anna", "req-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->booking_id(), first->booking_id());
  v1::ListBookingsRequest mine;
  mine.set_email("anna@sof.example.dk");
  EXPECT_EQ(bookings_->List(mine)->bookings_size(), 1);
}

// Issue 11, point 5: request ids were global, so a caller reusing another
// caller's key got that caller's booking (name, e-mail, note).
TEST_F(PraktikBookingsTest, RequestIdBelongsToItsCaller) {
  const Actor anna_desk{"anna@kk.dk", "BookPraktik"};
  const Actor bo_desk{"bo@kk.dk", "BookPraktik"};
  auto first = Book("anna", "req-1", anna_desk);
  ASSERT_TRUE(first.ok()) << first.status();
  // Another caller's same key is a new request of its own.
  auto other = Book("bo", "req-1", bo_desk);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_NE(other->booking_id(), first->booking_id());
  EXPECT_EQ(other->email(), "bo@sof.example.dk");
  // The same caller repeating the same request gets the same booking.
  auto retry = Book("anna", "req-1", anna_desk);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->booking_id(), first->booking_id());
  // The same caller's key reused for another request is refused.
  auto reused = Book("carl", "req-1", anna_desk);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(reused.status().message()), HasSubstr("request_id: \"req-1\""));
  v1::ListBookingsRequest carls;
  carls.set_email("carl@sof.example.dk");
  EXPECT_EQ(bookings_->List(carls)->bookings_size(), 0) << "nothing stored";
}

TEST_F(PraktikBookingsTest, BookingsPageInSlotAndBookingOrderEachOnce) {
  std::vector<std::string> booked;
  for (int i = 0; i < 30; ++i) {
    auto booking = Book("person" + std::to_string(i));
    ASSERT_TRUE(booking.ok()) << booking.status();
    booked.push_back(booking->booking_id());
  }
  v1::ListBookingsRequest request;
  request.set_offer_id("praktik-1");
  request.set_page_size(7);
  std::vector<std::string> listed;
  int pages = 0;
  do {
    auto page = bookings_->List(request);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->bookings_size(), 7);
    for (const v1::Booking& booking : page->bookings()) listed.push_back(booking.booking_id());
    request.set_page_token(page->next_page_token());
    ++pages;
  } while (!request.page_token().empty() && pages < 100);
  EXPECT_EQ(listed, booked);
  EXPECT_EQ(pages, 5);

  v1::ListBookingsRequest first_page;
  first_page.set_offer_id("praktik-1");
  first_page.set_page_size(7);
  auto page = bookings_->List(first_page);
  ASSERT_TRUE(page.ok());
  v1::ListBookingsRequest other;
  other.set_email("person1@sof.example.dk");
  other.set_page_token(page->next_page_token());
  EXPECT_EQ(bookings_->List(other).status().code(), absl::StatusCode::kInvalidArgument);
  first_page.set_page_size(-1);
  EXPECT_EQ(bookings_->List(first_page).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PraktikBookingsTest, BookingsOfAnOfferThatDoesNotExistIsNotFoundNotAnEmptyList) {
  v1::ListBookingsRequest request;
  request.set_offer_id("praktik-9999");
  auto listed = bookings_->List(request);
  EXPECT_EQ(listed.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(listed.status().message()), HasSubstr("praktik-9999"));
}

TEST_F(PraktikBookingsTest, BadInputNamesTheFieldAndStoresNothing) {
  const uint64_t before = directory_->LastSequence();
  v1::BookPraktikRequest request;
  request.set_offer_id("praktik-1");
  request.set_slot_start("2027-03-16");
  request.set_email("anna@sof.example.dk");
  EXPECT_THAT(std::string(bookings_->Book(request).status().message()), HasSubstr("name"));
  request.set_name("Anna");
  request.set_email("anna-at-sof");
  EXPECT_THAT(std::string(bookings_->Book(request).status().message()), HasSubstr("email"));
  request.set_email("anna@sof.example.dk");
  request.set_slot_start("2027-03-17");
  EXPECT_EQ(bookings_->Book(request).status().code(), absl::StatusCode::kNotFound);
  request.set_offer_id("praktik-9");
  EXPECT_EQ(bookings_->Book(request).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(directory_->LastSequence(), before);
}

TEST_F(PraktikBookingsTest, StartedSlotCanBeNeitherBookedNorCancelled) {
  auto anna = Book("anna");
  today_ = absl::CivilDay(2027, 3, 16);
  auto late = Book("bo");
  EXPECT_EQ(late.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(late.status().message()), HasSubstr("has started"));
  EXPECT_EQ(bookings_->Cancel(anna->booking_id()).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(PraktikBookingsTest, HostCannotCutSeatsBelowConfirmedOrDropABookedSlot) {
  Book("anna").IgnoreError();
  Book("bo").IgnoreError();
  v1::Record fewer = testing::MakePraktik("praktik-1", "unit-1");
  fewer.mutable_praktik()->mutable_slots(0)->set_seats(1);
  auto cut = directory_->Update(fewer, {});
  EXPECT_EQ(cut.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(cut.status().message()), HasSubstr("2 bookings are confirmed"));

  v1::Record no_slots = testing::MakePraktik("praktik-1", "unit-1");
  no_slots.mutable_praktik()->clear_slots();
  auto dropped = directory_->Update(no_slots, {});
  EXPECT_EQ(dropped.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(dropped.status().message()), HasSubstr("2 active booking(s)"));

  absl::Status deleted = directory_->Delete("praktik-1");
  EXPECT_EQ(deleted.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(deleted.message()), HasSubstr("2 active booking(s)"));
}

TEST_F(PraktikBookingsTest, AddingSeatsPromotesWaitingBookings) {
  Book("anna").IgnoreError();
  Book("bo").IgnoreError();
  auto carl = Book("carl");
  v1::Record more = testing::MakePraktik("praktik-1", "unit-1");
  more.mutable_praktik()->mutable_slots(0)->set_seats(3);
  ASSERT_TRUE(directory_->Update(more, {}).ok());
  EXPECT_EQ(bookings_->Get(carl->booking_id())->status(), v1::CONFIRMED);
}

TEST_F(PraktikBookingsTest, OfferListShowsSeatsLeftAndWaitlist) {
  Book("anna").IgnoreError();
  Book("bo").IgnoreError();
  Book("carl").IgnoreError();
  v1::ListPraktikOffersRequest request;
  auto offers = bookings_->ListOffers(request);
  ASSERT_TRUE(offers.ok()) << offers.status();
  ASSERT_EQ(offers->offers_size(), 1);
  const auto& slot = offers->offers(0).slots(0);
  EXPECT_EQ(slot.seats_left(), 0);
  EXPECT_EQ(slot.waitlist_length(), 1);
  request.set_only_free(true);
  EXPECT_EQ(bookings_->ListOffers(request)->offers_size(), 0);
}

TEST_F(PraktikBookingsTest, CalendarIsRequestThenCancelWithTheSameUid) {
  auto anna = Book("anna");
  auto request = bookings_->Calendar(anna->booking_id());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->method(), "REQUEST");
  EXPECT_THAT(request->ics(), HasSubstr("METHOD:REQUEST\r\n"));
  EXPECT_THAT(request->ics(), HasSubstr("DTSTART;VALUE=DATE:20270316\r\n"));
  EXPECT_THAT(request->ics(), HasSubstr("DTEND;VALUE=DATE:20270317\r\n"));
  EXPECT_THAT(request->ics(), HasSubstr("STATUS:CONFIRMED\r\n"));
  ASSERT_TRUE(bookings_->Cancel(anna->booking_id()).ok());
  auto cancel = bookings_->Calendar(anna->booking_id());
  EXPECT_EQ(cancel->method(), "CANCEL");
  EXPECT_EQ(cancel->uid(), request->uid());
  EXPECT_THAT(cancel->ics(), HasSubstr("METHOD:CANCEL\r\n"));
  EXPECT_THAT(cancel->ics(), HasSubstr("SEQUENCE:1\r\n"));
  EXPECT_THAT(cancel->ics(), HasSubstr("STATUS:CANCELLED\r\n"));
}

TEST(BookingCalendarTest, TextIsEscapedAndLongLinesFoldedWithoutSplittingUtf8) {
  EXPECT_EQ(EscapeIcsText("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
  std::string line = "SUMMARY:" + std::string(40, 'x') + "æøåæøåæøåæøåæøåæøåæøå";
  std::string folded = FoldIcsLine(line);
  size_t start = 0;
  while (start < folded.size()) {
    size_t end = folded.find("\r\n", start);
    if (end == std::string::npos) end = folded.size();
    EXPECT_LE(end - start, 75u);
    start = end + 2;
  }
  // Unfolding (remove CRLF + space) gives the original back.
  std::string unfolded;
  for (size_t i = 0; i < folded.size(); ++i) {
    if (folded.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    unfolded += folded[i];
  }
  EXPECT_EQ(unfolded, line);
}

TEST_F(PraktikBookingsTest, OffersOfTheLongestDescriptionsStayUnderTheMessageLimit) {
  std::vector<v1::Record> batch;
  for (int i = 0; i < 250; ++i) {
    v1::Record offer = testing::MakePraktik("praktik-big" + std::to_string(i), "unit-1");
    offer.mutable_praktik()->set_description(std::string(kMaxTextBytes, 'p'));
    batch.push_back(std::move(offer));
  }
  auto imported = directory_->Import(batch);
  ASSERT_TRUE(imported.ok()) << imported.status();
  v1::ListPraktikOffersRequest request;
  request.set_page_size(500);
  auto offers = bookings_->ListOffers(request);
  ASSERT_TRUE(offers.ok()) << offers.status();
  EXPECT_LE(offers->ByteSizeLong(), size_t{4} << 20);
  EXPECT_GT(offers->offers_size(), 100);
}

}  // namespace
}  // namespace sofdir::domain
