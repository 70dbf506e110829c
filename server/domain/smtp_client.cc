#include "server/domain/smtp_client.h"

#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace sofdir::domain {
namespace {

// The oldest queued OpenSSL error (clearing the queue), or "unknown error".
std::string OpenSslError() {
  const unsigned long error = ERR_get_error();
  ERR_clear_error();
  if (error == 0) return "unknown error";
  char buffer[256];
  ERR_error_string_n(error, buffer, sizeof(buffer));
  return buffer;
}

// A reply: its code and text (all lines joined by " / ").
struct Reply {
  int code = 0;
  std::string text;
  std::vector<std::string> lines;
};

class Connection {
 public:
  ~Connection() {
    if (ssl_ != nullptr) {
      SSL_shutdown(ssl_);
      SSL_free(ssl_);
    }
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
    if (fd_ >= 0) close(fd_);
  }

  absl::Status Connect(const SmtpOptions& options) {
    timeout_ = options.timeout;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = absl::StrCat(options.port);
    int rc = getaddrinfo(options.host.c_str(), port.c_str(), &hints, &found);
    if (rc != 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot resolve ", options.host, ": ", gai_strerror(rc)));
    }
    std::string last = "no address";
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
      int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      if (connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
        last = std::strerror(errno);
        close(fd);
        continue;
      }
      pollfd p{fd, POLLOUT, 0};
      int ready = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout_)));
      int error = 0;
      socklen_t len = sizeof(error);
      if (ready <= 0) {
        last = "connection timed out";
      } else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error != 0) {
        last = std::strerror(error);
      } else {
        fd_ = fd;
        break;
      }
      close(fd);
    }
    freeaddrinfo(found);
    if (fd_ < 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot connect to ", options.host, ":", options.port, ": ", last));
    }
    return absl::OkStatus();
  }

  absl::Status StartTls(const SmtpOptions& options) {
    const std::string& host = options.host;
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (ctx_ == nullptr) return absl::InternalError("cannot create a TLS context");
    SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
    if (options.ca_file.empty()) {
      SSL_CTX_set_default_verify_paths(ctx_);
    } else if (SSL_CTX_load_verify_locations(ctx_, options.ca_file.c_str(), nullptr) != 1) {
      return absl::UnavailableError(
          absl::StrCat("--smtp-ca-file ", options.ca_file, " cannot be read: ", OpenSslError()));
    }
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    ssl_ = SSL_new(ctx_);
    SSL_set_tlsext_host_name(ssl_, host.c_str());
    SSL_set1_host(ssl_, host.c_str());
    SSL_set_fd(ssl_, fd_);
    const absl::Time deadline = absl::Now() + timeout_;
    while (true) {
      int rc = SSL_connect(ssl_);
      if (rc == 1) return absl::OkStatus();
      int error = SSL_get_error(ssl_, rc);
      if ((error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) &&
          Wait(error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
        continue;
      }
      std::string why = "TLS handshake failed";
      long verify = SSL_get_verify_result(ssl_);
      if (verify != X509_V_OK) {
        why = absl::StrCat(
            "the relay's certificate is not trusted (checked against ",
            options.ca_file.empty() ? "the system's CAs" : "--smtp-ca-file " + options.ca_file,
            "): ", X509_verify_cert_error_string(verify));
      } else if (ERR_peek_error() != 0) {
        why = absl::StrCat("TLS handshake failed: ", OpenSslError());
      }
      return absl::UnavailableError(why);
    }
  }

  absl::Status Send(absl::string_view data) {
    const absl::Time deadline = absl::Now() + timeout_;
    while (!data.empty()) {
      ssize_t n;
      if (ssl_ != nullptr) {
        int rc = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
        if (rc <= 0) {
          int error = SSL_get_error(ssl_, rc);
          if ((error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) &&
              Wait(error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
            continue;
          }
          return absl::UnavailableError("the connection to the relay broke (TLS write)");
        }
        n = rc;
      } else {
        n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0) {
          if ((errno == EAGAIN || errno == EINTR) && Wait(POLLOUT, deadline)) continue;
          return absl::UnavailableError(
              absl::StrCat("the connection to the relay broke: ", std::strerror(errno)));
        }
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Reply> Read() {
    const absl::Time deadline = absl::Now() + timeout_;
    Reply reply;
    while (true) {
      size_t end = buffer_.find("\r\n");
      if (end == std::string::npos) end = buffer_.find('\n');
      if (end != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + (buffer_[end] == '\r' ? 2 : 1));
        int code = 0;
        if (line.size() < 3 || !absl::SimpleAtoi(line.substr(0, 3), &code)) {
          return absl::UnavailableError(absl::StrCat("the relay answered \"",
                                                     absl::CHexEscape(line.substr(0, 80)),
                                                     "\", which is not SMTP"));
        }
        reply.code = code;
        reply.lines.push_back(line.size() > 4 ? line.substr(4) : "");
        absl::StrAppend(&reply.text, reply.text.empty() ? "" : " / ", line);
        if (line.size() == 3 || line[3] != '-') return reply;
        continue;
      }
      if (buffer_.size() > 64 * 1024)
        return absl::UnavailableError("the relay's reply is too long");
      char chunk[4096];
      ssize_t n;
      if (ssl_ != nullptr) {
        int rc = SSL_read(ssl_, chunk, sizeof(chunk));
        if (rc <= 0) {
          int error = SSL_get_error(ssl_, rc);
          if ((error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) &&
              Wait(error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
            continue;
          }
          return absl::UnavailableError("the relay closed the connection (TLS)");
        }
        n = rc;
      } else {
        n = recv(fd_, chunk, sizeof(chunk), 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
          if (Wait(POLLIN, deadline)) continue;
          return absl::DeadlineExceededError("the relay did not answer in time");
        }
        if (n <= 0) return absl::UnavailableError("the relay closed the connection");
      }
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  absl::StatusOr<Reply> Command(absl::string_view line) {
    absl::Status sent = Send(absl::StrCat(line, "\r\n"));
    if (!sent.ok()) return sent;
    return Read();
  }

 private:
  bool Wait(short events, absl::Time deadline) {
    const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (ms <= 0) return false;
    pollfd p{fd_, events, 0};
    return poll(&p, 1, static_cast<int>(ms)) > 0;
  }

  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string buffer_;
  absl::Duration timeout_;
};

SmtpOutcome Temporary(std::string detail) { return {SmtpOutcome::kTemporary, std::move(detail)}; }

// A reply to MAIL, RCPT or DATA: 5xx refuses the message for good.
SmtpOutcome Refused(absl::string_view step, const Reply& reply) {
  return {reply.code >= 500 ? SmtpOutcome::kPermanent : SmtpOutcome::kTemporary,
          absl::StrCat(step, ": ", reply.text)};
}

// The message with CRLF line ends, every line starting with '.' doubled,
// ending in CRLF "." CRLF.
std::string DotStuffed(absl::string_view message) {
  std::string out;
  out.reserve(message.size() + 64);
  bool line_start = true;
  for (size_t i = 0; i < message.size(); ++i) {
    char c = message[i];
    if (line_start && c == '.') out.push_back('.');
    if (c == '\n' && (out.empty() || out.back() != '\r')) out.push_back('\r');
    out.push_back(c);
    line_start = c == '\n';
  }
  if (!line_start) out.append("\r\n");
  out.append(".\r\n");
  return out;
}

bool Offers(const Reply& ehlo, absl::string_view extension) {
  for (const std::string& line : ehlo.lines) {
    if (absl::StartsWithIgnoreCase(line, extension)) return true;
  }
  return false;
}

}  // namespace

absl::Status ParseSmtpServer(absl::string_view value, SmtpOptions& options) {
  const size_t colon = value.rfind(':');
  int port = 0;
  if (colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(value.substr(colon + 1), &port) || port < 1 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--smtp-server: \"", value, "\" is not HOST:PORT (e.g. smtp.kk.dk:587)"));
  }
  absl::string_view host = value.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  options.host = std::string(host);
  options.port = port;
  return absl::OkStatus();
}

absl::Status ReadSmtpCredentials(const std::string& path, SmtpOptions& options) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("--smtp-credentials: cannot read ", path));
  }
  std::string user, password;
  std::getline(in, user);
  std::getline(in, password);
  if (!user.empty() && user.back() == '\r') user.pop_back();
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (user.empty() || password.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--smtp-credentials: ", path, " must hold the user on line 1 and the password on line 2"));
  }
  options.user = user;
  options.password = password;
  return absl::OkStatus();
}

