#include "client/praktik_view.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/testing/json.h"

namespace sofdir::client {
namespace {

namespace v1 = ::sof::directory::v1;
using ::google::protobuf::Struct;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

using testing::FromText;
using testing::ParseJson;

std::vector<std::string> Keys(const Struct& object) { return testing::JsonKeys(object); }

v1::Booking Confirmed() {
  return FromText<v1::Booking>(R"pb(
    booking_id: "booking-123"
    offer_id: "praktik-0004"
    slot_start: "2027-03-16"
    slot_end: "2027-03-17"
    offer_title: "Praktik i Værestedet \"Fristedet\""
    name: "Søren Ås"
    email: "soren@kk.dk"
    unit_id: "unit-0002"
    note: "vegetar"
    status: CONFIRMED
    request_id: "r-1"
    create_sequence: 123
  )pb");
}

v1::Booking Waitlisted(int position) {
  v1::Booking booking = Confirmed();
  booking.set_booking_id("booking-124");
  booking.set_status(v1::WAITLISTED);
  booking.set_waitlist_position(position);
  return booking;
}

v1::ListPraktikOffersResponse SampleOffers() {
  return FromText<v1::ListPraktikOffersResponse>(R"pb(
    offers {
      offer { id: "praktik-0004" title: "Praktik i Værestedet" host_unit_id: "unit-0007" }
      host_unit_name: "Værestedet Fristedet"
      slots {
        start: "2027-03-16"
        end: "2027-03-17"
        seats: 4
        confirmed: 4
        seats_left: 0
        waitlist_length: 2
      }
      slots { start: "2027-03-23" end: "2027-03-23" seats: 12 confirmed: 1 seats_left: 11 }
    }
    offers {
      offer { id: "praktik-0010" title: "En dag på herberget" host_unit_id: "unit-0011" }
      slots { start: "2027-04-01" end: "2027-04-03" seats: 2 seats_left: 2 }
    }
  )pb");
}

TEST(BookingLineTest, SaysTheStatusTheSlotAndTheOffer) {
  struct Case {
    v1::Booking booking;
    std::string line;
  } cases[] = {
      {Confirmed(),
       "booking-123: CONFIRMED for the 2027-03-16 slot of \"Praktik i Værestedet \"Fristedet\"\""},
      {Waitlisted(3),
       "booking-124: WAITLISTED, number 3 in line for the 2027-03-16 slot of "
       "\"Praktik i Værestedet \"Fristedet\"\""},
  };
  for (const Case& c : cases) EXPECT_EQ(BookingLine(c.booking), c.line);

  v1::Booking cancelled = Confirmed();
  cancelled.set_status(v1::CANCELLED);
  EXPECT_THAT(BookingLine(cancelled), HasSubstr("booking-123: CANCELLED, was for the 2027-03-16"));
}

TEST(BookingLineTest, CutsALongTitle) {
  v1::Booking booking = Confirmed();
  booking.set_offer_title(std::string(300, 'x'));
  EXPECT_LT(BookingLine(booking).size(), 150u);
  EXPECT_THAT(BookingLine(booking), HasSubstr("…\""));
}

TEST(FormatBookResultTest, GivesTheCalendarCommandAndWhatAWaitlistedBookerCanExpect) {
  EXPECT_EQ(FormatBookResult(Confirmed()),
            "booking-123: CONFIRMED for the 2027-03-16 slot of \"Praktik i Værestedet "
            "\"Fristedet\"\"\n"
            "calendar: sofdir praktik ics booking-123 > praktik.ics\n");
  std::string waitlisted = FormatBookResult(Waitlisted(1));
  EXPECT_THAT(waitlisted, HasSubstr("WAITLISTED, number 1 in line"));
  EXPECT_THAT(waitlisted, HasSubstr("confirmed automatically when a seat frees up"));
  EXPECT_THAT(waitlisted, HasSubstr("calendar: sofdir praktik ics booking-124 > praktik.ics\n"));
}

TEST(SlotSpanTest, ShowsTheEndOnlyWhenItIsAnotherDay) {
  EXPECT_EQ(SlotSpan("2027-03-16", "2027-03-17"), "2027-03-16 – 2027-03-17");
  EXPECT_EQ(SlotSpan("2027-03-16", "2027-03-16"), "2027-03-16");
  EXPECT_EQ(SlotSpan("2027-03-16", ""), "2027-03-16");
}

TEST(FormatPraktikOffersTest, HeaderPerOfferThenAlignedSlotRows) {
  EXPECT_EQ(FormatPraktikOffers(SampleOffers()),
            "praktik-0004  Praktik i Værestedet · Værestedet Fristedet\n"
            "  SLOT                     SEATS  LEFT  WAITLIST\n"
            "  2027-03-16 – 2027-03-17      4     0         2\n"
            "  2027-03-23                  12    11         0\n"
            "\n"
            "praktik-0010  En dag på herberget\n"
            "  SLOT                     SEATS  LEFT  WAITLIST\n"
            "  2027-04-01 – 2027-04-03      2     2         0\n"
            "\n"
            "2 offers\n");
  EXPECT_EQ(FormatPraktikOffers({}), "no praktik offers with open slots\n");
}

TEST(PraktikOffersToJsonTest, HasTheOffersAndTheirSlotCounts) {
  Struct body = ParseJson(PraktikOffersToJson(SampleOffers()));
  ASSERT_THAT(Keys(body), ElementsAre("offers"));
  const auto& offers = body.fields().at("offers").list_value().values();
  ASSERT_EQ(offers.size(), 2);
  const Struct& first = offers[0].struct_value();
  EXPECT_THAT(Keys(first), ElementsAre("host_unit_id", "host_unit_name", "id", "slots", "title"));
  EXPECT_EQ(first.fields().at("id").string_value(), "praktik-0004");
  EXPECT_EQ(first.fields().at("host_unit_name").string_value(), "Værestedet Fristedet");
  const auto& slots = first.fields().at("slots").list_value().values();
  ASSERT_EQ(slots.size(), 2);
  const Struct& slot = slots[0].struct_value();
  EXPECT_THAT(Keys(slot), ElementsAre("end", "seats", "seats_left", "start", "waitlist_length"));
  EXPECT_EQ(slot.fields().at("start").string_value(), "2027-03-16");
  EXPECT_EQ(slot.fields().at("seats").number_value(), 4);
  EXPECT_EQ(slot.fields().at("seats_left").number_value(), 0);
  EXPECT_EQ(slot.fields().at("waitlist_length").number_value(), 2);

  EXPECT_EQ(PraktikOffersToJson({}), "{\"offers\":[]}\n");
}

TEST(BookingToJsonTest, HasEveryFieldWithTheStatusByName) {
  Struct body = ParseJson(BookingToJson(Waitlisted(2)));
  EXPECT_THAT(Keys(body), ElementsAre("booking_id", "email", "name", "note", "offer_id",
                                      "offer_title", "request_id", "slot_end", "slot_start",
                                      "status", "unit_id", "waitlist_position"));
  EXPECT_EQ(body.fields().at("booking_id").string_value(), "booking-124");
  EXPECT_EQ(body.fields().at("status").string_value(), "WAITLISTED");
  EXPECT_EQ(body.fields().at("waitlist_position").number_value(), 2);
  EXPECT_EQ(body.fields().at("offer_title").string_value(), "Praktik i Værestedet \"Fristedet\"");
  EXPECT_EQ(body.fields().at("name").string_value(), "Søren Ås");
  EXPECT_EQ(body.fields().at("request_id").string_value(), "r-1");

  Struct confirmed = ParseJson(BookingToJson(Confirmed()));
  EXPECT_EQ(confirmed.fields().at("status").string_value(), "CONFIRMED");
  EXPECT_EQ(confirmed.fields().at("waitlist_position").number_value(), 0);
}

TEST(FormatBookingDetailsTest, ListsTheBookingsFields) {
  std::string details = FormatBookingDetails(Waitlisted(2));
  EXPECT_THAT(details, HasSubstr("booking:     booking-124\n"));
  EXPECT_THAT(details, HasSubstr("status:      WAITLISTED #2\n"));
  EXPECT_THAT(details, HasSubstr("slot:        2027-03-16 – 2027-03-17\n"));
  EXPECT_THAT(details, HasSubstr("email:       soren@kk.dk\n"));
  EXPECT_THAT(details, HasSubstr("request id:  r-1\n"));
  EXPECT_THAT(details, Not(HasSubstr("booked:")));  // no create_time in the sample
}

v1::ListBookingsResponse TwoSlots() {
  v1::ListBookingsResponse response;
  *response.add_bookings() = Confirmed();
  *response.add_bookings() = Waitlisted(1);
  v1::Booking later = Confirmed();
  later.set_booking_id("booking-130");
  later.set_slot_start("2027-03-23");
  later.set_slot_end("2027-03-23");
  later.set_name("Anna");
  later.set_email("anna@kk.dk");
  later.clear_note();
  later.clear_unit_id();
  *response.add_bookings() = later;
  return response;
}

TEST(FormatBookingsTest, ByBookerIsOneTableWithSlotsAndOffers) {
  EXPECT_EQ(FormatBookings(TwoSlots(), BookingsLayout::kByBooker),
            "BOOKING      STATUS         SLOT                     OFFER         TITLE\n"
            "booking-123  CONFIRMED      2027-03-16 – 2027-03-17  praktik-0004  Praktik i "
            "Værestedet \"Fristedet\"\n"
            "booking-124  WAITLISTED #1  2027-03-16 – 2027-03-17  praktik-0004  Praktik i "
            "Værestedet \"Fristedet\"\n"
            "booking-130  CONFIRMED      2027-03-23               praktik-0004  Praktik i "
            "Værestedet \"Fristedet\"\n");
}

TEST(FormatBookingsTest, BySlotGroupsWhoIsComingUnderEachSlotWithItsCounts) {
  EXPECT_EQ(FormatBookings(TwoSlots(), BookingsLayout::kBySlot),
            "2027-03-16 – 2027-03-17  praktik-0004 \"Praktik i Værestedet \"Fristedet\"\": "
            "1 confirmed, 1 waitlisted\n"
            "  BOOKING      STATUS         NAME      EMAIL        UNIT       NOTE\n"
            "  booking-123  CONFIRMED      Søren Ås  soren@kk.dk  unit-0002  vegetar\n"
            "  booking-124  WAITLISTED #1  Søren Ås  soren@kk.dk  unit-0002  vegetar\n"
            "\n"
            "2027-03-23  praktik-0004 \"Praktik i Værestedet \"Fristedet\"\": 1 confirmed, "
            "0 waitlisted\n"
            "  BOOKING      STATUS         NAME      EMAIL        UNIT       NOTE\n"
            "  booking-130  CONFIRMED      Anna      anna@kk.dk\n");
  EXPECT_EQ(FormatBookings({}, BookingsLayout::kBySlot), "no bookings\n");
}

TEST(BookingsToJsonTest, IsAListOfBookingObjects) {
  Struct body = ParseJson(BookingsToJson(TwoSlots()));
  const auto& bookings = body.fields().at("bookings").list_value().values();
  ASSERT_EQ(bookings.size(), 3);
  EXPECT_EQ(bookings[1].struct_value().fields().at("booking_id").string_value(), "booking-124");
  EXPECT_EQ(bookings[1].struct_value().fields().at("status").string_value(), "WAITLISTED");
  EXPECT_EQ(BookingsToJson({}), "{\"bookings\":[]}\n");
}

}  // namespace
}  // namespace sofdir::client
