# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_reminders.py - in-app reminders (issue 4 item 8, docs/daily.md "Reminders").

The `reminders` job runs every minute; the tests make it run now by setting its row's
next_run_at to 0 (what the minute's wait would do) and wait until the run is recorded.
There is no clock override: data is made with times relative to now (a call-back due a
minute ago, a task due two days ago), and the users get time zones whose local time is
after 07:30 (the monthly summary) or before it (no summary yet) at the time of the run.

  - a due call-back reaches the client's owner once (whoever promised it), not others; a
    call-back followed by a later activity, one older than 30 days, or one not due yet is
    not reminded; one that comes due between two runs is;
  - an absent owner's substitute is told as well, with whom he stands in for;
  - a task due reaches the assignee once; a task a day overdue reaches the assignee and
    the head who gave it, once; a task done before it came due reaches nobody;
  - the day's summary of overdue monthly contacts: once per user and local day, with the
    count, only for users who own clients, not before 07:30 local;
  - the bell: the list's unread count, mark read, mark all read (up to an id), another
    user's notification is a 404 and stays unread;
  - two servers on one PostgreSQL database (when one can be started) tell each reminder
    once;
  - notifications read more than 90 days ago are deleted, unread ones and newer ones stay.
"""

import os
import shutil
import sqlite3
import subprocess
import time
import unittest
from datetime import date, datetime, time as dtime, timedelta, timezone
from zoneinfo import ZoneInfo

import harness
from harness import SLOW

REMINDER_KINDS = ("call_back_due", "task_due", "task_overdue", "monthly_overdue")


def iso(t):
    return datetime.fromtimestamp(int(t), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def zone_where(lo, hi):
    """A whole-hour Etc zone whose local time now is within [lo, hi], and that time."""
    now = datetime.now(timezone.utc)
    for off in range(-12, 15):
        local = now + timedelta(hours=off)
        if lo <= local.time() <= hi:
            # Etc/GMT-3 is three hours east of Greenwich.
            return (f"Etc/GMT{'-' if off > 0 else '+'}{abs(off)}" if off else "Etc/UTC"), local
    return None, None


class RemindersCase(harness.Case):
    """One server on a fresh demo database whose users live in a zone where it is day
    (after 07:30, a working day by an override), except vadybininkas2, for whom it is
    night (before 07:30)."""

    server = None

    @classmethod
    def setUpClass(cls):
        cls.dir = harness.tmpdir(cls.__name__)
        cls.db, cls.tokens = harness.demo_db(cls.dir)
        cls.tz, local = zone_where(dtime(7, 40), dtime(21, 30))
        cls.night_tz, _ = zone_where(dtime(0, 30), dtime(6, 30))
        if cls.tz is None or cls.night_tz is None:
            raise unittest.SkipTest("no whole-hour time zone is in its day and its night now")
        cls.local_day = local.date().isoformat()
        con = sqlite3.connect(cls.db, timeout=30)
        try:
            con.execute("UPDATE users SET tz = ?", (cls.tz,))
            con.execute("UPDATE users SET tz = ? WHERE login = 'vadybininkas2'", (cls.night_tz,))
            con.execute("INSERT INTO calendar_days (day, working, note, updated_at) VALUES "
                        "(?, 1, 'test', 0) ON CONFLICT (day) DO UPDATE SET working = 1",
                        (cls.local_day,))
            con.commit()
            # The day's summary is made at the job's first run, before any test logs
            # anything: what it must count, from the demo's history as it is now.
            d = date.fromisoformat(cls.local_day)
            prev = (d.replace(day=1) - timedelta(days=1)).replace(day=1)
            since = int(datetime(prev.year, prev.month, 1, tzinfo=ZoneInfo(cls.tz)).timestamp())
            cls.overdue_at_start, cls.working_at_start = {}, {}
            for role, login in (("manager", harness.ROLE_LOGINS["manager"]),
                                ("head", harness.ROLE_LOGINS["head"]), ("retail", "vadybininke3")):
                cls.working_at_start[role], cls.overdue_at_start[role] = con.execute(
                    "SELECT COUNT(*), SUM(last_contact_at IS NULL OR last_contact_at < ?) "
                    "FROM clients WHERE deleted_at IS NULL AND status IN ('prospect', 'active') "
                    "AND owner_id = (SELECT id FROM users WHERE login = ?)",
                    (since, login)).fetchone()
        finally:
            con.close()
        for key, login in (("manager2", "vadybininkas2"), ("retail", "vadybininke3")):
            cls.tokens[key] = harness.cli_ok(
                "token", "create", "--db", "sqlite:" + cls.db, "--login", login, "--name",
                "reminder-tests").stdout.strip()
        cls.server = harness.Server(cls.db, cls.dir,
                                    env={"KLIENTAS_JOBS_TICK_MS": "50"}).start()
        cls.port = cls.server.port
        cls.ids = {}
        for role in ("manager", "manager2", "retail", "head", "director", "logistics", "admin"):
            r = cls.call("GET", "/api/v1/me", role=role)
            assert r.status == 200, r.describe()
            cls.ids[role] = r.json()["id"]
        cls.wait_first_run()

    @classmethod
    def tearDownClass(cls):
        if cls.server is not None:
            cls.server.stop()

    # ---- helpers ----

    @classmethod
    def call(cls, method, path, body=None, role=None, **kw):
        return harness.request(cls.port, method, path, body,
                               auth=harness.Bearer(cls.tokens[role]), **kw)

    @classmethod
    def job_row(cls):
        con = sqlite3.connect(cls.db, timeout=30)
        try:
            return con.execute("SELECT runs, locked_by, last_status, last_error FROM jobs "
                               "WHERE kind = 'reminders'").fetchone()
        finally:
            con.close()

    @classmethod
    def wait_first_run(cls):
        deadline = time.monotonic() + 30 * SLOW
        while time.monotonic() < deadline:
            runs, locked, _, _ = cls.job_row()
            if runs >= 1 and locked is None:
                return
            time.sleep(0.05)
        raise AssertionError("the reminders job did not run at start")

    def run_job(self, times=1):
        """Make the job run now (as after its minute), `times` times, each run starting
        after the call (a run already going when asked does not count)."""
        for _ in range(times):
            deadline = time.monotonic() + 30 * SLOW
            while True:
                self.assertLess(time.monotonic(), deadline, "the reminders job is stuck")
                con = sqlite3.connect(self.db, timeout=30)
                try:
                    runs = con.execute("SELECT runs FROM jobs WHERE kind = 'reminders'"
                                       ).fetchone()[0]
                    cur = con.execute("UPDATE jobs SET next_run_at = 0 WHERE kind = "
                                      "'reminders' AND locked_by IS NULL")
                    con.commit()
                    poked = cur.rowcount == 1
                finally:
                    con.close()
                if poked:
                    break
                time.sleep(0.02)
            while True:
                self.assertLess(time.monotonic(), deadline, "the reminders job did not run")
                now_runs, locked, status, error = self.job_row()
                if now_runs > runs and locked is None:
                    self.assertEqual(status, "ok", error)
                    break
                time.sleep(0.02)

    def notes(self, role, kind=None):
        r = self.call("GET", "/api/v1/notifications?limit=200", role=role)
        self.assertEqual(r.status, 200, r.describe())
        items = r.json()["items"]
        return [n for n in items if kind is None or n["kind"] == kind]

    def about(self, role, kind, entity_id):
        return [n for n in self.notes(role, kind) if n["entity_id"] == entity_id]

    def unread(self, role):
        r = self.call("GET", "/api/v1/notifications?limit=1", role=role)
        self.assertEqual(r.status, 200, r.describe())
        return r.json()["unread"]

    def client_of(self, role, owner=None):
        """A client of `owner` (default: the role's own user) that the role sees."""
        owner_id = self.ids[owner or role]
        r = self.call("GET", f"/api/v1/clients?owner_id={owner_id}&limit=200", role=role)
        self.assertEqual(r.status, 200, r.describe())
        items = [c for c in r.json()["items"] if c["owner_id"] == owner_id]
        self.assertTrue(items, f"no client of user {owner_id}")
        # A different one each time: the tests do not step on each other's call-backs.
        type(self)._picked = getattr(type(self), "_picked", 0) + 1
        return items[type(self)._picked % len(items)]

    def log(self, client, role="manager", **body):
        body.setdefault("type", "call")
        body["client_id"] = client["id"]
        r = self.call("POST", "/api/v1/activities", body, role=role)
        self.assertEqual(r.status, 201, r.describe())
        return r.json()

    def call_back(self, client, role="manager", at=-120, due=-60):
        now = time.time()
        return self.log(client, role=role, outcome="call_back", at=iso(now + at),
                        callback_at=iso(now + due))

    def task(self, assignee, due, role="head", client=None, title=None):
        body = {"assignee_id": self.ids[assignee], "title": title or f"Užduotis {time.monotonic_ns()}",
                "due_at": iso(time.time() + due)}
        if client:
            body["client_id"] = client["id"]
        r = self.call("POST", "/api/v1/tasks", body, role=role)
        self.assertEqual(r.status, 201, r.describe())
        return r.json()


class Reminders(RemindersCase):
    def test_a_monthly_summary_once_a_day_for_owners_of_clients(self):
        self.run_job(times=2)
        for role in ("manager", "head", "retail"):
            got = self.notes(role, "monthly_overdue")
            self.assertEqual(len(got), 1, f"{role}: {got}")
            n = got[0]
            # The demo's history left some clients uncontacted since before last month.
            want = self.overdue_at_start[role]
            self.assertTrue(0 < want < self.working_at_start[role], (role, want))
            self.assertEqual(n["data"], {"count": want, "date": self.local_day})
            self.assertEqual((n["entity"], n["entity_id"]), ("user", self.ids[role]))
            self.assertIn(str(want), n["text"])
            self.assertIsNone(n["read_at"])
        # Users without clients get no summary; vadybininkas2 has clients, but it is
        # still night where he lives.
        for role in ("director", "logistics", "admin", "manager2"):
            self.assertEqual(self.notes(role, "monthly_overdue"), [], role)

    def overdue(self, clients):
        """The working clients not contacted last month nor this month (the users' zone)."""
        d = date.fromisoformat(self.local_day)
        prev = (d.replace(day=1) - timedelta(days=1)).replace(day=1)
        start = datetime(prev.year, prev.month, 1, tzinfo=ZoneInfo(self.tz))
        return [c for c in clients if c["status"] in ("prospect", "active") and (
            c["last_contact_at"] is None
            or datetime.fromisoformat(c["last_contact_at"].replace("Z", "+00:00")) < start)]

    def list_clients(self, role):
        r = self.call("GET", f"/api/v1/clients?owner_id={self.ids[role]}&limit=200", role=role)
        self.assertEqual(r.status, 200, r.describe())
        self.assertIsNone(r.json()["next_cursor"])
        return [c for c in r.json()["items"] if c["owner_id"] == self.ids[role]]

    def test_a_due_call_back_reaches_the_owner_once(self):
        client = self.client_of("manager")
        act = self.call_back(client)
        # The head promised a call-back on the manager's client: the owner is told.
        client2 = self.client_of("head", owner="manager")
        act2 = self.call_back(client2, role="head")
        self.run_job(times=3)
        for a, c in ((act, client), (act2, client2)):
            got = self.about("manager", "call_back_due", a["id"])
            self.assertEqual(len(got), 1, got)
            n = got[0]
            self.assertEqual(n["entity"], "activity")
            self.assertEqual(n["data"]["client_id"], c["id"])
            self.assertEqual(n["data"]["client_name"], c["name"])
            self.assertEqual(n["data"]["callback_at"], a["callback_at"])
            self.assertNotIn("for_user_id", n["data"])
            self.assertIn(c["name"], n["text"])
            for role in ("head", "manager2", "director", "retail", "admin"):
                self.assertEqual(self.about(role, "call_back_due", a["id"]), [], role)

    def test_b_call_backs_that_are_not_reminded(self):
        followed_client = self.client_of("manager")
        followed = self.call_back(followed_client, at=-180, due=-60)
        # Something logged with the client after the promise: nothing to remind.
        self.log(followed_client, type="email", at=iso(time.time() - 120))
        old_client = self.client_of("manager")
        old = self.call_back(old_client, at=-40 * 86400, due=-35 * 86400)
        later_client = self.client_of("manager")
        later = self.call_back(later_client, at=-60, due=3600)
        self.run_job(times=2)
        for a in (followed, old, later):
            self.assertEqual(self.about("manager", "call_back_due", a["id"]), [], a)

    def test_c_a_call_back_that_comes_due_between_runs_is_reminded(self):
        client = self.client_of("manager")
        act = self.call_back(client, at=-60, due=3)
        self.run_job()
        self.assertEqual(self.about("manager", "call_back_due", act["id"]), [])
        time.sleep(4)
        self.run_job(times=2)
        self.assertEqual(len(self.about("manager", "call_back_due", act["id"])), 1)

    def test_d_an_absent_owner_and_his_substitute_are_both_told(self):
        today = datetime.now(timezone.utc).date()
        r = self.call("POST", "/api/v1/absences",
                      {"user_id": self.ids["manager2"], "substitute_id": self.ids["manager"],
                       "from": str(today - timedelta(days=1)),
                       "to": str(today + timedelta(days=1)), "reason": "Atostogos"},
                      role="director")
        self.assertEqual(r.status, 201, r.describe())
        absence = r.json()
        try:
            client = self.client_of("manager2")
            act = self.call_back(client, role="manager2")
            task = self.task("manager2", due=-60)
            self.run_job(times=2)
            own = self.about("manager2", "call_back_due", act["id"])
            self.assertEqual(len(own), 1, own)
            self.assertNotIn("for_user_id", own[0]["data"])
            sub = self.about("manager", "call_back_due", act["id"])
            self.assertEqual(len(sub), 1, sub)
            self.assertEqual(sub[0]["data"]["for_user_id"], self.ids["manager2"])
            self.assertEqual(sub[0]["data"]["for_user_name"], "Andrius Vasiliauskas")
            self.assertEqual(sub[0]["data"]["client_id"], client["id"])
            self.assertEqual(len(self.about("manager2", "task_due", task["id"])), 1)
            self.assertEqual(len(self.about("manager", "task_due", task["id"])), 1)
            for role in ("head", "retail", "director"):
                self.assertEqual(self.about(role, "call_back_due", act["id"]), [], role)
                self.assertEqual(self.about(role, "task_due", task["id"]), [], role)
        finally:
            r = self.call("DELETE", f"/api/v1/absences/{absence['id']}", role="director",
                          headers={"If-Match": f'"{absence["version"]}"'})
            self.assertEqual(r.status, 204, r.describe())
        # Back at work: his next call-back is his alone.
        act = self.call_back(self.client_of("manager2"), role="manager2")
        self.run_job()
        self.assertEqual(len(self.about("manager2", "call_back_due", act["id"])), 1)
        self.assertEqual(self.about("manager", "call_back_due", act["id"]), [])

    def test_e_tasks_due_and_overdue(self):
        client = self.client_of("head", owner="manager")
        due = self.task("manager", due=-60, client=client, title="Paruošti pasiūlymą")
        overdue = self.task("manager", due=-2 * 86400, title="Išsiųsti sutartį")
        future = self.task("manager", due=3600)
        done = self.task("manager", due=-60)
        r = self.call("PATCH", f"/api/v1/tasks/{done['id']}",
                      {"status": "done", "done_note": "Padaryta"}, role="manager",
                      headers={"If-Match": f'"{done["version"]}"'})
        self.assertEqual(r.status, 200, r.describe())
        self.run_job(times=3)

        got = self.about("manager", "task_due", due["id"])
        self.assertEqual(len(got), 1, got)
        d = got[0]["data"]
        self.assertEqual((d["task_id"], d["title"], d["due_at"], d["client_id"],
                          d["client_name"], d["assignee_id"], d["created_by"]),
                         (due["id"], "Paruošti pasiūlymą", due["due_at"], client["id"],
                          client["name"], self.ids["manager"], self.ids["head"]))
        self.assertIn("Paruošti pasiūlymą", got[0]["text"])
        self.assertEqual(self.about("head", "task_due", due["id"]), [])
        self.assertEqual(self.about("manager", "task_overdue", due["id"]), [])

        # A day late: the assignee and the head who gave it, once each; seen late, it is
        # not also told as merely due.
        for role in ("manager", "head"):
            got = self.about(role, "task_overdue", overdue["id"])
            self.assertEqual(len(got), 1, f"{role}: {got}")
            self.assertEqual(got[0]["data"]["assignee_name"], "Tomas Žukauskas")
            self.assertIsNone(got[0]["data"]["client_id"])
        self.assertEqual(self.about("manager", "task_due", overdue["id"]), [])
        for role in ("manager2", "director", "retail"):
            self.assertEqual(self.about(role, "task_overdue", overdue["id"]), [], role)
        for t in (future, done):
            for kind in ("task_due", "task_overdue"):
                self.assertEqual(self.about("manager", kind, t["id"]), [], (t, kind))

    def test_f_unread_count_mark_read_and_read_all(self):
        for _ in range(3):
            self.call_back(self.client_of("manager"))
        self.run_job()
        items = self.notes("manager")
        unread = [n for n in items if n["read_at"] is None]
        self.assertGreaterEqual(len(unread), 3)
        self.assertEqual(self.unread("manager"), len(unread))
        r = self.call("GET", "/api/v1/notifications?unread=1&limit=200", role="manager")
        self.assertEqual([n["id"] for n in r.json()["items"]], [n["id"] for n in unread])
        self.assertEqual([n["id"] for n in items], sorted((n["id"] for n in items),
                                                          reverse=True), "newest first")

        # Someone else cannot mark mine read: 404, and it stays unread.
        mine = unread[0]
        for role in ("manager2", "head", "admin"):
            r = self.call("POST", f"/api/v1/notifications/{mine['id']}/read", role=role)
            self.assertEqual(r.status, 404, r.describe())
        self.assertEqual(self.unread("manager"), len(unread))

        r = self.call("POST", f"/api/v1/notifications/{mine['id']}/read", role="manager")
        self.assertEqual(r.status, 204, r.describe())
        self.assertEqual(self.unread("manager"), len(unread) - 1)
        read = [n for n in self.notes("manager") if n["id"] == mine["id"]][0]
        self.assertIsNotNone(read["read_at"])

        # All read up to an id: newer ones stay unread.
        oldest_left = unread[-1]
        r = self.call("POST", "/api/v1/notifications/read-all",
                      {"up_to_id": oldest_left["id"]}, role="manager")
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.json(), {"marked": 1, "unread": len(unread) - 2})
        r = self.call("POST", "/api/v1/notifications/read-all", role="manager")
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.json(), {"marked": len(unread) - 2, "unread": 0})
        self.assertEqual(self.unread("manager"), 0)
        self.assertTrue(all(n["read_at"] for n in self.notes("manager")))
        # Others' notifications are untouched.
        self.assertGreater(self.unread("head"), 0)

        r = self.call("POST", "/api/v1/notifications/read-all", {"up_to_id": "x"},
                      role="manager")
        self.assertProblem(r, 400, field="up_to_id")
        r = self.call("POST", "/api/v1/notifications/read-all", {"all": True}, role="manager")
        self.assertProblem(r, 400, field="all")

    def test_g_texts_follow_the_readers_language(self):
        act = self.call_back(self.client_of("manager"))
        self.run_job()
        texts = {}
        try:
            for lang in ("en", "ru", "lt"):
                r = self.call("PATCH", "/api/v1/me", {"lang": lang}, role="manager")
                self.assertEqual(r.status, 200, r.describe())
                r = self.call("GET", "/api/v1/notifications?limit=200", role="manager")
                n = [x for x in r.json()["items"] if x["entity_id"] == act["id"]
                     and x["kind"] == "call_back_due"][0]
                texts[lang] = n["text"]
        finally:
            self.call("PATCH", "/api/v1/me", {"lang": "lt"}, role="manager")
        self.assertTrue(texts["en"].startswith("Call back: "), texts)
        self.assertTrue(texts["lt"].startswith("Perskambinti: "), texts)
        self.assertEqual(len(set(texts.values())), 3, texts)

    def test_i_when_morning_comes_the_summary_counts_only_clients_not_contacted(self):
        """vadybininkas2 moves to where it is day: the next run makes his summary, and a
        client he contacted meanwhile is not counted."""
        self.assertEqual(self.notes("manager2", "monthly_overdue"), [])
        contacted = self.client_of("manager2")
        self.log(contacted, role="manager2", type="visit", outcome="reached")
        r = self.call("PATCH", "/api/v1/me", {"tz": self.tz}, role="manager2")
        self.assertEqual(r.status, 200, r.describe())
        self.run_job(times=2)
        clients = [c for c in self.list_clients("manager2")
                   if c["status"] in ("prospect", "active")]
        left = self.overdue(clients)
        self.assertNotIn(contacted["id"], [c["id"] for c in left])
        self.assertLess(len(left), len(clients))
        got = self.notes("manager2", "monthly_overdue")
        self.assertEqual([n["data"] for n in got], [{"count": len(left), "date": self.local_day}])

    def test_j_notifications_read_more_than_90_days_ago_are_deleted(self):
        now = int(time.time())
        day = 86400
        con = sqlite3.connect(self.db, timeout=30)
        try:
            ids = {}
            for name, created, read in (("read_91_days_ago", now - 120 * day, now - 91 * day),
                                        ("read_89_days_ago", now - 120 * day, now - 89 * day),
                                        ("unread_200_days", now - 200 * day, None)):
                ids[name] = con.execute(
                    "INSERT INTO notifications (user_id, kind, entity, entity_id, data, "
                    "created_at, read_at) VALUES (?, 'client_issued', 'client', 1, '{}', ?, ?)",
                    (self.ids["manager2"], created, read)).lastrowid
            # someone else's, read long ago: deleted as well
            ids["others_read_long_ago"] = con.execute(
                "INSERT INTO notifications (user_id, kind, entity, entity_id, data, created_at, "
                "read_at) VALUES (?, 'client_issued', 'client', 1, '{}', ?, ?)",
                (self.ids["head"], now - 400 * day, now - 300 * day)).lastrowid
            con.commit()
        finally:
            con.close()
        before = {n["id"] for n in self.notes("manager2")}
        self.assertTrue({ids["read_91_days_ago"], ids["read_89_days_ago"],
                         ids["unread_200_days"]} <= before)
        self.run_job()
        after = {n["id"] for n in self.notes("manager2")}
        self.assertNotIn(ids["read_91_days_ago"], after)
        self.assertIn(ids["read_89_days_ago"], after)
        self.assertIn(ids["unread_200_days"], after, "an unread notification was deleted")
        self.assertNotIn(ids["others_read_long_ago"], {n["id"] for n in self.notes("head")})
        self.assertEqual(after, before - {ids["read_91_days_ago"]})
        runs, _, status, _ = self.job_row()
        self.assertEqual(status, "ok")

    def test_h_the_jobs_view_lists_the_job(self):
        r = self.call("GET", "/api/v1/jobs", role="admin")
        self.assertEqual(r.status, 200, r.describe())
        jobs = {j["kind"]: j for j in r.json()["items"]}
        self.assertIn("reminders", jobs)
        self.assertEqual(jobs["reminders"]["interval_s"], 60)
        self.assertEqual(jobs["reminders"]["last_status"], "ok")


