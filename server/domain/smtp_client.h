// A small SMTP client (RFC 5321) for delivering one message to a relay:
// plain sockets, STARTTLS with OpenSSL (the relay's certificate checked
// against --smtp-ca-file or else the system's CAs, and its host name), AUTH PLAIN when credentials
// are given (only over TLS unless STARTTLS is off), MAIL/RCPT/DATA with dot
// stuffing. Every read and write has a timeout.
//
// Thread-safe (no shared state); blocking.
#ifndef SOFDIR_SERVER_DOMAIN_SMTP_CLIENT_H_
#define SOFDIR_SERVER_DOMAIN_SMTP_CLIENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sofdir::domain {

struct SmtpOptions {
  std::string host;
  int port = 25;
  std::string user;  // empty: no AUTH
  std::string password;
  std::string from;  // envelope sender and From header address
  enum class StartTls { kAuto, kRequired, kOff };
  StartTls starttls = StartTls::kAuto;  // auto: when the relay offers it
  std::string ca_file;  // PEM CAs trusted for the relay's certificate; empty: the system's
  absl::Duration timeout = absl::Seconds(30);  // per read or write
  std::string helo_name = "sofdir";
};

// Parses --smtp-server "HOST:PORT"; INVALID_ARGUMENT naming the flag.
absl::Status ParseSmtpServer(absl::string_view value, SmtpOptions& options);
// Reads --smtp-credentials: the user on the first line, the password on
// the second; INVALID_ARGUMENT / NOT_FOUND naming the file.
absl::Status ReadSmtpCredentials(const std::string& path, SmtpOptions& options);
// Checks that --smtp-ca-file `path` holds at least one PEM certificate and
// sets options.ca_file; INVALID_ARGUMENT naming the flag and the file. The
// file is read again for every connection, so a renewed CA needs no restart.
absl::Status ReadSmtpCaFile(const std::string& path, SmtpOptions& options);
// "auto", "required" or "off".
absl::Status ParseStartTls(absl::string_view value, SmtpOptions& options);

struct SmtpOutcome {
  enum Kind {
    kSent,       // the relay answered 250 to the end of DATA
    kTemporary,  // no connection, a 4xx, TLS or login trouble: try again
    kPermanent,  // a 5xx to MAIL, RCPT or DATA: the message is refused
  };
  Kind kind = kTemporary;
  std::string detail;  // the relay's answer or what went wrong
};

// Delivers `message` (RFC 5322 text with CRLF line ends, headers included)
// to `recipient`.
SmtpOutcome SendSmtp(const SmtpOptions& options, absl::string_view recipient,
                     absl::string_view message);

}  // namespace sofdir::domain

#endif  // SOFDIR_SERVER_DOMAIN_SMTP_CLIENT_H_
