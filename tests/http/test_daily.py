# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_daily.py - the manager's day over HTTP (issue 4, docs/daily.md).

Activities: validation that names the field and writes nothing, 404 for a client the
caller does not work, correction by the author for 24 hours and then only by a head.
Quotas: counts follow the logged activities (outgoing calls only, offers by phone as
distinct clients, the monthly contact of the user's live clients by anyone); days and
months are the user's, across midnight, time zones, summer-time changes and month and
year ends (Europe/Vilnius against America/New_York, the expectations computed with
Python's zoneinfo); day targets are 0 on weekends and Lithuanian public holidays, and an
admin's override of a day changes that. The Today list: reasons and their weights, a
logged activity takes the client off, call-backs and tasks due, a head sees a manager's
list and a manager does not see another's; the head's team view.
"""

import sqlite3
import time
import urllib.parse
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import harness

VILNIUS = "Europe/Vilnius"
NEW_YORK = "America/New_York"
WEIGHTS = {"call_back": 100, "task_overdue": 90, "task_due": 80, "negotiate_soon": 70,
           "birthday": 60, "professional_holiday": 60, "monthly_overdue": 50,
           "prospect_not_called": 40, "monthly_due": 30}
LT_FIXED_HOLIDAYS = {(1, 1), (2, 16), (3, 11), (5, 1), (6, 24), (7, 6), (8, 15), (11, 1),
                     (11, 2), (12, 24), (12, 25), (12, 26)}


def iso(t):
    """A Unix time or an aware datetime as the API's ISO 8601 UTC."""
    if isinstance(t, datetime):
        t = t.timestamp()
    return datetime.fromtimestamp(int(t), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_noon(day, tz=VILNIUS, hour=12):
    """ISO of a local hour of a day (a date or YYYY-MM-DD) in tz."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return iso(datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(tz)))


EASTER = {2025: date(2025, 4, 20), 2026: date(2026, 4, 5), 2027: date(2027, 3, 28)}


def lt_working(d):
    """The working calendar's rule, written independently of the server's."""
    e = EASTER[d.year]
    return d.weekday() < 5 and (d.month, d.day) not in LT_FIXED_HOLIDAYS and d not in (
        e, e + timedelta(days=1))


def month_working_days(y, m):
    d, n = date(y, m, 1), 0
    while d.month == m:
        n += lt_working(d)
        d += timedelta(days=1)
    return n


class DailyCase(harness.ServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        url = getattr(cls, "db_url", None) or "sqlite:" + cls.db
        for key, login in (("manager2", "vadybininkas2"), ("retail", "vadybininke3")):
            cls.tokens[key] = harness.cli_ok(
                "token", "create", "--db", url, "--login", login, "--name",
                "daily-tests").stdout.strip()
        cls.ids = {}
        for role in ("manager", "manager2", "retail", "head", "director", "admin"):
            r = harness.request(cls.port, "GET", "/api/v1/me", auth=cls.bearer(role))
            cls.ids[role] = r.json()["id"]

    # ---- helpers ----

    def client(self, role="manager", **body):
        body.setdefault("name", f"Dienos klientas {time.monotonic_ns()}")
        if role == "head":
            body.setdefault("owner_id", self.ids["manager"])
        r = self.call("POST", "/api/v1/clients", body, role=role)
        self.assertEqual(r.status, 201, r.describe())
        return r.json()["id"]

    def log(self, role="manager", status=201, **body):
        body.setdefault("type", "call")
        r = self.call("POST", "/api/v1/activities", body, role=role)
        self.assertEqual(r.status, status, r.describe())
        return r

    def progress(self, role="manager", date=None, user_id=None):
        params = {}
        if date:
            params["date"] = str(date)
        if user_id:
            params["user_id"] = user_id
        path = "/api/v1/quotas/progress" + ("?" + urllib.parse.urlencode(params) if params else "")
        r = self.call("GET", path, role=role)
        self.assertEqual(r.status, 200, r.describe())
        return r.json()

    def today(self, role="manager", user_id=None):
        r = self.call("GET", "/api/v1/today" + (f"?user_id={user_id}" if user_id else ""),
                      role=role)
        self.assertEqual(r.status, 200, r.describe())
        return r.json()

    def item(self, today, client_id):
        found = [i for i in today["items"] if i["client_id"] == client_id]
        self.assertLessEqual(len(found), 1, today)
        return found[0] if found else None

    def activities_of(self, client_id, role="manager"):
        r = self.call("GET", f"/api/v1/activities?client_id={client_id}&limit=200", role=role)
        self.assertEqual(r.status, 200, r.describe())
        return r.json()["items"]

    @staticmethod
    def counts(p, part):
        return {k: v["done"] for k, v in p[part].items()}

    @staticmethod
    def targets(p, part):
        return {k: v["target"] for k, v in p[part].items()}


class Activities(DailyCase):
    def test_bad_activities_answer_400_or_404_naming_the_field_and_write_nothing(self):
        mine = self.client()
        other = self.client(role="manager2")
        c2 = self.client()
        r = self.call("POST", f"/api/v1/clients/{c2}/contacts", {"name": "Svetimas Kontaktas"},
                      role="manager")
        foreign_contact = r.json()["id"]
        now = int(time.time())
        cases = [
            ("type", 400, {"client_id": mine, "type": "fax"}),
            ("type", 400, {"client_id": mine, "type": None}),
            ("direction", 400, {"client_id": mine, "direction": "sideways"}),
            ("reason", 400, {"client_id": mine, "direction": "in"}),
            ("reason", 400, {"client_id": mine, "type": "email", "direction": "in"}),
            ("reason", 400, {"client_id": mine, "direction": "in", "reason": "gossip"}),
            ("outcome", 400, {"client_id": mine, "outcome": "maybe"}),
            ("callback_at", 400, {"client_id": mine, "outcome": "call_back"}),
            ("at", 400, {"client_id": mine, "at": "vakar"}),
            ("at", 400, {"client_id": mine, "at": iso(now + 3 * 86400)}),
            ("duration_s", 400, {"client_id": mine, "duration_s": -5}),
            ("contact_id", 400, {"client_id": mine, "contact_id": foreign_contact}),
            ("user_id", 400, {"client_id": mine, "user_id": self.ids["manager2"]}),
            ("colour", 400, {"client_id": mine, "colour": "red"}),
            ("client_id", 400, {}),
            ("client_id", 404, {"client_id": other}),
            ("client_id", 404, {"client_id": 99999999}),
        ]
        for field, status, body in cases:
            body = dict(body)
            if "type" not in body:
                body["type"] = "call"
            elif body["type"] is None:
                del body["type"]
            with self.subTest(field=field, body=body):
                r = self.call("POST", "/api/v1/activities", body, role="manager")
                self.assertProblem(r, status, field=field)
        self.assertEqual(self.activities_of(mine), [], "a refused activity was written")
        self.assertEqual(self.activities_of(other, role="manager2"), [])
        self.assertProblem(self.call("POST", "/api/v1/activities",
                                     {"client_id": mine, "type": "call"}, role="logistics"), 403)
        # The same inbound call with a reason from the list is logged, as the caller's.
        reason = self.call("GET", "/api/v1/activity-reasons", role="manager").json()["items"][0]
        x = self.log(client_id=mine, direction="in", reason=reason["code"],
                     outcome="reached", duration_s=95).json()
        self.assertEqual((x["user_id"], x["direction"], x["reason"], x["duration_s"]),
                         (self.ids["manager"], "in", reason["code"], 95))
        self.assertEqual([a["id"] for a in self.activities_of(mine)], [x["id"]])

    def test_correction_by_the_author_for_24_hours_then_only_by_a_head(self):
        cid = self.client()
        r = self.log(client_id=cid, outcome="reached", notes="pirmas")
        x = r.json()
        path = f"/api/v1/activities/{x['id']}"
        self.assertProblem(self.call("PATCH", path, {"notes": "be If-Match"}, role="manager"),
                           428)
        r = self.call("PATCH", path, {"notes": "autorius"}, role="manager",
                      headers={"If-Match": r.header("ETag")})
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual((r.json()["notes"], r.json()["version"]), ("autorius", 2))
        self.assertProblem(self.call("PATCH", path, {"notes": "pasenęs"}, role="manager",
                                     headers={"If-Match": '"1"'}), 412)
        r = self.call("PATCH", path, {"notes": "kitas vadybininkas"}, role="manager2",
                      headers={"If-Match": '"2"'})
        self.assertIn(r.status, (403, 404), r.describe())
        r = self.call("PATCH", path, {"notes": "vadovas"}, role="head",
                      headers={"If-Match": '"2"'})
        self.assertEqual(r.status, 200, r.describe())
        # A day later the author may no longer correct it; the head still may.
        con = sqlite3.connect(self.db, timeout=30)
        try:
            con.execute("UPDATE activities SET created_at = created_at - 90000 WHERE id = ?",
                        (x["id"],))
            con.commit()
        finally:
            con.close()
        r = self.call("PATCH", path, {"notes": "per vėlai"}, role="manager",
                      headers={"If-Match": '"3"'})
        self.assertProblem(r, 403)
        r = self.call("PATCH", path, {"outcome": "interested"}, role="head",
                      headers={"If-Match": '"3"'})
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual((r.json()["outcome"], r.json()["notes"]), ("interested", "vadovas"))
        hist = self.call("GET", f"/api/v1/clients/{cid}/history", role="head").json()["items"]
        corr = [h for h in hist if h["entity"] == "activity" and h["action"] == "update"]
        self.assertEqual([h["user_id"] for h in corr],
                         [self.ids["head"], self.ids["head"], self.ids["manager"]])
        self.assertIn({"field": "outcome", "from": "reached", "to": "interested"},
                      corr[0]["changes"])
        # Deleting is a correction too; the activity leaves the log.
        r = self.call("PATCH", path, {"deleted": True}, role="head", headers={"If-Match": '"4"'})
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(self.activities_of(cid), [])


class Quotas(DailyCase):
    def test_counts_follow_the_logged_activities(self):
        day, before_day = "2026-11-24", "2026-11-23"  # a Tuesday and the Monday before it
        base0 = self.progress(date=day)
        a, b, c, e = (self.client() for _ in range(4))
        lost = self.client(status="lost")
        base = self.progress(date=day)
        self.assertEqual(self.targets(base, "month")["monthly_contact"],
                         self.targets(base0, "month")["monthly_contact"] + 4,
                         "new live clients widen the monthly contact; a lost one does not")
        head_base = self.progress(role="head", date=day)
        at = local_noon(day)
        for _ in range(3):
            self.log(client_id=a, at=at, outcome="reached")
        self.log(client_id=a, at=at, direction="in", reason="order")  # inbound: not counted
        self.log(client_id=b, at=local_noon(before_day), outcome="no_answer")  # the day before
        for _ in range(2):
            self.log(client_id=b, type="offer_email", at=at, outcome="sent")
        self.log(client_id=a, type="offer_phone", at=at)
        self.log(client_id=a, type="offer_phone", at=at)
        self.log(client_id=b, type="offer_phone", at=at)
        self.log(client_id=c, type="offer_phone", at=local_noon(before_day))
        self.log(client_id=lost, type="note", at=at)
        self.log(client_id=e, type="meeting", at=at)
        # The head calls one of the manager's clients: it is contacted, but not his call.
        self.log(role="head", client_id=e, at=at)
        after = self.progress(date=day)
        d = {k: after["day"][k]["done"] - base["day"][k]["done"] for k in after["day"]}
        m = {k: after["month"][k]["done"] - base["month"][k]["done"] for k in after["month"]}
        # The day's monthly contact: clients first touched this month on that day (a and
        # e; b was called the day before, c only then, the lost client does not count).
        self.assertEqual(d, {"calls": 3, "offers_email": 2, "offers_phone": 2,
                             "new_contracts": 0, "monthly_contact": 2})
        self.assertEqual(m, {"calls": 4, "offers_email": 2, "offers_phone": 3,
                             "new_contracts": 0, "monthly_contact": 4})
        head_after = self.progress(role="head", date=day)
        self.assertEqual(head_after["day"]["calls"]["done"] - head_base["day"]["calls"]["done"], 1)
        # A deleted activity no longer counts.
        x = [y for y in self.activities_of(a) if y["type"] == "call" and y["direction"] == "out"]
        r = self.call("PATCH", f"/api/v1/activities/{x[0]['id']}", {"deleted": True},
                      role="manager", headers={"If-Match": f'"{x[0]["version"]}"'})
        self.assertEqual(r.status, 200, r.describe())
        again = self.progress(date=day)
        self.assertEqual(again["day"]["calls"]["done"], after["day"]["calls"]["done"] - 1)
        self.assertEqual(again["month"]["calls"]["done"], after["month"]["calls"]["done"] - 1)

    def test_days_and_months_follow_the_users_time_zone(self):
        r = self.call("PATCH", "/api/v1/me", {"tz": NEW_YORK}, role="manager2")
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.json()["tz"], NEW_YORK)
        self.assertProblem(self.call("PATCH", "/api/v1/me", {"tz": "Mars/Olympus"},
                                     role="manager2"), 400, field="tz")
        users = {"manager": VILNIUS, "manager2": NEW_YORK}
        times = [
            "2026-09-30T20:30:00Z",  # Vilnius 23:30 Sep 30; New York 16:30 Sep 30
            "2026-09-30T22:30:00Z",  # Vilnius 01:30 Oct 1 (next month); New York 18:30 Sep 30
            "2026-10-01T03:30:00Z",  # Vilnius 06:30 Oct 1; New York 23:30 Sep 30
            "2026-10-01T04:30:00Z",  # Vilnius 07:30 Oct 1; New York 00:30 Oct 1
            "2026-10-25T21:30:00Z",  # Vilnius 23:30 Oct 25 (a 25-hour day, back to +2)
            "2026-03-29T21:30:00Z",  # Vilnius 00:30 Mar 30 (the day after a 23-hour day)
            "2026-11-02T04:30:00Z",  # New York 23:30 Nov 1 (back to -5 on Nov 1)
            "2025-12-31T22:30:00Z",  # Vilnius 00:30 Jan 1 2026; New York 17:30 Dec 31 2025
        ]
        days = sorted({datetime.fromisoformat(t.replace("Z", "+00:00")).astimezone(
            ZoneInfo(tz)).date() + timedelta(days=k)
            for t in times for tz in users.values() for k in (-1, 0, 1)})
        clients = {role: self.client(role=role) for role in users}
        base = {(role, d): self.progress(role=role, date=d) for role in users for d in days}
        for role in users:
            for t in times:
                self.log(role=role, client_id=clients[role], at=t, outcome="reached")

        def local(t, tz):
            return datetime.fromisoformat(t.replace("Z", "+00:00")).astimezone(ZoneInfo(tz))

        for role, tz in users.items():
            for d in days:
                with self.subTest(user=role, tz=tz, day=str(d)):
                    p = self.progress(role=role, date=d)
                    self.assertEqual((p["date"], p["tz"]), (str(d), tz))
                    want_day = sum(local(t, tz).date() == d for t in times)
                    want_month = sum((local(t, tz).year, local(t, tz).month) == (d.year, d.month)
                                     for t in times)
                    got_day = p["day"]["calls"]["done"] - base[(role, d)]["day"]["calls"]["done"]
                    got_month = (p["month"]["calls"]["done"]
                                 - base[(role, d)]["month"]["calls"]["done"])
                    self.assertEqual((got_day, got_month), (want_day, want_month))
        # What the issue says in words, as a check of the oracle above.
        delta = {}
        for role, d in (("manager", "2026-10-01"), ("manager", "2026-09-30"),
                        ("manager2", "2026-09-30"), ("manager2", "2026-10-01")):
            p = self.progress(role=role, date=d)
            b = base[(role, date.fromisoformat(d))]
            delta[(role, d)] = (p["day"]["calls"]["done"] - b["day"]["calls"]["done"],
                                p["month"]["calls"]["done"] - b["month"]["calls"]["done"])
        # 22:30 UTC on 30 September is 1 October in Vilnius and still 30 September in New
        # York; October's month also holds the 25 October call of both.
        self.assertEqual(delta, {("manager", "2026-10-01"): (3, 4),
                                 ("manager", "2026-09-30"): (1, 1),
                                 ("manager2", "2026-09-30"): (3, 3),
                                 ("manager2", "2026-10-01"): (1, 2)})
        r = self.call("PATCH", "/api/v1/me", {"tz": VILNIUS}, role="manager2")
        self.assertEqual(r.status, 200, r.describe())

    def test_today_is_the_users_day(self):
        now = datetime.now(timezone.utc)
        # One of these two zones is on another date than UTC at any moment.
        tz = "Pacific/Kiritimati" if now.hour >= 11 else "Pacific/Pago_Pago"
        r = self.call("PATCH", "/api/v1/me", {"tz": tz}, role="retail")
        self.assertEqual(r.status, 200, r.describe())
        try:
            want = str(datetime.now(ZoneInfo(tz)).date())
            self.assertNotEqual(want, str(now.date()))
            self.assertEqual(self.progress(role="retail")["date"], want)
            self.assertEqual(self.today(role="retail")["date"], want)
            # The head asking for him gets the manager's day, not his own.
            p = self.progress(role="head", user_id=self.ids["retail"])
            self.assertEqual((p["date"], p["tz"]), (want, tz))
        finally:
            self.call("PATCH", "/api/v1/me", {"tz": VILNIUS}, role="retail")

    def test_day_targets_are_zero_on_days_off_and_follow_the_admins_calendar(self):
        working = self.progress(date="2026-11-25")  # a Wednesday
        self.assertTrue(working["working_day"])
        t = self.targets(working, "day")
        self.assertGreater(t["calls"], 0)
        self.assertGreater(t["offers_email"], 0)
        for d in ("2026-11-28", "2026-11-29", "2026-12-24", "2026-12-25", "2026-02-16",
                  "2026-04-06", "2026-11-02", "2026-03-11"):
            with self.subTest(day=d):
                p = self.progress(date=d)
                self.assertFalse(p["working_day"], d)
                tt = self.targets(p, "day")
                self.assertEqual((tt["calls"], tt["offers_email"], tt["offers_phone"],
                                  tt["monthly_contact"]), (0, 0, 0, 0), d)
        for y, mo in ((2026, 12), (2026, 11), (2026, 2), (2026, 4)):
            with self.subTest(month=f"{y}-{mo}"):
                p = self.progress(date=f"{y}-{mo:02d}-10")
                n = month_working_days(y, mo)
                self.assertEqual(p["working_days"]["month"], n)
                self.assertEqual(self.targets(p, "month")["calls"], t["calls"] * n)
        r = self.call("GET", "/api/v1/workdays?from=2026-12-20&to=2026-12-31", role="manager")
        self.assertEqual(r.status, 200, r.describe())
        cal = {x["day"]: x for x in r.json()["items"]}
        self.assertEqual(len(cal), 12)
        for d in range(20, 32):
            day = date(2026, 12, d)
            self.assertEqual(cal[str(day)]["working"], lt_working(day), str(day))
        for d in ("2026-12-24", "2026-12-25", "2026-12-26"):
            self.assertTrue(cal[d]["note"], cal[d])
        r = self.call("GET", "/api/v1/workdays?from=2026-04-01&to=2026-04-10", role="manager")
        easter_days = {x["day"]: x for x in r.json()["items"]}
        self.assertFalse(easter_days["2026-04-05"]["working"])
        self.assertFalse(easter_days["2026-04-06"]["working"])
        self.assertTrue(easter_days["2026-04-07"]["working"])
        # The admin's calendar wins over the rule, both ways, until he returns the day.
        self.assertProblem(self.call("PUT", "/api/v1/workdays/2026-12-24", {"working": True},
                                     role="head"), 403)
        try:
            for d, flag in (("2026-12-24", True), ("2026-11-28", True), ("2026-11-25", False)):
                r = self.admin("PUT", f"/api/v1/workdays/{d}",
                               {"working": flag, "note": "Administratoriaus sprendimas"})
                self.assertEqual(r.status, 200, r.describe())
                self.assertEqual((r.json()["working"], r.json()["note"]),
                                 (flag, "Administratoriaus sprendimas"))
                p = self.progress(date=d)
                self.assertEqual(p["working_day"], flag, d)
                self.assertEqual(self.targets(p, "day")["calls"], t["calls"] if flag else 0, d)
            dec = self.progress(date="2026-12-10")
            self.assertEqual(dec["working_days"]["month"], month_working_days(2026, 12) + 1)
            nov = self.progress(date="2026-11-10")
            self.assertEqual(nov["working_days"]["month"], month_working_days(2026, 11))
            r = self.call("GET", "/api/v1/workdays?from=2026-12-24&to=2026-12-24",
                          role="manager")
            self.assertEqual(r.json()["items"][0]["working"], True)
        finally:
            for d in ("2026-12-24", "2026-11-28", "2026-11-25"):
                r = self.admin("DELETE", f"/api/v1/workdays/{d}")
                self.assertEqual(r.status, 204, r.describe())
        self.assertEqual(self.targets(self.progress(date="2026-12-24"), "day")["calls"], 0)
        self.assertEqual(self.targets(self.progress(date="2026-11-25"), "day")["calls"],
                         t["calls"])

    def test_progress_of_another_user_for_his_head_only(self):
        m = self.ids["manager"]
        for role in ("head", "director", "admin"):
            p = self.progress(role=role, user_id=m, date="2026-11-24")
            self.assertEqual(p["user_id"], m)
        self.assertProblem(self.call("GET", f"/api/v1/quotas/progress?user_id={m}",
                                     role="manager2"), 403)
        self.assertProblem(self.call("GET", "/api/v1/quotas/progress?date=2026-13-01",
                                     role="manager"), 400, field="date")


class TodayAndTasks(DailyCase):
    def test_items_carry_reasons_and_a_logged_activity_takes_the_client_off(self):
        cid = self.client(name="Šiandienos kandidatas")
        t = self.today()
        self.assertEqual(t["user_id"], self.ids["manager"])
        self.assertEqual(t["date"], str(datetime.now(ZoneInfo(VILNIUS)).date()))
        self.assertGreater(len(t["items"]), 10)
        for it in t["items"]:
            codes = [x["code"] for x in it["reasons"]]
            self.assertTrue(codes, it)
            self.assertTrue(set(codes) <= set(WEIGHTS), it)
            self.assertEqual(it["priority"], max(WEIGHTS[c] for c in codes), it)
        prios = [it["priority"] for it in t["items"]]
        self.assertEqual(prios, sorted(prios, reverse=True))
        mine = self.item(t, cid)
        self.assertIsNotNone(mine, "a new prospect nobody has called is not on the list")
        self.assertIn("prospect_not_called", [x["code"] for x in mine["reasons"]])
        # Another manager's clients are not on his list.
        owners = self.call("GET", "/api/v1/clients?owner_id=%d&limit=200" % self.ids["manager2"],
                           role="head").json()["items"]
        self.assertFalse({c["id"] for c in owners} & {i["client_id"] for i in t["items"]})
        self.log(client_id=cid, outcome="reached")
        t2 = self.today()
        self.assertIsNone(self.item(t2, cid), "the client called today stays on the list")
        self.assertEqual(len(t2["items"]), len(t["items"]) - 1)

    def test_corrections_deletions_and_merges_keep_the_last_contact_true(self):
        # The client row carries its last contact, "ever called" and pending call-back
        # (kept by the store with every activity write): the list and the counts must follow
        # a correction, a deletion, a change of type and a merge as if read afresh.
        now = int(time.time())
        today = datetime.now(ZoneInfo(VILNIUS)).date()
        last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=10)
        cid = self.client(name="Taisomas kontaktas")
        self.assertIsNone(self.call("GET", f"/api/v1/clients/{cid}", role="manager").json()["last_contact_at"])
        p0 = self.progress()
        x = self.log(client_id=cid, outcome="reached", at=iso(now - 60)).json()
        card = self.call("GET", f"/api/v1/clients/{cid}", role="manager").json()
        self.assertEqual(card["last_contact_at"], iso(now - 60))
        self.assertIsNone(self.item(self.today(), cid), "called today, still on the list")
        p1 = self.progress()
        self.assertEqual(p1["day"]["calls"]["done"], p0["day"]["calls"]["done"] + 1)
        self.assertEqual(p1["month"]["monthly_contact"]["done"],
                         p0["month"]["monthly_contact"]["done"] + 1)
        # Moved back to last month: the client is due again, the counts drop.
        r = self.call("PATCH", f"/api/v1/activities/{x['id']}", {"at": local_noon(last_month)},
                      role="manager", headers={"If-Match": f'"{x["version"]}"'})
        self.assertEqual(r.status, 200, r.describe())
        it = self.item(self.today(), cid)
        self.assertIsNotNone(it, "an activity moved to last month still counts as today's")
        self.assertEqual([r["code"] for r in it["reasons"]], ["monthly_due"])
        self.assertEqual(it["last_contact_at"], local_noon(last_month))
        p2 = self.progress()
        self.assertEqual(p2["day"]["calls"]["done"], p0["day"]["calls"]["done"])
        self.assertEqual(p2["month"]["monthly_contact"]["done"],
                         p0["month"]["monthly_contact"]["done"])
        # A call turned into a note: the prospect counts as never called again.
        r = self.call("PATCH", f"/api/v1/activities/{x['id']}", {"type": "note"},
                      role="manager", headers={"If-Match": '"2"'})
        self.assertEqual(r.status, 200, r.describe())
        codes = [r["code"] for r in self.item(self.today(), cid)["reasons"]]
        self.assertEqual(codes, ["monthly_due", "prospect_not_called"])
        # Deleted: never contacted.
        r = self.call("PATCH", f"/api/v1/activities/{x['id']}", {"deleted": True},
                      role="manager", headers={"If-Match": '"3"'})
        self.assertEqual(r.status, 200, r.describe())
        it = self.item(self.today(), cid)
        self.assertEqual([r["code"] for r in it["reasons"]],
                         ["monthly_overdue", "prospect_not_called"])
        self.assertIsNone(it["last_contact_at"])
        self.assertIsNone(self.call("GET", f"/api/v1/clients/{cid}", role="manager").json()["last_contact_at"])
        # A call-back stays pending until a later activity, and a deleted follow-up brings
        # it back.
        cb = self.log(client_id=cid, outcome="call_back", at=iso(now - 300),
                      callback_at=iso(now - 30)).json()
        y = self.log(client_id=cid, type="email", outcome="sent", at=iso(now - 200)).json()
        self.assertIsNone(self.item(self.today(), cid))
        r = self.call("PATCH", f"/api/v1/activities/{y['id']}", {"deleted": True},
                      role="manager", headers={"If-Match": '"1"'})
        self.assertEqual(r.status, 200, r.describe())
        it = self.item(self.today(), cid)
        self.assertEqual([(r["code"], r.get("activity_id")) for r in it["reasons"]],
                         [("call_back", cb["id"])])
        # Merged into a client nobody has contacted: the survivor has the call-back and
        # the last contact of the merged one.
        into = self.client(name="Sujungimo tikslas")
        self.assertIn("prospect_not_called",
                      [r["code"] for r in self.item(self.today(), into)["reasons"]])
        r = self.call("POST", f"/api/v1/clients/{into}/merge", {"from_id": cid}, role="head")
        self.assertEqual(r.status, 200, r.describe())
        it = self.item(self.today(), into)
        self.assertEqual([(r["code"], r.get("activity_id")) for r in it["reasons"]],
                         [("call_back", cb["id"])])
        self.assertEqual(it["last_contact_at"], iso(now - 300))
        self.assertIsNone(self.item(self.today(), cid), "the merged client is still listed")

    def test_the_list_names_whom_to_call(self):
        # The decision maker first, else the oldest contact; a call-back's own contact
        # wins over both; the number is that person's first phone.
        cid = self.client(name="Kam skambinti")
        made = []
        for name, dm, phone in (("Pirmas Kontaktas", False, "+37061100001"),
                                ("Antras Kontaktas", False, "+37061100002"),
                                ("Sprendėjas Vadovas", True, "+37061100003")):
            r = self.call("POST", f"/api/v1/clients/{cid}/contacts",
                          {"name": name, "decision_maker": dm, "phones": [phone]},
                          role="manager")
            self.assertEqual(r.status, 201, r.describe())
            made.append(r.json())
        it = self.item(self.today(), cid)
        self.assertEqual((it["contact_id"], it["contact_name"], it["phone"]),
                         (made[2]["id"], "Sprendėjas Vadovas", "+37061100003"))
        r = self.call("PATCH", f"/api/v1/contacts/{made[2]['id']}", {"decision_maker": False},
                      role="manager", headers={"If-Match": f'"{made[2]["version"]}"'})
        self.assertEqual(r.status, 200, r.describe())
        it = self.item(self.today(), cid)
        self.assertEqual((it["contact_id"], it["phone"]), (made[0]["id"], "+37061100001"))
        now = int(time.time())
        self.log(client_id=cid, contact_id=made[1]["id"], outcome="call_back",
                 at=iso(now - 120), callback_at=iso(now - 60))
        it = self.item(self.today(), cid)
        self.assertEqual((it["contact_id"], it["contact_name"], it["phone"]),
                         (made[1]["id"], "Antras Kontaktas", "+37061100002"))

    def test_a_call_back_due_today_is_on_the_list_until_followed(self):
        now = int(time.time())
        due = self.client(name="Perskambinti šiandien")
        later = self.client(name="Perskambinti poryt")
        x = self.log(client_id=due, outcome="call_back", at=iso(now - 120),
                     callback_at=iso(now - 60)).json()
        self.log(client_id=later, outcome="call_back", at=iso(now - 120),
                 callback_at=iso(now + 2 * 86400))
        t = self.today()
        it = self.item(t, due)
        self.assertIsNotNone(it, "a call-back due today is not on the list")
        cb = [r for r in it["reasons"] if r["code"] == "call_back"]
        self.assertEqual([r["activity_id"] for r in cb], [x["id"]])
        self.assertEqual(it["priority"], 100)
        self.assertEqual(t["items"][0]["priority"], 100)
        self.assertIsNone(self.item(t, later), "a call-back due later is on today's list")
        self.log(client_id=due, outcome="reached")
        self.assertIsNone(self.item(self.today(), due), "a followed call-back stays")

    def test_a_call_back_someone_else_promised_is_on_the_owners_list(self):
        # The head calls one of the manager's clients and promises a call-back for today:
        # the client is the manager's, so the promise is on the manager's list.
        now = int(time.time())
        cid = self.client(name="Vadovo pažadas perskambinti")
        x = self.log(role="head", client_id=cid, outcome="call_back", at=iso(now - 120),
                     callback_at=iso(now - 60)).json()
        for who, t in (("the manager", self.today()),
                       ("the head looking at the manager's list",
                        self.today(role="head", user_id=self.ids["manager"]))):
            it = self.item(t, cid)
            self.assertIsNotNone(it, f"{who}: the promised call-back is on nobody's list")
            self.assertEqual([r.get("activity_id") for r in it["reasons"]
                              if r["code"] == "call_back"], [x["id"]], who)

    def test_a_task_from_the_head_shows_on_the_list_until_done(self):
        now = int(time.time())
        cid = self.client(name="Užduoties klientas")
        r = self.call("POST", "/api/v1/tasks",
                      {"assignee_id": self.ids["manager"], "client_id": cid,
                       "title": "Aptarti sutartį", "due_at": iso(now - 30)}, role="head")
        self.assertEqual(r.status, 201, r.describe())
        task = r.json()
        r = self.call("POST", "/api/v1/tasks",
                      {"assignee_id": self.ids["manager"], "title": "Paruošti ataskaitą",
                       "due_at": iso(now - 3 * 86400)}, role="head")
        self.assertEqual(r.status, 201, r.describe())
        loose = r.json()
        r = self.call("POST", "/api/v1/tasks",
                      {"assignee_id": self.ids["manager"], "client_id": cid,
                       "title": "Vėliau", "due_at": iso(now + 5 * 86400)}, role="head")
        self.assertEqual(r.status, 201, r.describe())
        later = r.json()
        # The call that touches the client today does not take the task off.
        self.log(client_id=cid, outcome="reached")
        t = self.today()
        it = self.item(t, cid)
        self.assertIsNotNone(it, "a task due today is not on the assignee's list")
        tasks = [r for r in it["reasons"] if r["code"].startswith("task_")]
        self.assertEqual([r["task_id"] for r in tasks], [task["id"]])
        self.assertIn(tasks[0]["code"], ("task_due", "task_overdue"))
        self.assertEqual([(x["task_id"], x["code"]) for x in t["tasks"]
                          if x["task_id"] in (loose["id"], later["id"])],
                         [(loose["id"], "task_overdue")])
        listed = self.call("GET", "/api/v1/tasks", role="manager").json()["items"]
        self.assertTrue({task["id"], loose["id"], later["id"]} <= {x["id"] for x in listed})
        self.assertNotIn(task["id"], [x["id"] for x in self.call(
            "GET", "/api/v1/tasks", role="manager2").json()["items"]])
        # The assignee may complete it, not rewrite it.
        path = f"/api/v1/tasks/{task['id']}"
        r = self.call("PATCH", path, {"title": "Kitas darbas"}, role="manager",
                      headers={"If-Match": '"1"'})
        self.assertProblem(r, 403, field="title")
        r = self.call("PATCH", path, {"status": "done", "done_note": "Sutarta"}, role="manager",
                      headers={"If-Match": '"1"'})
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual((r.json()["status"], r.json()["done_note"]), ("done", "Sutarta"))
        self.assertTrue(r.json()["done_at"])
        self.assertIsNone(self.item(self.today(), cid), "a done task stays on the list")
        # Who may give tasks.
        self.assertProblem(self.call("POST", "/api/v1/tasks",
                                     {"assignee_id": self.ids["manager2"], "title": "Ne tau",
                                      "due_at": iso(now)}, role="manager"), 403)
        self.assertProblem(self.call("POST", "/api/v1/tasks",
                                     {"assignee_id": self.ids["admin"], "title": "Ne tavo",
                                      "due_at": iso(now)}, role="head"), 403, field="assignee_id")

    def test_a_head_sees_a_managers_list_a_manager_does_not(self):
        m = self.ids["manager"]
        own = self.today()
        for role in ("head", "director"):
            t = self.today(role=role, user_id=m)
            self.assertEqual(t["user_id"], m)
            self.assertEqual([i["client_id"] for i in t["items"]],
                             [i["client_id"] for i in own["items"]])
        self.assertProblem(self.call("GET", f"/api/v1/today?user_id={m}", role="manager2"), 403)
        self.assertProblem(self.call("GET", "/api/v1/today", role="logistics"), 403)

    def test_team_progress_lists_the_heads_managers(self):
        self.assertProblem(self.call("GET", "/api/v1/team/progress", role="manager"), 403)
        before = {p["user_id"]: p for p in self.call("GET", "/api/v1/team/progress",
                                                      role="head").json()["items"]}
        self.assertEqual(set(before), {self.ids["manager"], self.ids["manager2"],
                                       self.ids["retail"]})
        for p in before.values():
            self.assertTrue(p["name"])
            self.assertIn("calls", p["day"])
            self.assertIn("monthly_contact", p["month"])
        self.log(client_id=self.client(), outcome="reached")
        after = {p["user_id"]: p for p in self.call("GET", "/api/v1/team/progress",
                                                     role="head").json()["items"]}
        m = self.ids["manager"]
        self.assertEqual(after[m]["day"]["calls"]["done"], before[m]["day"]["calls"]["done"] + 1)
        self.assertEqual(after[self.ids["manager2"]]["day"]["calls"]["done"],
                         before[self.ids["manager2"]]["day"]["calls"]["done"])
