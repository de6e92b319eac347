# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_durability.py - what the server acknowledged survives a crash: a burst of writes
from several threads, SIGKILL in the middle of it, a restart on the same database; every
department answered 201 is there with its id and name, and nothing is half-written (each
department has its audit row and each audit row its department: one transaction)."""

import sqlite3
import threading
import time

import harness
from harness import SLOW

THREADS = 8
PER_THREAD = 60  # 480 writes offered
KILL_AFTER = 200  # acknowledged writes before the SIGKILL


class Durability(harness.Case):
    def setUp(self):
        self.dir = harness.tmpdir("durability")
        self.db, self.tokens = harness.demo_db(self.dir)
        self.server = harness.Server(self.db, self.dir).start()
        self.addCleanup(self.server.stop)

    def burst(self, port):
        acked, lock = [], threading.Lock()
        unknown = []  # requests whose outcome the client never learned
        stop = threading.Event()
        auth = harness.Bearer(self.tokens["admin"])

        def writer(t):
            for i in range(PER_THREAD):
                if stop.is_set():
                    return
                name = f"dur-{t}-{i}"
                try:
                    r = harness.request(port, "POST", "/api/v1/departments", {"name": name},
                                        auth=auth, timeout=30 * SLOW)
                except OSError:
                    with lock:
                        unknown.append(name)
                    return  # the server is gone
                if r.status == 201:
                    with lock:
                        acked.append((r.json()["id"], name))
                else:
                    with lock:
                        unknown.append(name)
                    if r.status >= 500:
                        return

        threads = [threading.Thread(target=writer, args=(t,), daemon=True)
                   for t in range(THREADS)]
        return acked, unknown, lock, stop, threads

    def test_acknowledged_writes_survive_sigkill(self):
        port = self.server.port
        acked, unknown, lock, stop, threads = self.burst(port)
        for t in threads:
            t.start()
        deadline = time.monotonic() + 120 * SLOW
        while time.monotonic() < deadline:
            with lock:
                n = len(acked)
            if n >= KILL_AFTER or not any(t.is_alive() for t in threads):
                break
            time.sleep(0.005)
        self.server.kill()  # SIGKILL: no shutdown code runs
        stop.set()
        for t in threads:
            t.join(60 * SLOW)
        self.assertGreaterEqual(len(acked), KILL_AFTER,
                                f"only {len(acked)} writes acknowledged before the kill")
        self.assertLess(len(acked), THREADS * PER_THREAD, "the kill came after the burst ended")

        self.server.start()
        port = self.server.port
        admin = harness.Bearer(self.tokens["admin"])
        depts = {}
        cursor = None
        while True:
            r = harness.request(port, "GET", "/api/v1/departments?limit=200" +
                                (f"&cursor={cursor}" if cursor else ""), auth=admin)
            self.assertEqual(r.status, 200, r.describe())
            for d in r.json()["items"]:
                depts[d["id"]] = d
            cursor = r.json()["next_cursor"]
            if not cursor:
                break
        lost = [(i, n) for i, n in acked if depts.get(i, {}).get("name") != n]
        self.assertEqual(lost, [], f"{len(lost)} of {len(acked)} acknowledged writes lost")

        # Nothing half-written: department rows and their audit rows go together.
        audit, cursor = [], None
        while True:
            r = harness.request(port, "GET", "/api/v1/audit?entity=department&limit=200" +
                                (f"&cursor={cursor}" if cursor else ""), auth=admin)
            self.assertEqual(r.status, 200, r.describe())
            audit += r.json()["items"]
            cursor = r.json()["next_cursor"]
            if not cursor:
                break
        created = {e["entity_id"]: e["after"]["name"] for e in audit if e["action"] == "create"}
        burst = {i: d["name"] for i, d in depts.items() if d["name"].startswith("dur-")}
        self.assertEqual({i: created.get(i) for i in burst}, burst,
                         "a department without its audit row")
        orphans = {i: n for i, n in created.items() if n.startswith("dur-") and i not in depts}
        self.assertEqual(orphans, {}, "an audit row without its department")
        # What the clients never heard about is either wholly there or wholly absent.
        names = {d["name"] for d in depts.values()}
        self.assertLessEqual(len(burst) - len(acked), len(unknown))
        self.assertTrue(set(burst.values()) - {n for _, n in acked} <= set(unknown))
        self.assertIn("Logistika", names)

        self.server.stop()
        c = sqlite3.connect(self.db)
        try:
            self.assertEqual(c.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            self.assertEqual(c.execute("PRAGMA foreign_key_check").fetchall(), [])
        finally:
            c.close()
        harness.cli_ok("migrate", "--db", "sqlite:" + self.db)
