# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_cli.py - the command line: version and help, usage errors (exit 2), `user add`,
`token create`, the precedence of settings (file < environment < flags), migrate, demo,
and `backup` (a consistent copy made while the server writes, which `serve` opens with
everything committed before it began; no overwriting; PostgreSQL is pointed to pg_dump)."""

import concurrent.futures
import os
import re
import sqlite3
import threading
import time

import harness
from harness import SLOW, cli_ok, run_cli

COMMANDS = ("serve", "migrate", "user", "token", "demo", "backup", "routes")


class CommandLine(harness.ServerCase):
    """Commands run against the database of a running server, which sees their effects."""

    def sqlite_url(self):
        return "sqlite:" + self.db

    # ---- version, help, usage ----

    def test_version(self):
        for arg in ("version", "--version"):
            p = cli_ok(arg)
            self.assertRegex(p.stdout.strip(), r"^klientas \d+\.\d+\.\d+")

    def test_help_of_every_command(self):
        p = cli_ok("--help")
        listed = re.findall(r"^  ([a-z]+) ", p.stdout.split("commands:")[1], re.M)
        self.assertTrue(set(COMMANDS) <= set(listed), listed)
        cases = [[c, "--help"] for c in listed if c != "version"] + [
            ["help"], ["-h"], ["user", "add", "--help"], ["token", "create", "--help"],
            ["serve", "-h"]]
        for argv, p in zip(cases, run_many(cases)):
            with self.subTest(argv=argv):
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertIn("usage", p.stdout.lower())
                self.assertEqual(p.stderr, "")

    def test_usage_errors_exit_2(self):
        cases = [
            [],
            ["frobnicate"],
            ["--frobnicate"],
            ["serve", "--no-such-option"],
            ["migrate", "--no-such-option"],
            ["migrate", "--db"],
            ["migrate", "stray-argument"],
            ["demo", "--no-such-option"],
            ["backup", "--no-such-option"],
            ["backup", "--db", self.sqlite_url()],
            ["routes", "--no-such-option"],
            ["user"],
            ["user", "frob"],
            ["user", "add", "--no-such-option"],
            ["user", "add", "--db", self.sqlite_url(), "--login", "x"],
            ["token"],
            ["token", "create", "--no-such-option"],
            ["token", "create", "--db", self.sqlite_url(), "--login", "admin"],
        ]
        for argv, p in zip(cases, run_many(cases)):
            with self.subTest(argv=argv):
                self.assertEqual(p.returncode, 2, f"stdout: {p.stdout}\nstderr: {p.stderr}")
                self.assertTrue(p.stderr.strip(), "no message on stderr")
                self.assertEqual(p.stdout, "")

    # ---- user add, token create ----

    def departments(self):
        return {d["name"]: d for d in self.list_all("/api/v1/departments")}

    def test_user_add_refuses_a_short_password(self):
        p = run_cli("user", "add", "--db", self.sqlite_url(), "--login", "cli.short",
                    "--name", "Cli Short", "--role", "manager", "--department", "CLI Short Dept",
                    "--password-stdin", input="short\n")
        self.assertIn(p.returncode, (1, 2), p.stderr)
        self.assertIn("password", p.stderr.lower())
        logins = [u["login"] for u in self.list_all("/api/v1/users")]
        self.assertNotIn("cli.short", logins)
        # A refused command leaves nothing behind, not even the department it would have made.
        self.assertNotIn("CLI Short Dept", sorted(self.departments()))

    def test_user_add_creates_the_department_if_missing(self):
        self.assertNotIn("CLI Nauja", sorted(self.departments()))
        p = run_cli("user", "add", "--db", self.sqlite_url(), "--login", "cli.user",
                    "--name", "Cli User", "--role", "head", "--department", "CLI Nauja",
                    "--lang", "en", "--password-stdin", input="cli-password-1\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        dept = self.departments().get("CLI Nauja")
        self.assertIsNotNone(dept, "the department was not created")
        users = {u["login"]: u for u in self.list_all("/api/v1/users")}
        self.assertEqual(users["cli.user"]["department_id"], dept["id"])
        self.assertEqual(users["cli.user"]["role"], "head")
        r, s = harness.sign_in(self.port, "cli.user", "cli-password-1")
        self.assertEqual(r.status, 200, r.describe())
        # An existing department is reused, not duplicated.
        p = run_cli("user", "add", "--db", self.sqlite_url(), "--login", "cli.user2",
                    "--name", "Cli User Two", "--role", "manager", "--department", "CLI Nauja",
                    "--password-stdin", input="cli-password-2\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        users = {u["login"]: u for u in self.list_all("/api/v1/users")}
        self.assertEqual(users["cli.user2"]["department_id"], dept["id"])
        # A taken login fails (exit 1 or 2) with a message.
        p = run_cli("user", "add", "--db", self.sqlite_url(), "--login", "cli.user",
                    "--name", "Again", "--role", "manager", "--password-stdin",
                    input="cli-password-3\n")
        self.assertIn(p.returncode, (1, 2))
        self.assertIn("cli.user", p.stderr)

    def test_token_create_prints_a_working_bearer_token(self):
        p = cli_ok("token", "create", "--db", self.sqlite_url(), "--login", "logistikas",
                   "--name", "ci")
        token = p.stdout.strip()
        self.assertRegex(token, r"^kl_[A-Za-z0-9_-]{43}$")
        r = harness.request(self.port, "GET", "/api/v1/me", auth=harness.Bearer(token))
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.json()["login"], "logistikas")
        listed = self.call("GET", "/api/v1/tokens", auth=harness.Bearer(token)).json()["items"]
        self.assertIn("ci", [t["name"] for t in listed])
        p = run_cli("token", "create", "--db", self.sqlite_url(), "--login", "no.such.user",
                    "--name", "ci")
        self.assertEqual(p.returncode, 1)
        self.assertIn("no.such.user", p.stderr)

    # ---- migrate, demo ----

    def test_migrate_and_demo(self):
        d = harness.tmpdir("cli-migrate")
        url = "sqlite:" + os.path.join(d, "m.db")
        p = cli_ok("migrate", "--db", url)
        self.assertRegex(p.stdout, r"applied [1-9]\d* migration")
        p = cli_ok("migrate", "--db", url)
        self.assertRegex(p.stdout, r"applied 0 migration")
        # The demo fills an empty database and refuses one with users.
        p = run_cli("demo", "--db", self.sqlite_url())
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertTrue(p.stderr.strip())

    # ---- settings ----

    def test_settings_file_then_environment_then_flags(self):
        d = harness.tmpdir("cli-settings")
        db, _ = harness.demo_db(d)
        p1, p2, p3 = (harness.free_port() for _ in range(3))
        conf = os.path.join(d, "klientas.conf")
        with open(conf, "w") as f:
            f.write(f"# test settings\nlisten = 127.0.0.1:{p1}\n")

        def serve(env, args, port, silent):
            s = harness.Server(db, d, args=["--config", conf] + args, env=env)
            s.start(listen=False, ready_port=port)
            try:
                self.assertEqual(s.get("/healthz").status, 200)
                for q in silent:
                    with self.assertRaises(OSError, msg=f"port {q} answered too"):
                        harness.request(q, "GET", "/healthz", timeout=2)
            finally:
                s.stop()

        serve(None, [], p1, [p2, p3])
        serve({"KLIENTAS_LISTEN": f"127.0.0.1:{p2}"}, [], p2, [p1, p3])
        serve({"KLIENTAS_LISTEN": f"127.0.0.1:{p2}"}, ["--listen", f"127.0.0.1:{p3}"], p3,
              [p1, p2])

    # ---- backup ----

    def test_backup_while_serving_and_writing(self):
        out = os.path.join(harness.tmpdir("cli-backup"), "backup.db")
        acked, lock, stop = [], threading.Lock(), threading.Event()
        admin = self.bearer("admin")

        def writer():
            i = 0
            while not stop.is_set():
                r = harness.request(self.port, "POST", "/api/v1/departments",
                                    {"name": f"backup-{i}"}, auth=admin)
                if r.status == 201:
                    with lock:
                        acked.append((time.monotonic(), r.json()["id"], f"backup-{i}"))
                i += 1

        t = threading.Thread(target=writer, daemon=True)
        t.start()
        try:
            while True:
                with lock:
                    if len(acked) >= 20:
                        break
                time.sleep(0.01)
            started = time.monotonic()
            p = run_cli("backup", "--db", self.sqlite_url(), "--out", out)
            time.sleep(0.1)
        finally:
            stop.set()
            t.join(30 * SLOW)
        self.assertEqual(p.returncode, 0, p.stderr)
        with lock:
            before = [(i, n) for at, i, n in acked if at < started]
            after_backup = len(acked) - len(before)
        self.assertGreaterEqual(len(before), 20)
        self.assertGreater(after_backup, 0, "the writes did not go on during the backup")
        c = sqlite3.connect(out)
        try:
            self.assertEqual(c.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
        finally:
            c.close()
        # The copy serves, with everything committed before the backup began.
        s = harness.Server(out, harness.tmpdir("cli-backup-serve")).start()
        try:
            names = {d["id"]: d["name"] for d in
                     _list(s.port, "/api/v1/departments", self.tokens["admin"])}
            missing = [(i, n) for i, n in before if names.get(i) != n]
            self.assertEqual(missing, [], "committed before the backup but not in it")
            r = harness.request(s.port, "GET", "/api/v1/me", auth=admin)
            self.assertEqual(r.status, 200, r.describe())
        finally:
            s.stop()

    def test_backup_does_not_overwrite(self):
        out = os.path.join(harness.tmpdir("cli-backup-exists"), "exists.db")
        with open(out, "w") as f:
            f.write("keep me\n")
        p = run_cli("backup", "--db", self.sqlite_url(), "--out", out)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn(out, p.stderr)
        with open(out) as f:
            self.assertEqual(f.read(), "keep me\n")

    def test_backup_of_postgres_points_to_pg_dump(self):
        out = os.path.join(harness.tmpdir("cli-backup-pg"), "pg.dump")
        p = run_cli("backup", "--db", "postgres://klientas@127.0.0.1:1/klientas", "--out", out)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("pg_dump", p.stderr)
        self.assertFalse(os.path.exists(out))


def run_many(cases):
    """Run several `klientas` command lines at once (each is mostly start-up time)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda argv: run_cli(*argv, input=""), cases))


def _list(port, path, token):
    items, cursor = [], None
    while True:
        r = harness.request(port, "GET", f"{path}?limit=200" + (f"&cursor={cursor}" if cursor
                                                                 else ""),
                            auth=harness.Bearer(token))
        if r.status != 200:
            raise AssertionError(r.describe())
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return items
