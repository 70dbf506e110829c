// `sofdir praktik list|book|cancel|show|bookings|ics` (command_registry.h).
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_join.h"
#include "client/cli_flags.h"
#include "client/command_registry.h"
#include "client/commands.h"

namespace sofdir::client::cli {
namespace {

void RegisterPraktikCommands(CLI::App& cli, CommandContext& context) {
  CLI::App* praktik = cli.add_subcommand(
      "praktik", "Find Praktik i SOF offers, book and cancel visits, see who is coming");
  praktik->require_subcommand(1);
  praktik->footer(
      "Slots are named by their offer and start date (YYYY-MM-DD). A full slot\n"
      "puts a booking on its waitlist; a cancellation promotes the first in line.\n\n"
      "Exit codes: 0 ok, 1 other error, 2 usage, 3 not found, 4 invalid input,\n"
      "5 server unreachable, 6 conflict (see sofdir --help).");

  // praktik list
  auto& list_options = context.Keep<PraktikListOptions>();
  auto& list_words = context.Keep<std::vector<std::string>>();
  auto list = context.AddCommand(
      *praktik, "list", "Praktik offers with their open slots, seats left and waitlists",
      "seconds the call may take",
      "Shows slots that start after today: per offer its id, title and host unit\n"
      "(id and name), then per slot its dates, seats, seats left and waitlist length.");
  list.app->add_option("TEXT", list_words,
                       "only offers about this, e.g. misbrug; all when left out");
  list.app->add_option("--from", list_options.from, "only slots starting on or after DATE")
      ->check(DateValidator());
  list.app->add_option("--to", list_options.to, "only slots starting on or before DATE")
      ->check(DateValidator());
  list.app->add_flag("--free", list_options.only_free, "only slots with a seat left");
  list.app->add_option("--limit", list_options.limit, "at most this many offers (default 50)")
      ->check(CLI::Range(1, 500));
  context.OnRun(list.app, [flags = list.flags, &list_options, &list_words] {
    list_options.text = absl::StrJoin(list_words, " ");
    return Finish(RunPraktikList(flags->ToOptions(), list_options));
  });

  // praktik book
  auto& book_options = context.Keep<PraktikBookOptions>();
  auto book = context.AddCommand(
      *praktik, "book", "Book a seat on a slot (or a place on its waitlist)",
      "seconds each attempt may take",
      "CONFIRMED while the slot has a seat, else WAITLISTED with the place in line\n"
      "(confirmed automatically when a seat frees up). Prints the booking id and\n"
      "the command for its calendar event. Exits 3 for an unknown offer or slot,\n"
      "4 for a bad name, e-mail or a slot that has started, 6 when the e-mail\n"
      "already holds a booking of the slot.");
  book.app->add_option("OFFER_ID", book_options.offer_id, "praktik id")->required();
  book.app->add_option("--slot", book_options.slot_start, "the slot's start date")
      ->required()
      ->check(DateValidator());
  book.app->add_option("--name", book_options.name, "your name")->required();
  book.app->add_option("--email", book_options.email, "your work e-mail")->required();
  book.app->add_option("--unit", book_options.unit_id, "your unit's id, e.g. unit-0001");
  book.app->add_option("--note", book_options.note, "a note to the host (at most 1000 bytes)");
  book.app->add_option(
      "--request-id", book_options.request_id,
      "idempotency key (a random one when not given; --json prints it; retrying with the same "
      "key returns the first booking)");
  book.app
      ->add_option("--retries", book_options.retries,
                   "retry this often, with the same request id, when the server does not answer")
      ->capture_default_str()
      ->check(CLI::Range(0, 10));
  context.OnRun(book.app, [flags = book.flags, &book_options] {
    return Finish(RunPraktikBook(WriteOptions(*flags), book_options));
  });

  // praktik cancel
  auto& cancel_id = context.Keep<std::string>();
  auto cancel = context.AddCommand(
      *praktik, "cancel", "Cancel a booking and free its seat", "seconds the call may take",
      "The first booking on the slot's waitlist gets the seat. Cancelling twice\n"
      "is harmless. Exits 3 for an unknown booking, 6 once the slot has started.");
  cancel.app->add_option("BOOKING_ID", cancel_id, "e.g. booking-123")->required();
  context.OnRun(cancel.app, [flags = cancel.flags, &cancel_id] {
    return Finish(RunPraktikCancel(WriteOptions(*flags), cancel_id));
  });

  // praktik show
  auto& show_id = context.Keep<std::string>();
  auto show = context.AddCommand(*praktik, "show", "Show one booking", "seconds the call may take",
                                 "Its status (with the place in line while waitlisted), slot, "
                                 "booker and\nrequest id. Exits 3 for an unknown booking.");
  show.app->add_option("BOOKING_ID", show_id, "e.g. booking-123")->required();
  context.OnRun(show.app, [flags = show.flags, &show_id] {
    return Finish(RunPraktikShow(flags->ToOptions(), show_id));
  });

  // praktik bookings
  auto& bookings_options = context.Keep<PraktikBookingsOptions>();
  auto bookings = context.AddCommand(
      *praktik, "bookings", "A booker's bookings (--email) or who is coming to an offer (--offer)",
      "seconds the call may take",
      "Give exactly one of --email and --offer. Bookings come by slot, then in\n"
      "booking order; waitlisted ones show their place in line.");
  CLI::Option* email_option = bookings.app->add_option("--email", bookings_options.email,
                                                       "the bookings made with this e-mail");
  CLI::Option* offer_option = bookings.app->add_option(
      "--offer", bookings_options.offer_id, "the bookings of this praktik offer, by slot");
  email_option->excludes(offer_option);
  bookings.app->add_flag("--include-cancelled", bookings_options.include_cancelled,
                         "also show cancelled bookings");
  context.OnRun(bookings.app,
                [flags = bookings.flags, &bookings_options, email_option, offer_option] {
                  if (email_option->count() + offer_option->count() != 1) {
                    return UsageError("praktik bookings: give exactly one of --email and --offer");
                  }
                  return Finish(RunPraktikBookings(flags->ToOptions(), bookings_options));
                });

  // praktik ics
  auto& ics_options = context.Keep<PraktikIcsOptions>();
  auto ics = context.AddCommand(
      *praktik, "ics", "The booking as a calendar event (iCalendar)", "seconds the call may take",
      "RFC 5545 text, as the server makes it (CRLF line ends): METHOD:REQUEST\n"
      "while the booking is active, METHOD:CANCEL with the same UID once it is\n"
      "cancelled, so importing it again updates the calendar entry.");
  ics.app->add_option("BOOKING_ID", ics_options.booking_id, "e.g. booking-123")->required();
  ics.app->add_option("--out", ics_options.out, "write to this file instead of stdout");
  context.OnRun(ics.app, [flags = ics.flags, &ics_options] {
    return Finish(RunPraktikIcs(flags->ToOptions(), ics_options));
  });
}

}  // namespace
}  // namespace sofdir::client::cli

SOFDIR_REGISTER_COMMANDS(40, sofdir::client::cli::RegisterPraktikCommands)
