#!/usr/bin/python3
"""A real SMTP server (Debian's python3-aiosmtpd) for the mail tests.

Usage: smtp_sink.py --listen 127.0.0.1:PORT --data-dir DIR [options]
(the flags of sofdir-server, so tests/testing/process.h starts it the same
way). PORT 0 picks a free port; it prints "smtp sink listening on
HOST:PORT". Each message accepted is written to DIR as NNNNNN.eml, atomically
(written under a temporary name, then renamed), starting with
"X-Sink-Received: <unix seconds>", "X-Sink-Tls: yes|no", "X-Sink-Auth: <user>"
(or "-") and one "X-Sink-Rcpt: <address>" per recipient. A recipient starting
with "reject" is refused with 550.

Options:
  --tls-cert FILE --tls-key FILE  offer STARTTLS with this certificate and
                                  require it before any mail (530 otherwise)
  --auth USER:PASSWORD            require AUTH (PLAIN or LOGIN, over TLS only)
                                  with these credentials; others get 535
  --delay-first-data SECONDS      store the first message, then wait SECONDS
                                  before answering 250 to its DATA (a window in
                                  which the sender has not heard the answer)
"""
import asyncio
import os
import ssl
import sys
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, directory, delay_first_data=0.0):
        self.directory = directory
        self.count = 0
        self.delay_first_data = delay_first_data

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("reject"):
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        head = "X-Sink-Received: %.6f\r\n" % time.time()
        head += "X-Sink-Tls: %s\r\n" % ("yes" if session.ssl is not None else "no")
        user = getattr(session.auth_data, "login", None)
        head += "X-Sink-Auth: %s\r\n" % (user.decode("utf-8") if user else "-")
        for rcpt in envelope.rcpt_tos:
            head += "X-Sink-Rcpt: %s\r\n" % rcpt
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        path = os.path.join(self.directory, "%06d.eml" % self.count)
        with open(path + ".tmp", "wb") as out:
            out.write(head.encode("ascii") + content)
        os.rename(path + ".tmp", path)
        if self.count == 1 and self.delay_first_data > 0:
            await asyncio.sleep(self.delay_first_data)
        return "250 Message accepted for delivery"


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode("utf-8")
        self.password = password.encode("utf-8")

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if (isinstance(auth_data, LoginPassword) and auth_data.login == self.user and
                auth_data.password == self.password):
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)


def main():
    args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
    host, port = args["--listen"].rsplit(":", 1)
    directory = args["--data-dir"]
    os.makedirs(directory, exist_ok=True)
    handler = Sink(directory, float(args.get("--delay-first-data", "0")))
    options = {"enable_SMTPUTF8": True}
    if "--tls-cert" in args:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args["--tls-cert"], args["--tls-key"])
        options.update(tls_context=context, require_starttls=True)
    if "--auth" in args:
        user, password = args["--auth"].split(":", 1)
        options.update(authenticator=Authenticator(user, password), auth_required=True,
                       auth_require_tls=True)
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(handler, **options), host, int(port)))
    bound = server.sockets[0].getsockname()
    print("smtp sink listening on %s:%d" % (bound[0], bound[1]), flush=True)
    loop.run_forever()


if __name__ == "__main__":
    main()
