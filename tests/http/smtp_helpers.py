# SPDX-License-Identifier: AGPL-3.0-or-later
"""smtp_helpers.py - a real SMTP server for the outbox tests, run as its own process.

Sink starts tests/http/smtp_sink.py (Debian's python3-aiosmtpd, under /usr/bin/python3)
on a loopback port, stops it by PID (SIGTERM, then SIGKILL), and reads back the messages
it stored, parsed with the standard email package. The port can be chosen before the
sink runs, so that a server can be pointed at a mail server that is down.

Python 3 standard library only (the sink process imports aiosmtpd). Nothing here is a
test: see test_outbox.py.
"""

import email
import email.policy
import json
import os
import select
import signal
import subprocess
import time

import harness

SINK = os.path.join(harness.HERE, "smtp_sink.py")
PYTHON = "/usr/bin/python3"


def aiosmtpd_available():
    p = subprocess.run([PYTHON, "-c", "import aiosmtpd"], capture_output=True)
    return p.returncode == 0


class Sink:
    """An SMTP server on 127.0.0.1:port storing messages in directory."""

    def __init__(self, directory, port=None, reject=(), defer=()):
        self.dir = directory
        self.port = port or harness.free_port()
        self.reject, self.defer = list(reject), list(defer)
        self.proc = None
        os.makedirs(directory, exist_ok=True)

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def start(self, timeout=15):
        cmd = [PYTHON, SINK, "--port", str(self.port), "--dir", self.dir]
        for a in self.reject:
            cmd += ["--reject", a]
        for a in self.defer:
            cmd += ["--defer", a]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        line = b""
        while time.monotonic() < deadline and not line.endswith(b"\n"):
            r, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if r:
                ch = os.read(self.proc.stdout.fileno(), 1)
                if not ch:
                    break
                line += ch
        if not line.startswith(b"ready"):
            err = b""
            if self.proc.poll() is not None:
                err = self.proc.stderr.read()
            self.stop()
            raise AssertionError(f"SMTP sink did not start on port {self.port}: {err[-2000:]!r}")
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=10):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        for f in (self.proc.stdout, self.proc.stderr):
            if f:
                f.close()
        self.proc = None

    def messages(self):
        """Every stored message: [{"raw": bytes, "msg": EmailMessage, "meta": dict}]."""
        out = []
        for name in sorted(os.listdir(self.dir)):
            if not name.endswith(".eml"):
                continue
            base = os.path.join(self.dir, name[:-4])
            with open(base + ".eml", "rb") as f:
                raw = f.read()
            try:
                with open(base + ".json") as f:
                    meta = json.load(f)
            except OSError:
                continue  # its envelope is being written
            out.append({"raw": raw,
                        "msg": email.message_from_bytes(raw, policy=email.policy.default),
                        "meta": meta})
        return out

    def by_message_id(self, message_id):
        return [m for m in self.messages() if m["msg"]["Message-ID"] == message_id]