class TwoServersOnePostgres(harness.Case):
    """Two servers on one PostgreSQL database, the job made to run again and again:
    every call-back and task is told once."""

    @classmethod
    def setUpClass(cls):
        if not shutil.which("psql"):
            raise unittest.SkipTest("psql is not installed")
        cls.dir = harness.tmpdir(cls.__name__)
        cls.servers = []
        cls.pgdir, cls.url = harness.pg_start()
        try:
            harness.cli_ok("demo", "--db", cls.url)
            cls.tokens = {}
            for role in ("manager", "head"):
                cls.tokens[role] = harness.cli_ok(
                    "token", "create", "--db", cls.url, "--login", harness.ROLE_LOGINS[role],
                    "--name", "pg").stdout.strip()
            for i in range(2):
                d = os.path.join(cls.dir, f"s{i}")
                os.makedirs(d)
                cls.servers.append(harness.PgServer(
                    cls.url, d, env={"KLIENTAS_JOBS_TICK_MS": "20"}).start())
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for s in cls.servers:
            s.stop()
        harness.pg_stop(cls.pgdir)

    def psql(self, sql):
        p = subprocess.run(["psql", "-X", "-q", "-t", "-A", "-d", self.url, "-c", sql],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout.strip()

    def test_each_reminder_is_told_once(self):
        m = harness.Bearer(self.tokens["manager"])
        h = harness.Bearer(self.tokens["head"])
        s0, s1 = self.servers
        me = s0.get("/api/v1/me", auth=m).json()["id"]
        clients = s0.get(f"/api/v1/clients?owner_id={me}&limit=20", auth=m).json()["items"]
        now = time.time()
        acts = []
        for i, c in enumerate(clients[:10]):
            r = (s0 if i % 2 else s1).req(
                "POST", "/api/v1/activities",
                {"client_id": c["id"], "type": "call", "outcome": "call_back",
                 "at": iso(now - 120), "callback_at": iso(now - 60)}, auth=m)
            self.assertEqual(r.status, 201, r.describe())
            acts.append(r.json()["id"])
        r = s1.req("POST", "/api/v1/tasks", {"assignee_id": me, "title": "PG užduotis",
                                             "due_at": iso(now - 2 * 86400)}, auth=h)
        self.assertEqual(r.status, 201, r.describe())
        task = r.json()["id"]
        runs = int(self.psql("SELECT runs FROM jobs WHERE kind = 'reminders'"))
        for _ in range(6):
            self.psql("UPDATE jobs SET next_run_at = 0 WHERE kind = 'reminders'")
            time.sleep(0.3)
        deadline = time.monotonic() + 30 * SLOW
        while time.monotonic() < deadline:
            if int(self.psql("SELECT runs FROM jobs WHERE kind = 'reminders' AND locked_by "
                             "IS NULL") or 0) >= runs + 3:
                break
            time.sleep(0.2)
        self.assertEqual(self.psql("SELECT last_status FROM jobs WHERE kind = 'reminders'"),
                         "ok", self.psql("SELECT last_error FROM jobs WHERE kind = 'reminders'"))
        items = s1.get("/api/v1/notifications?limit=200", auth=m).json()["items"]
        for a in acts:
            got = [n for n in items if n["kind"] == "call_back_due" and n["entity_id"] == a]
            self.assertEqual(len(got), 1, f"activity {a}: {got}")
        for role, auth in (("manager", m), ("head", h)):
            items = s0.get("/api/v1/notifications?limit=200", auth=auth).json()["items"]
            got = [n for n in items if n["kind"] == "task_overdue" and n["entity_id"] == task]
            self.assertEqual(len(got), 1, f"{role}: {got}")


if __name__ == "__main__":
    unittest.main()
