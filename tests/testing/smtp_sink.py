#!/usr/bin/python3
"""A real SMTP server (Debian's python3-aiosmtpd) for the mail tests.

Usage: smtp_sink.py --listen 127.0.0.1:PORT --data-dir DIR
(the flags of sofdir-server, so tests/testing/process.h starts it the same
way). PORT 0 picks a free port; it prints "smtp sink listening on
HOST:PORT". Each message accepted is written to DIR as NNNNNN.eml, atomically
(written under a temporary name, then renamed), starting with
"X-Sink-Received: <unix seconds>" and one "X-Sink-Rcpt: <address>" per
recipient. A recipient starting with "reject" is refused with 550.
"""
import asyncio
import os
import sys
import time

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("reject"):
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        head = "X-Sink-Received: %.6f\r\n" % time.time()
        for rcpt in envelope.rcpt_tos:
            head += "X-Sink-Rcpt: %s\r\n" % rcpt
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        path = os.path.join(self.directory, "%06d.eml" % self.count)
        with open(path + ".tmp", "wb") as out:
            out.write(head.encode("ascii") + content)
        os.rename(path + ".tmp", path)
        return "250 Message accepted for delivery"


def main():
    args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
    host, port = args["--listen"].rsplit(":", 1)
    directory = args["--data-dir"]
    os.makedirs(directory, exist_ok=True)
    handler = Sink(directory)
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(handler, enable_SMTPUTF8=True), host, int(port)))
    bound = server.sockets[0].getsockname()
    print("smtp sink listening on %s:%d" % (bound[0], bound[1]), flush=True)
    loop.run_forever()


if __name__ == "__main__":
    main()
