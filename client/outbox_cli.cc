// `sofdir outbox`: the booking mail in the server's outbox (admins only):
// one line per message (time, state, event, attempts, recipient, subject,
// last error); --state filters; --json prints one object per message.
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/cli_flags.h"
#include "client/command_io.h"
#include "client/command_registry.h"
#include "client/directory_client.h"
#include "client/json_text.h"
#include "client/table_printer.h"
#include "client/time_text.h"
#include "server/common/status_macros.h"

namespace sofdir::client {
namespace {

namespace v1 = ::sof::directory::v1;

struct OutboxFlags {
  cli::CommonFlags common;
  std::string state;  // pending, sent, failed; empty = all
  int limit = 1000;
};

std::string Time(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  return UtcText(ts, "%Y-%m-%d %H:%M:%S");
}

std::string Lower(const std::string& name) { return absl::AsciiStrToLower(name); }

std::string MessageJson(const v1::OutboxMessage& m) {
  return absl::StrCat(
      "{\"message_id\":", JsonQuote(m.message_id()),
      ",\"event\":", JsonQuote(Lower(v1::OutboxMessage::Event_Name(m.event()))),
      ",\"booking_id\":", JsonQuote(m.booking_id()), ",\"recipient\":", JsonQuote(m.recipient()),
      ",\"subject\":", JsonQuote(m.subject()),
      ",\"state\":", JsonQuote(Lower(v1::OutboxMessage::State_Name(m.state()))),
      ",\"attempts\":", m.attempts(), ",\"create_time\":", JsonQuote(Time(m.create_time())),
      ",\"next_attempt_time\":", JsonQuote(Time(m.next_attempt_time())),
      ",\"sent_time\":", JsonQuote(Time(m.sent_time())),
      ",\"last_error\":", JsonQuote(m.last_error()), "}\n");
}

absl::Status Run(const OutboxFlags& flags) {
  const CommonOptions common = flags.common.ToOptions();
  v1::ListOutboxRequest request;
  if (flags.state == "pending") request.set_state(v1::OutboxMessage::PENDING);
  if (flags.state == "sent") request.set_state(v1::OutboxMessage::SENT);
  if (flags.state == "failed") request.set_state(v1::OutboxMessage::FAILED);
  SOFDIR_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryClient> client, Connect(common));
  TablePrinter table({{"CREATED (UTC)"},
                      {"STATE"},
                      {"EVENT"},
                      {"TRIES", 0, true},
                      {"TO", 30},
                      {"SUBJECT", 40},
                      {"NEXT TRY / SENT"},
                      {"LAST ERROR", 40}});
  int printed = 0;
  while (printed < flags.limit) {
    request.set_page_size(std::min(1000, flags.limit - printed));
    SOFDIR_ASSIGN_OR_RETURN(v1::ListOutboxResponse page, client->ListOutbox(request));
    for (const v1::OutboxMessage& m : page.messages()) {
      ++printed;
      if (common.json) {
        Write(stdout, MessageJson(m));
        continue;
      }
      table.AddRow(
          {Time(m.create_time()), Lower(v1::OutboxMessage::State_Name(m.state())),
           Lower(v1::OutboxMessage::Event_Name(m.event())), absl::StrCat(m.attempts()),
           m.recipient(), m.subject(),
           m.state() == v1::OutboxMessage::SENT ? Time(m.sent_time()) : Time(m.next_attempt_time()),
           m.last_error()});
    }
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  if (!common.json) {
    Write(stdout, table.row_count() == 0 ? std::string("the outbox is empty\n") : table.ToString());
  }
  return FlushStdout();
}

void RegisterOutboxCommands(CLI::App& cli, cli::CommandContext& context) {
  auto& flags = context.Keep<OutboxFlags>();
  CLI::App* command =
      cli.add_subcommand("outbox", "Booking mail waiting, sent or refused (admins)");
  command->add_option("--state", flags.state, "only pending, sent or failed mail")
      ->check(CLI::IsMember({"pending", "sent", "failed"}));
  command->add_option("--limit", flags.limit, "at most this many messages")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cli::AddCommonFlags(*command, flags.common, "seconds each page may take",
                      "One line per e-mail about a booking change (to the booker, or the host's\n"
                      "notice of who is coming), oldest first: pending mail waits for the relay\n"
                      "(sofdir-server --smtp-server) and is retried with backoff; failed mail was\n"
                      "refused by the relay for good. Needs an admin --token when the server\n"
                      "checks tokens.");
  context.OnRun(command, [&flags] { return cli::Finish(Run(flags)); });
}

}  // namespace

}  // namespace sofdir::client

SOFDIR_REGISTER_COMMANDS(60, sofdir::client::RegisterOutboxCommands)
