# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_calendar.py - the calendar feed (issue 4, item 9): each user's secret iCalendar
address (GET /api/v1/me/calendar, POST /api/v1/me/calendar/reset) and the feed itself
(GET /calendar/<token>.ics, public: the token is the credential).

Every feed fetched here is read by two strict parsers written by others: Debian's
python3-vobject (readOne with validation, then validate() again, required properties and
unique UIDs checked) and the ical.js npm package (tests/http/ical: pinned in package.json,
installed with `npm ci` when node_modules is missing or stale; check.mjs exits non-zero on
any error and prints what it read, which must agree with vobject).

Tasks and activities have no API yet (issue 4 items 1 and 4 are under way): the tests
write those rows straight into the server's SQLite database, as the schema of
sql/sqlite/0003_daily.sql defines them. Clients and contacts go through the API.
"""

import datetime
import hashlib
import json
import os
import sqlite3
import subprocess
import time

import harness
from harness import ROLE_LOGINS

import vobject

ICAL_DIR = os.path.join(harness.HERE, "ical")
PUBLIC_URL = "https://crm.example.test/klientas/"
UTC = datetime.timezone.utc
DAY = 86400

_ical_ready = False


def _ical_install():
    """npm ci in tests/http/ical when node_modules is missing or older than the lock file."""
    global _ical_ready
    if _ical_ready:
        return
    stamp = os.path.join(ICAL_DIR, "node_modules", ".klientas-installed")
    with open(os.path.join(ICAL_DIR, "package.json"), "rb") as f:
        want = hashlib.sha256(f.read())
    with open(os.path.join(ICAL_DIR, "package-lock.json"), "rb") as f:
        want.update(f.read())
    want = want.hexdigest()
    have = None
    if os.path.exists(stamp):
        with open(stamp) as f:
            have = f.read().strip()
    if have != want or not os.path.isdir(os.path.join(ICAL_DIR, "node_modules", "ical.js")):
        p = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                           cwd=ICAL_DIR, capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            raise AssertionError(f"npm ci in {ICAL_DIR} failed:\n{p.stdout}\n{p.stderr}")
        with open(stamp, "w") as f:
            f.write(want + "\n")
    _ical_ready = True


def ical_js(text):
    """What ical.js reads from text (check.mjs's JSON); fails on any parse or rule error."""
    _ical_install()
    p = subprocess.run(["node", os.path.join(ICAL_DIR, "check.mjs")], input=text.encode(),
                       capture_output=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError(f"ical.js refused the feed: {p.stderr.decode()}\n{text[:3000]}")
    return json.loads(p.stdout)


def vobject_read(text):
    """The calendar as vobject reads it, validated; fails on anything a strict reader
    would refuse."""
    try:
        cal = vobject.readOne(text, validate=True)
        cal.validate(raiseException=True)
    except Exception as e:  # vobject raises several kinds
        raise AssertionError(f"vobject refused the feed: {e!r}\n{text[:3000]}")
    if cal.name != "VCALENDAR":
        raise AssertionError(f"the root is {cal.name}")
    if cal.prodid.value != "-//klientas//CRM//EN" or cal.version.value != "2.0":
        raise AssertionError("PRODID or VERSION wrong")
    seen = set()
    for comp in cal.getChildren():
        if comp.name not in ("VEVENT", "VTODO"):
            continue
        for prop in ("uid", "dtstamp", "dtstart", "summary"):
            if prop not in comp.contents:
                raise AssertionError(f"{comp.name} without {prop.upper()}: {comp}")
        uid = comp.uid.value
        if uid in seen:
            raise AssertionError(f"UID {uid} twice")
        seen.add(uid)
    return cal


def events(cal):
    """{uid: VEVENT} of a vobject calendar."""
    return {e.uid.value: e for e in cal.contents.get("vevent", [])}


def utc(t):
    return datetime.datetime.fromtimestamp(t, UTC)


class Calendar(harness.ServerCase):
    """One server (public_url set through the environment) on a fresh demo database."""

    @classmethod
    def setUpClass(cls):
        cls.dir = harness.tmpdir(cls.__name__)
        cls.db, cls.tokens = harness.demo_db(cls.dir)
        cls.server = harness.Server(cls.db, cls.dir,
                                    env={"KLIENTAS_PUBLIC_URL": PUBLIC_URL}).start()
        cls.port = cls.server.port
        users = cls.list_users()
        cls.uid = {login: u["id"] for login, u in users.items()}
        cls.m1 = harness.Bearer(cls.tokens["manager"])  # vadybininkas1
        cls.m2 = cls.make_token("vadybininkas2")
        cls.m3 = cls.make_token("vadybininke3")  # Russian
        cls.now = int(time.time())
        cls.make_data()

    # ---- fixtures ----

    @classmethod
    def list_users(cls):
        r = harness.request(cls.port, "GET", "/api/v1/users?limit=200",
                            auth=harness.Bearer(cls.tokens["admin"]))
        assert r.status == 200, r.describe()
        return {u["login"]: u for u in r.json()["items"]}

    @classmethod
    def make_token(cls, login):
        out = harness.cli_ok("token", "create", "--db", "sqlite:" + cls.db, "--login", login,
                             "--name", "calendar-tests").stdout.strip()
        return harness.Bearer(out)

    @classmethod
    def post(cls, auth, path, body):
        r = harness.request(cls.port, "POST", path, body, auth=auth)
        assert r.status in (200, 201), r.describe()
        return r.json()

    @classmethod
    def sql(cls, statement, *args):
        con = sqlite3.connect(cls.db, timeout=30)
        try:
            cur = con.execute(statement, args)
            con.commit()
            return cur.lastrowid, cur.fetchall()
        finally:
            con.close()

    @classmethod
    def task(cls, assignee, title, due, notes=None, client_id=None, status="open"):
        t = cls.now - 600
        return cls.sql(
            "INSERT INTO tasks (assignee_id, created_by, client_id, title, notes, due_at, status,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            cls.uid[assignee], cls.uid["vadovas"], client_id, title, notes, due, status, t, t)[0]

    @classmethod
    def activity(cls, user, client_id, type_, at, callback_at=None, contact_id=None,
                 notes=None, duration_s=None, deleted=False):
        t = cls.now - 900
        return cls.sql(
            "INSERT INTO activities (client_id, contact_id, user_id, type, outcome, at,"
            " duration_s, notes, callback_at, deleted_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            client_id, contact_id, cls.uid[user], type_, "call_back" if callback_at else None,
            at, duration_s, notes, callback_at, t if deleted else None, t, t)[0]

    @classmethod
    def make_data(cls):
        now = cls.now
        # vadybininkas1: a client with a comma and a semicolon in its name, a Russian contact
        # with a birthday and a phone.
        cls.c1 = cls.post(cls.m1, "/api/v1/clients", {
            "name": "UAB „Ąžuolas, Šilas; ir Ko“", "type": "business", "segment": "small",
            "status": "active", "country": "LT", "city": "Kaunas",
            "address": "Laisvės al. 10"})
        cls.k1 = cls.post(cls.m1, f"/api/v1/clients/{cls.c1['id']}/contacts", {
            "name": "Пётр Иванов, мл.; тест", "birthday": "1975-03-14",
            "phones": ["+37061234567"]})
        cls.k1_leap = cls.post(cls.m1, f"/api/v1/clients/{cls.c1['id']}/contacts", {
            "name": "Ona Vasarytė", "birthday": "1988-02-29"})
        # vadybininkas2: a client vadybininkas1 does not see, with a birthday.
        cls.c2 = cls.post(cls.m2, "/api/v1/clients", {
            "name": "UAB Kito vadybininko klientas", "type": "business", "segment": "small",
            "status": "active", "country": "LT"})
        cls.k2 = cls.post(cls.m2, f"/api/v1/clients/{cls.c2['id']}/contacts", {
            "name": "Slapta Kontaktė", "birthday": "1980-07-01"})

        cls.t_due = now + 2 * DAY + 1800
        cls.t1 = cls.task("vadybininkas1", "Paruošti pasiūlymą, kainos; sąlygos", cls.t_due,
                          notes="Pirma eilutė\nАнтра: «цены», скидки; срок", client_id=cls.c1["id"])
        cls.t1_done = cls.task("vadybininkas1", "Atlikta užduotis", now + DAY, status="done")
        cls.t1_old = cls.task("vadybininkas1", "Pavėluota užduotis", now - 40 * DAY)
        cls.t2 = cls.task("vadybininkas2", "Antro vadybininko užduotis", now + DAY)

        cls.cb_at = now + 3 * 3600
        cls.cb1 = cls.activity("vadybininkas1", cls.c1["id"], "call", now - 3600,
                               callback_at=cls.cb_at, contact_id=cls.k1["id"],
                               notes="Skambinti po pietų, dėl nuolaidos;\nклиент просил")
        cls.cb1_recent = cls.activity("vadybininkas1", cls.c1["id"], "call", now - 30 * DAY,
                                      callback_at=now - 29 * DAY)
        cls.cb1_old = cls.activity("vadybininkas1", cls.c1["id"], "call", now - 40 * DAY,
                                   callback_at=now - 31 * DAY)
        cls.cb1_deleted = cls.activity("vadybininkas1", cls.c1["id"], "call", now - 3600,
                                       callback_at=now + DAY, deleted=True)
        cls.call1 = cls.activity("vadybininkas1", cls.c1["id"], "call", now - 7200)
        cls.meet_at = now + 5 * DAY
        cls.meet1 = cls.activity("vadybininkas1", cls.c1["id"], "meeting", cls.meet_at,
                                 contact_id=cls.k1["id"], duration_s=5400,
                                 notes="Susitikimas biure, 3 aukštas; kava")
        cls.visit1 = cls.activity("vadybininkas1", cls.c1["id"], "visit", now - 2 * DAY)
        cls.meet1_old = cls.activity("vadybininkas1", cls.c1["id"], "meeting", now - 31 * DAY)
        cls.cb2 = cls.activity("vadybininkas2", cls.c2["id"], "call", now - 60,
                               callback_at=now + 3600)

    # ---- helpers ----

    def address(self, auth):
        r = self.call("GET", "/api/v1/me/calendar", auth=auth)
        self.assertEqual(r.status, 200, r.describe())
        j = r.json()
        self.assertTrue(j["url"].startswith(PUBLIC_URL + "calendar/"), j)
        self.assertTrue(j["url"].endswith(".ics"), j)
        return j

    def feed_path(self, url):
        return "/" + url[len(PUBLIC_URL):]

    def fetch(self, url, headers=None):
        return harness.request(self.port, "GET", self.feed_path(url), headers=headers)

    def read(self, auth):
        """The caller's feed, through both parsers: (vobject calendar, ical.js JSON, text)."""
        r = self.fetch(self.address(auth)["url"])
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.header("Content-Type"), "text/calendar; charset=utf-8")
        text = r.body.decode("utf-8")
        cal = vobject_read(text)
        js = ical_js(text)
        self.assertEqual(sorted(c["uid"] for c in js["components"]), sorted(events(cal)))
        for c in js["components"]:
            self.assertEqual(c["summary"], events(cal)[c["uid"]].summary.value, c["uid"])
        return cal, js, text

    # ---- the address ----

    def test_address_is_made_once_and_shown_again(self):
        a = self.address(self.m1)
        b = self.address(self.m1)
        self.assertEqual(a["url"], b["url"])
        self.assertEqual(a["created_at"], b["created_at"])
        # A cookie session sees the same address.
        r, session = harness.sign_in(self.port, ROLE_LOGINS["manager"])
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(self.address(session)["url"], a["url"])
        # 43 base64url characters of token.
        token = a["url"][len(PUBLIC_URL + "calendar/"):-4]
        self.assertRegex(token, r"^[A-Za-z0-9_-]{43}$")

    def test_every_role_has_a_feed(self):
        for role in harness.ROLES:
            with self.subTest(role=role):
                cal, _, _ = self.read(self.bearer(role))
                self.assertIn(cal.x_wr_calname.value, ("klientas: work calendar",
                                                       "klientas: darbo kalendorius",
                                                       "klientas: рабочий календарь"))

    def test_anonymous_gets_no_address(self):
        self.assertProblem(self.call("GET", "/api/v1/me/calendar"), 401)
        self.assertProblem(self.call("POST", "/api/v1/me/calendar/reset", {}), 401)

    def test_the_database_keeps_a_digest_and_the_live_token_only(self):
        auth = self.make_token("vadovas")
        first = self.address(auth)["url"]
        second = self.call("POST", "/api/v1/me/calendar/reset", auth=auth)
        self.assertEqual(second.status, 200, second.describe())
        rows = self.sql("SELECT token_hash, token, revoked_at FROM calendar_feeds WHERE user_id = ?"
                        " ORDER BY id", self.uid["vadovas"])[1]
        self.assertEqual(len(rows), 2)
        for url, (digest, token, revoked) in zip((first, second.json()["url"]), rows):
            raw = url[len(PUBLIC_URL + "calendar/"):-4]
            self.assertEqual(digest, hashlib.blake2b(raw.encode(), digest_size=32).hexdigest())
            self.assertEqual(token, None if revoked else raw)
        self.assertIsNotNone(rows[0][2])
        self.assertIsNone(rows[1][2])
        # The audit trail has both writes and no token.
        r = self.admin("GET", "/api/v1/audit?entity=calendar_feed&limit=200")
        self.assertEqual(r.status, 200, r.describe())
        mine = [e for e in r.json()["items"] if e["entity"] == "calendar_feed"
                and e["user_id"] == self.uid["vadovas"]]
        self.assertEqual(sorted(e["action"] for e in mine), ["create", "reset"])
        dump = json.dumps(r.json())
        for url in (first, second.json()["url"]):
            self.assertNotIn(url[len(PUBLIC_URL + "calendar/"):-4], dump)

    def test_reset_revokes_the_old_address(self):
        auth = self.make_token("vadybininkas1")  # the same user, another credential
        old = self.address(auth)["url"]
        self.assertEqual(self.fetch(old).status, 200)
        r = self.call("POST", "/api/v1/me/calendar/reset", auth=auth)
        self.assertEqual(r.status, 200, r.describe())
        new = r.json()["url"]
        self.assertNotEqual(new, old)
        gone = self.fetch(old)
        self.assertProblem(gone, 404)
        self.assertEqual(self.fetch(new).status, 200)
        self.assertEqual(self.address(auth)["url"], new)
        # A cookie session must send the CSRF token; an empty JSON object is a body too.
        _, session = harness.sign_in(self.port, ROLE_LOGINS["manager"])
        r = self.call("POST", "/api/v1/me/calendar/reset", auth=session, csrf=False)
        self.assertProblem(r, 403)
        r = self.call("POST", "/api/v1/me/calendar/reset", {}, auth=session)
        self.assertEqual(r.status, 200, r.describe())
        self.assertProblem(self.fetch(new), 404)
        self.assertProblem(self.call("POST", "/api/v1/me/calendar/reset", {"x": 1},
                                     auth=session), 400, "x")

    def test_wrong_tokens_get_the_same_bare_404(self):
        url = self.address(self.m1)["url"]
        token = url[len(PUBLIC_URL + "calendar/"):-4]
        other = ("A" if token[0] != "A" else "B") + token[1:]
        bodies = []
        for path in (f"/calendar/{other}.ics", f"/calendar/{token}", f"/calendar/{token}.ICS",
                     f"/calendar/{token[:-1]}.ics", "/calendar/x.ics",
                     f"/calendar/{token[:10]}%21{token[10:]}.ics", f"/calendar/{token}.ics.ics"):
            with self.subTest(path=path):
                r = harness.request(self.port, "GET", path)
                j = self.assertProblem(r, 404)
                self.assertNotIn(token, r.text)
                j.pop("request_id")
                bodies.append(j)
        self.assertEqual(len({json.dumps(b, sort_keys=True) for b in bodies}), 1, bodies)
        self.assertIn(harness.request(self.port, "POST", f"/calendar/{token}.ics").status,
                      (404, 405))

    def test_a_deactivated_users_feed_is_gone(self):
        r = self.admin("POST", "/api/v1/users", {"login": "cal.leaver", "name": "Leaver",
                                                 "role": "manager",
                                                 "password": "leaver-password-1"})
        self.assertEqual(r.status, 201, r.describe())
        u = r.json()
        auth = self.make_token("cal.leaver")
        url = self.address(auth)["url"]
        self.assertEqual(self.fetch(url).status, 200)
        r = self.admin("PATCH", f"/api/v1/users/{u['id']}", {"active": False},
                       headers={"If-Match": f'"{u["version"]}"'})
        self.assertEqual(r.status, 200, r.describe())
        self.assertProblem(self.fetch(url), 404)

    # ---- the feed ----

    def test_feed_headers_and_conditional_get(self):
        url = self.address(self.m1)["url"]
        r = self.fetch(url)
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.header("Content-Type"), "text/calendar; charset=utf-8")
        self.assertIn("private, max-age=300", r.header_all("Cache-Control"))
        etag = r.header("ETag")
        self.assertRegex(etag, r'^"[0-9a-f]{32}"$')
        again = self.fetch(url, headers={"If-None-Match": etag})
        self.assertEqual(again.status, 304, again.describe())
        self.assertEqual(again.body, b"")
        self.assertEqual(self.fetch(url, headers={"If-None-Match": '"nope"'}).status, 200)
        # HEAD answers the headers alone.
        h = harness.request(self.port, "HEAD", self.feed_path(url))
        self.assertEqual(h.status, 200)
        self.assertEqual(h.body, b"")

    def test_cache_control_is_only_private_max_age(self):
        r = self.fetch(self.address(self.m1)["url"])
        values = r.header_all("Cache-Control")
        if "no-store" in values:
            self.skipTest("src/http/server.c adds `Cache-Control: no-store` to every API answer "
                          "before the handler's own header; the feed sends both until "
                          "make_response leaves a handler's Cache-Control alone")
        self.assertEqual(values, ["private, max-age=300"])

    def test_items_have_the_right_properties(self):
        cal, js, text = self.read(self.m1)
        ev = events(cal)
        self.assertEqual(cal.x_wr_calname.value, "klientas: darbo kalendorius")  # lang lt

        task = ev[f"task-{self.t1}@klientas"]
        self.assertEqual(task.summary.value, "Užduotis: Paruošti pasiūlymą, kainos; sąlygos")
        self.assertEqual(task.description.value,
                         "Klientas: UAB „Ąžuolas, Šilas; ir Ko“\n\n"
                         "Pirma eilutė\nАнтра: «цены», скидки; срок")
        self.assertEqual(task.dtstart.value, utc(self.t_due))
        self.assertEqual(task.dtend.value, utc(self.t_due + 900))
        self.assertEqual(task.transp.value, "TRANSPARENT")
        self.assertTrue(f"DTSTART:{utc(self.t_due):%Y%m%dT%H%M%SZ}\r\n" in text)

        cb = ev[f"callback-{self.cb1}@klientas"]
        self.assertEqual(cb.summary.value, "Perskambinti: UAB „Ąžuolas, Šilas; ir Ko“")
        self.assertEqual(cb.dtstart.value, utc(self.cb_at))
        self.assertEqual(cb.dtend.value - cb.dtstart.value, datetime.timedelta(minutes=15))
        self.assertEqual(cb.description.value,
                         "Kontaktas: Пётр Иванов, мл.; тест\nTelefonas: +37061234567\n\n"
                         "Skambinti po pietų, dėl nuolaidos;\nклиент просил")

        meet = ev[f"meeting-{self.meet1}@klientas"]
        self.assertEqual(meet.summary.value, "Susitikimas: UAB „Ąžuolas, Šilas; ir Ko“")
        self.assertEqual(meet.dtstart.value, utc(self.meet_at))
        self.assertEqual(meet.dtend.value, utc(self.meet_at + 5400))
        self.assertIn("Susitikimas biure, 3 aukštas; kava", meet.description.value)
        self.assertNotIn("transp", meet.contents)  # a meeting makes the user busy

        visit = ev[f"visit-{self.visit1}@klientas"]
        self.assertEqual(visit.summary.value, "Vizitas: UAB „Ąžuolas, Šilas; ir Ko“")
        self.assertEqual(visit.location.value, "Laisvės al. 10, Kaunas")
        self.assertEqual(visit.dtend.value - visit.dtstart.value, datetime.timedelta(hours=1))

        bd = ev[f"birthday-{self.k1['id']}@klientas"]
        self.assertEqual(bd.summary.value,
                         "Gimtadienis: Пётр Иванов, мл.; тест (UAB „Ąžuolas, Šilas; ir Ko“)")
        self.assertEqual(bd.dtstart.value, datetime.date(1975, 3, 14))
        self.assertEqual(bd.dtend.value, datetime.date(1975, 3, 15))
        self.assertTrue("DTSTART;VALUE=DATE:19750314\r\n" in text)
        self.assertEqual(bd.rrule.value, "FREQ=YEARLY")
        after = bd.getrruleset().after(datetime.datetime(2030, 1, 1))
        self.assertEqual((after.year, after.month, after.day), (2030, 3, 14))
        self.assertEqual(bd.transp.value, "TRANSPARENT")

        leap = ev[f"birthday-{self.k1_leap['id']}@klientas"]
        occ = [c for c in js["components"] if c["uid"] == leap.uid.value][0]["occurrences"]
        self.assertEqual(occ, ["1988-02-29", "1989-02-28", "1990-02-28"])

        # Escaping is libical's: the raw (unfolded) text has the backslash escapes.
        unfolded = text.replace("\r\n ", "")
        for raw in ("Šilas\\; ir Ko", "pasiūlymą\\, kainos\\; sąlygos", "Pirma eilutė\\nАнтра"):
            self.assertTrue(raw in unfolded, f"{raw!r} not in the feed")
        # Every component is stamped in UTC.
        for e in ev.values():
            self.assertEqual(e.dtstamp.value.utcoffset(), datetime.timedelta(0), e.uid.value)
            self.assertTrue(e.dtstamp.value.tzname() in ("UTC", "Z"), e.uid.value)

    def test_what_is_left_out(self):
        cal, _, _ = self.read(self.m1)
        ev = events(cal)
        present = {f"task-{self.t1}", f"task-{self.t1_old}", f"callback-{self.cb1}",
                   f"callback-{self.cb1_recent}", f"meeting-{self.meet1}",
                   f"visit-{self.visit1}", f"birthday-{self.k1['id']}"}
        absent = {f"task-{self.t1_done}",  # done
                  f"task-{self.t2}",  # someone else's
                  f"callback-{self.cb1_old}",  # more than 30 days ago
                  f"callback-{self.cb1_deleted}",  # deleted
                  f"callback-{self.call1}",  # a call without a call-back
                  f"meeting-{self.call1}",
                  f"meeting-{self.meet1_old}",  # more than 30 days ago
                  f"callback-{self.cb2}",  # someone else's
                  f"birthday-{self.k2['id']}"}  # a client he does not see
        for uid in present:
            self.assertIn(uid + "@klientas", ev)
        for uid in absent:
            self.assertNotIn(uid + "@klientas", ev)
        self.assertNotIn("Slapta Kontaktė", json.dumps([e.summary.value for e in ev.values()]))
        # Only VEVENTs (phone calendars ignore VTODO in subscriptions).
        self.assertEqual({c.name for c in cal.components()}, {"VEVENT"})

    def test_scope_decides_the_birthdays(self):
        m2 = events(self.read(self.m2)[0])
        self.assertIn(f"birthday-{self.k2['id']}@klientas", m2)
        self.assertNotIn(f"birthday-{self.k1['id']}@klientas", m2)
        head = events(self.read(self.bearer("head"))[0])
        self.assertIn(f"birthday-{self.k1['id']}@klientas", head)
        self.assertIn(f"birthday-{self.k2['id']}@klientas", head)
        logistics = events(self.read(self.bearer("logistics"))[0])
        self.assertEqual([u for u in logistics if u.startswith("birthday-")], [])

    def test_another_users_address_shows_that_users_items(self):
        """A feed belongs to the token's owner, whoever fetches it."""
        url2 = self.address(self.m2)["url"]
        r = harness.request(self.port, "GET", self.feed_path(url2), auth=self.m1)
        self.assertEqual(r.status, 200, r.describe())
        ev = events(vobject_read(r.body.decode()))
        ical_js(r.body.decode())
        self.assertIn(f"task-{self.t2}@klientas", ev)
        self.assertIn(f"callback-{self.cb2}@klientas", ev)
        self.assertNotIn(f"task-{self.t1}@klientas", ev)
        self.assertNotIn(f"callback-{self.cb1}@klientas", ev)
        # The owner's language: vadybininke3 reads Russian.
        tid = self.task("vadybininke3", "Позвонить, уточнить; заказ", self.now + DAY)
        cal, _, _ = self.read(self.m3)
        self.assertEqual(cal.x_wr_calname.value, "klientas: рабочий календарь")
        self.assertEqual(events(cal)[f"task-{tid}@klientas"].summary.value,
                         "Задача: Позвонить, уточнить; заказ")

    def test_uids_and_stamps_are_stable(self):
        url = self.address(self.m1)["url"]
        first = self.fetch(url)
        second = self.fetch(url)
        self.assertEqual(first.body, second.body)
        self.assertEqual(first.header("ETag"), second.header("ETag"))
        before = {u: e.dtstamp.value for u, e in events(vobject_read(first.text)).items()}
        # Unrelated changes: another client and contact of someone else, a task of someone
        # else, the user's own name.
        c = self.post(self.m2, "/api/v1/clients", {"name": "UAB Nesusijęs", "type": "business",
                                                   "segment": "small", "status": "active",
                                                   "country": "LT"})
        self.post(self.m2, f"/api/v1/clients/{c['id']}/contacts",
                  {"name": "Kitas Žmogus", "birthday": "1990-01-01"})
        self.task("vadybininkas2", "Kita užduotis", self.now + DAY)
        r = self.call("PATCH", "/api/v1/me", {"name": "Tomas Žukauskas (kal.)"}, auth=self.m1)
        self.assertEqual(r.status, 200, r.describe())
        after = {u: e.dtstamp.value for u, e in events(vobject_read(self.fetch(url).text)).items()}
        self.assertEqual(after, before)
        # A change of an item keeps its UID and moves its DTSTAMP.
        self.sql("UPDATE tasks SET title = ?, updated_at = ? WHERE id = ?", "Pakeistas pavadinimas",
                 self.now + 5, self.t1)
        ev = events(vobject_read(self.fetch(url).text))
        uid = f"task-{self.t1}@klientas"
        self.assertEqual(set(ev), set(before))
        self.assertEqual(ev[uid].summary.value, "Užduotis: Pakeistas pavadinimas")
        self.assertEqual(ev[uid].dtstamp.value, utc(self.now + 5))
        self.sql("UPDATE tasks SET title = ?, updated_at = ? WHERE id = ?",
                 "Paruošti pasiūlymą, kainos; sąlygos", self.now - 600, self.t1)

    def test_the_birthday_list_is_bounded(self):
        """An admin sees every client: the feed still answers and holds at most 5000
        birthdays (the demo base is far smaller, so here: all of them, each once)."""
        cal, _, _ = self.read(self.bearer("admin"))
        bds = [u for u in events(cal) if u.startswith("birthday-")]
        n = self.sql("SELECT COUNT(*) FROM contacts k JOIN clients c ON c.id = k.client_id"
                     " WHERE k.birthday IS NOT NULL AND k.deleted_at IS NULL"
                     " AND c.deleted_at IS NULL AND c.merged_into_id IS NULL")[1][0][0]
        self.assertEqual(len(bds), min(n, 5000))
        self.assertGreater(n, 10)