absl::Status ReadSmtpCaFile(const std::string& path, SmtpOptions& options) {
  std::ifstream in(path);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("--smtp-ca-file: cannot read ", path, ": ", std::strerror(errno)));
  }
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                        &SSL_CTX_free);
  if (ctx == nullptr || SSL_CTX_load_verify_locations(ctx.get(), path.c_str(), nullptr) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--smtp-ca-file: ", path, " holds no PEM certificate (", OpenSslError(), ")"));
  }
  options.ca_file = path;
  return absl::OkStatus();
}

absl::Status ParseStartTls(absl::string_view value, SmtpOptions& options) {
  if (value == "auto") {
    options.starttls = SmtpOptions::StartTls::kAuto;
  } else if (value == "required") {
    options.starttls = SmtpOptions::StartTls::kRequired;
  } else if (value == "off") {
    options.starttls = SmtpOptions::StartTls::kOff;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--smtp-starttls: \"", value, "\" is not one of auto, required, off"));
  }
  return absl::OkStatus();
}

SmtpOutcome SendSmtp(const SmtpOptions& options, absl::string_view recipient,
                     absl::string_view message) {
  for (char c : recipient) {
    if (c == '\r' || c == '\n' || c == '<' || c == '>') {
      return {SmtpOutcome::kPermanent, "the recipient address holds characters SMTP refuses"};
    }
  }
  Connection connection;
  absl::Status connected = connection.Connect(options);
  if (!connected.ok()) return Temporary(std::string(connected.message()));
  absl::StatusOr<Reply> reply = connection.Read();
  if (!reply.ok()) return Temporary(std::string(reply.status().message()));
  if (reply->code != 220) return Temporary(absl::StrCat("greeting: ", reply->text));
  const std::string ehlo_line = absl::StrCat("EHLO ", options.helo_name);
  absl::StatusOr<Reply> ehlo = connection.Command(ehlo_line);
  if (!ehlo.ok()) return Temporary(std::string(ehlo.status().message()));
  if (ehlo->code != 250) return Temporary(absl::StrCat("EHLO: ", ehlo->text));
  bool tls = false;
  if (options.starttls != SmtpOptions::StartTls::kOff && Offers(*ehlo, "STARTTLS")) {
    reply = connection.Command("STARTTLS");
    if (!reply.ok()) return Temporary(std::string(reply.status().message()));
    if (reply->code != 220) return Temporary(absl::StrCat("STARTTLS: ", reply->text));
    absl::Status started = connection.StartTls(options);
    if (!started.ok()) return Temporary(std::string(started.message()));
    tls = true;
    ehlo = connection.Command(ehlo_line);
    if (!ehlo.ok()) return Temporary(std::string(ehlo.status().message()));
    if (ehlo->code != 250) return Temporary(absl::StrCat("EHLO after STARTTLS: ", ehlo->text));
  } else if (options.starttls == SmtpOptions::StartTls::kRequired) {
    return Temporary("the relay does not offer STARTTLS, and --smtp-starttls is required");
  }
  if (!options.user.empty()) {
    if (!tls && options.starttls != SmtpOptions::StartTls::kOff) {
      return Temporary("the relay offers no STARTTLS; the credentials are not sent in clear");
    }
    const std::string token = absl::Base64Escape(
        absl::StrCat(std::string(1, '\0'), options.user, std::string(1, '\0'), options.password));
    reply = connection.Command(absl::StrCat("AUTH PLAIN ", token));
    if (!reply.ok()) return Temporary(std::string(reply.status().message()));
    if (reply->code != 235) return Temporary(absl::StrCat("AUTH: ", reply->text));
  }
  reply = connection.Command(absl::StrCat("MAIL FROM:<", options.from, ">"));
  if (!reply.ok()) return Temporary(std::string(reply.status().message()));
  if (reply->code != 250) return Refused("MAIL FROM", *reply);
  reply = connection.Command(absl::StrCat("RCPT TO:<", recipient, ">"));
  if (!reply.ok()) return Temporary(std::string(reply.status().message()));
  if (reply->code != 250 && reply->code != 251) return Refused("RCPT TO", *reply);
  reply = connection.Command("DATA");
  if (!reply.ok()) return Temporary(std::string(reply.status().message()));
  if (reply->code != 354) return Refused("DATA", *reply);
  absl::Status sent = connection.Send(DotStuffed(message));
  if (!sent.ok()) return Temporary(std::string(sent.message()));
  reply = connection.Read();
  if (!reply.ok()) return Temporary(std::string(reply.status().message()));
  if (reply->code != 250) return Refused("end of DATA", *reply);
  SmtpOutcome outcome{SmtpOutcome::kSent, reply->text};
  connection.Command("QUIT").IgnoreError();
  return outcome;
}

}  // namespace sofdir::domain
