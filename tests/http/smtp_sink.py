# SPDX-License-Identifier: AGPL-3.0-or-later
"""smtp_sink.py - a real SMTP server for the outbox tests (Debian's python3-aiosmtpd).

    /usr/bin/python3 smtp_sink.py --port PORT --dir DIR [--reject ADDR]... [--defer ADDR]...

Listens on 127.0.0.1:PORT and stores every message it accepts in DIR as NNNNNN.eml (the
bytes received after DATA, dot-stuffing undone) with NNNNNN.json beside it ({"mail_from",
"rcpt_tos", "peer"}); both are written under a temporary name and renamed, so a reader
never sees half a message. RCPT TO an address given with --reject is answered
"550 5.1.1 User unknown" (a permanent failure), one given with --defer "451 4.3.0 Try
again later" (a temporary one). Prints "ready PORT" on stdout once it accepts
connections; stops cleanly on SIGTERM or SIGINT. Started and stopped by PID from
smtp_helpers.py (tests/http/test_outbox.py).
"""

import argparse
import json
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, reject, defer):
        self.dir = directory
        self.reject = {a.lower() for a in reject}
        self.defer = {a.lower() for a in defer}
        self.lock = threading.Lock()
        self.n = len([f for f in os.listdir(directory) if f.endswith(".eml")])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        a = address.lower()
        if a in self.reject:
            return "550 5.1.1 User unknown"
        if a in self.defer:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += 1
            base = os.path.join(self.dir, f"{self.n:06d}")
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos),
                "peer": str(session.peer)}
        for suffix, payload in ((".eml", data), (".json", json.dumps(meta).encode())):
            tmp = base + suffix + ".tmp"
            with open(tmp, "wb") as f:
                f.write(payload)
            os.replace(tmp, base + suffix)
        return "250 2.0.0 Message accepted for delivery"


def main(argv):
    p = argparse.ArgumentParser(description="SMTP sink for tests")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--defer", action="append", default=[])
    args = p.parse_args(argv)
    os.makedirs(args.dir, exist_ok=True)
    controller = Controller(Sink(args.dir, args.reject, args.defer), hostname="127.0.0.1",
                            port=args.port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    controller.start()
    print(f"ready {args.port}", flush=True)
    try:
        while not stop.wait(0.2):
            pass
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
