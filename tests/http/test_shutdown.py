# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_shutdown.py - SIGTERM while requests are in flight: the server exits 0 within a few
seconds, every request it had received gets a complete answer (its result, or a clean 503
problem), nothing is cut off mid-body, what it answered 201 is in the database, and the
database opens cleanly afterwards (klientas migrate)."""

import http.client
import json
import signal
import os
import sqlite3
import threading
import time

import harness
from harness import SLOW

SIGN_INS = 4  # slow by design (argon2id): in flight when the signal comes
WRITES = 4


class Outcome:
    def __init__(self, kind, status=None, body=b"", ctype="", error=None):
        self.kind, self.status, self.body, self.ctype, self.error = (
            kind, status, body, ctype, error)

    def __repr__(self):
        return f"<{self.kind} {self.status} {self.error or self.body[:200]!r}>"


def exchange(conn, method, path, body, headers):
    """Send one request on an open connection; classify what came back."""
    try:
        conn.request(method, path, body=json.dumps(body).encode(), headers=headers)
    except OSError as e:
        return Outcome("unsent", error=repr(e))
    try:
        r = conn.getresponse()
    except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
        return Outcome("no-answer", error=repr(e))
    except OSError as e:
        return Outcome("no-answer", error=repr(e))
    try:
        data = r.read()
    except (http.client.IncompleteRead, OSError) as e:
        return Outcome("cut-off", r.status, error=repr(e))
    return Outcome("answer", r.status, data, r.getheader("Content-Type") or "")


class GracefulShutdown(harness.Case):
    def setUp(self):
        self.dir = harness.tmpdir("shutdown")
        self.db, self.tokens = harness.demo_db(self.dir)
        self.server = harness.Server(self.db, self.dir).start()
        self.addCleanup(self.server.stop, check=False)

    def test_sigterm_with_requests_in_flight(self):
        port = self.server.port
        conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=30 * SLOW)
                 for _ in range(SIGN_INS + WRITES)]
        # Established connections first: whatever is sent on them reaches the server.
        for c in conns:
            c.request("GET", "/healthz")
            r = c.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
        outcomes = [None] * len(conns)
        go = threading.Barrier(len(conns) + 1)

        def client(i):
            go.wait()
            if i < SIGN_INS:
                outcomes[i] = exchange(conns[i], "POST", "/api/v1/session",
                                       {"login": "vadybininkas1",
                                        "password": harness.DEMO_PASSWORD},
                                       {"Content-Type": "application/json"})
            else:
                outcomes[i] = exchange(conns[i], "POST", "/api/v1/departments",
                                       {"name": f"shutdown-{i}"},
                                       {"Content-Type": "application/json",
                                        "Authorization": "Bearer " + self.tokens["admin"]})

        threads = [threading.Thread(target=client, args=(i,), daemon=True)
                   for i in range(len(conns))]
        for t in threads:
            t.start()
        go.wait()
        time.sleep(0.03 * SLOW)  # the requests are on their way, the sign-ins hashing
        t0 = time.monotonic()
        os.kill(self.server.pid, signal.SIGTERM)
        proc = self.server.proc
        try:
            rc = proc.wait(10 * SLOW)
        except Exception:
            rc = None
        took = time.monotonic() - t0
        for t in threads:
            t.join(30 * SLOW)
        for c in conns:
            c.close()
        self.assertEqual(rc, 0, f"exit code after SIGTERM ({took:.1f}s):\n"
                         f"{self.server.stderr()[-2000:]}")
        self.assertLess(took, 10 * SLOW)
        harness.check_sanitizers(self.server.stderr(), "klientas serve")

        cut = [o for o in outcomes if o is None or o.kind != "answer"]
        self.assertEqual(cut, [], f"requests sent before SIGTERM without a complete answer: "
                         f"{outcomes}")
        created = []
        for i, o in enumerate(outcomes):
            with self.subTest(request=i, outcome=repr(o)):
                if o.status == 503:
                    self.assertTrue(o.ctype.startswith("application/problem+json"), o)
                    self.assertEqual(json.loads(o.body)["status"], 503)
                    continue
                self.assertEqual(o.status, 200 if i < SIGN_INS else 201, o)
                j = json.loads(o.body)  # a complete JSON body
                if i >= SIGN_INS:
                    created.append((j["id"], j["name"]))

        # The database is whole, and what was answered 201 is in it.
        p = harness.run_cli("migrate", "--db", "sqlite:" + self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        c = sqlite3.connect(self.db)
        try:
            self.assertEqual(c.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            rows = set(c.execute("SELECT id, name FROM departments WHERE name LIKE 'shutdown-%'"))
        finally:
            c.close()
        self.assertTrue(set(created) <= rows, f"answered 201 but missing: {created} vs {rows}")

    def test_sigterm_when_idle_exits_at_once(self):
        t0 = time.monotonic()
        rc = self.server.stop(check=True)
        self.assertEqual(rc, 0)
        self.assertLess(time.monotonic() - t0, 5 * SLOW)
        # And it starts again on the same database.
        self.server.start()
        r = self.server.get("/healthz")
        self.assertEqual(r.status, 200, r.describe())
