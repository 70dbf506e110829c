"""A sofdir-server child process for the Python tests (standard library only).

    server = ServerProcess(binary, work_dir, ["--demo-data", path])
    server.wait_until_listening()   # sets server.address, e.g. "127.0.0.1:41234"
    ...
    server.stop()                   # SIGTERM, then SIGKILL after `grace` seconds

The server listens on 127.0.0.1:0 with its data in WORK_DIR/data; its stdout
and stderr go to WORK_DIR/server.log, which `tail()` shows when it fails.
"""
import os
import re
import signal
import subprocess
import time

LISTENING = re.compile(r"listening on (\S+)")


class ServerStartError(RuntimeError):
    """The server exited or did not listen in time; the message holds its log."""


class ServerProcess:
    def __init__(self, binary, work_dir, args=()):
        self.log_path = os.path.join(work_dir, "server.log")
        self.log = open(self.log_path, "w")
        command = [binary, "--listen", "127.0.0.1:0",
                   "--data-dir", os.path.join(work_dir, "data")] + list(args)
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        self.address = None

    def wait_until_listening(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log_path, errors="replace") as f:
                for line in f:
                    match = LISTENING.search(line)
                    if match:
                        self.address = match.group(1)
                        return self.address
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise ServerStartError("sofdir-server did not start listening (exit %s); its log:\n%s" %
                               (self.process.poll(), self.tail()))

    def tail(self, lines=20):
        self.log.flush()
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])

    def stop(self, grace=15):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
