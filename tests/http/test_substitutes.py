# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_substitutes.py - absences and substitutes (R33, issue 4 "Done when": during the
absence the substitute sees the clients, before and after he does not).

The director records that vadybininkas1 is away today and vadybininkas2 stands in for
him: vadybininkas2 then sees vadybininkas1's clients (GET, list, search), his tasks, and
finds them on his Today list; what he logs there is his own. An absence that starts
tomorrow or ended yesterday gives nothing; cancelling one (DELETE with If-Match) takes the
access away at once. Managers cannot record absences; a head only within his department.
"""

import csv
import io
import time
import urllib.parse
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import harness

VILNIUS = ZoneInfo("Europe/Vilnius")


def iso(t):
    return datetime.fromtimestamp(int(t), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_today():
    """Today for the demo managers (Europe/Vilnius)."""
    return datetime.now(VILNIUS).date()


class Substitutes(harness.ServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for key, login in (("manager2", "vadybininkas2"), ("retail", "vadybininke3")):
            cls.tokens[key] = harness.cli_ok(
                "token", "create", "--db", "sqlite:" + cls.db, "--login", login, "--name",
                "substitute-tests").stdout.strip()
        cls.ids = {}
        for role in ("manager", "manager2", "retail", "head", "director", "admin"):
            r = harness.request(cls.port, "GET", "/api/v1/me", auth=cls.bearer(role))
            cls.ids[role] = r.json()["id"]
        admin = cls.bearer("admin")
        depts = harness.request(cls.port, "GET", "/api/v1/departments?limit=200",
                                auth=admin).json()["items"]
        other = [d for d in depts if d["name"] != "Didmeninė prekyba"][0]
        for login in ("svetimas.a", "svetimas.b"):
            r = harness.request(cls.port, "POST", "/api/v1/users",
                                {"login": login, "name": login.title(), "role": "manager",
                                 "department_id": other["id"], "password": "svetimas-pass-1"},
                                auth=admin)
            if r.status != 201:
                raise AssertionError(r.describe())
            cls.ids[login] = r.json()["id"]
            cls.tokens[login] = harness.cli_ok(
                "token", "create", "--db", "sqlite:" + cls.db, "--login", login, "--name",
                "substitute-tests").stdout.strip()
        # A client of vadybininkas1's with a word of its own, and a task on it due today.
        r = harness.request(cls.port, "POST", "/api/v1/clients",
                            {"name": "UAB „Pavaduojamas Kvarcas“", "company_code": "630000001",
                             "city": "Marijampolė", "phone": "+370 655 44321"},
                            auth=cls.bearer("manager"))
        if r.status != 201:
            raise AssertionError(r.describe())
        cls.client_id = r.json()["id"]
        cls.task_id = cls.give_task("Paskambinti dėl sutarties")

    @classmethod
    def give_task(cls, title, client_id=None):
        r = harness.request(cls.port, "POST", "/api/v1/tasks",
                            {"assignee_id": cls.ids["manager"], "title": title,
                             "client_id": client_id or cls.client_id,
                             "due_at": iso(time.time() - 30)}, auth=cls.bearer("head"))
        if r.status != 201:
            raise AssertionError(r.describe())
        return r.json()["id"]

    # ---- helpers ----

    def call(self, method, path, body=None, role=None, auth=None, **kw):
        """A request; when the server dies of it, the test fails with how it died (and the
        next test gets a new server on the same database)."""
        try:
            return super().call(method, path, body, role=role, auth=auth, **kw)
        except OSError:
            if not self.server.died(wait=10 * harness.SLOW):
                raise
            self.death_reported = True
            self.fail(f"{method} {path} as {role}: {self.server.death_report()}")

    def absence(self, role="director", user="manager", substitute="manager2", start=0, end=0,
                status=201, field=None):
        today = local_today()
        body = {"user_id": self.ids[user], "substitute_id": self.ids[substitute],
                "from": str(today + timedelta(days=start)),
                "to": str(today + timedelta(days=end)), "reason": "Atostogos"}
        r = self.call("POST", "/api/v1/absences", body, role=role)
        if status == 201:
            self.assertEqual(r.status, 201, r.describe())
            self.assertEqual(r.header("ETag"), '"1"')
            return r.json()
        self.assertProblem(r, status, field=field)
        return None

    def cancel(self, absence, role="director"):
        r = self.call("DELETE", f"/api/v1/absences/{absence['id']}", role=role,
                      headers={"If-Match": f'"{absence["version"]}"'})
        self.assertEqual(r.status, 204, r.describe())

    def absent_clients(self):
        """vadybininkas1's clients, as his head sees them."""
        items = self.list_all(f"/api/v1/clients?owner_id={self.ids['manager']}",
                              auth=self.bearer("head"))
        self.assertGreater(len(items), 10)
        return {c["id"] for c in items}

    def access(self, task_id, role="manager2"):
        """What role sees of vadybininkas1's work: one flag per way of seeing it."""
        auth = self.bearer(role)
        listed = {c["id"] for c in self.list_all("/api/v1/clients", auth=auth)}
        found = self.call("GET", "/api/v1/search?q=" + urllib.parse.quote("pavaduojam"),
                          role=role)
        self.assertEqual(found.status, 200, found.describe())
        by_q = self.call("GET", "/api/v1/clients?q=kvarcas", role=role)
        by_phone = self.call("GET", "/api/v1/search?q=8%20655%2044321", role=role)
        tasks = self.call("GET", "/api/v1/tasks", role=role)
        self.assertEqual(tasks.status, 200, tasks.describe())
        task = self.call("GET", f"/api/v1/tasks/{task_id}", role=role)
        today = self.call("GET", "/api/v1/today", role=role)
        self.assertEqual(today.status, 200, today.describe())
        card = self.call("GET", f"/api/v1/clients/{self.client_id}", role=role)
        self.assertIn(card.status, (200, 404), card.describe())
        self.assertIn(task.status, (200, 404), task.describe())
        export = self.call("GET", "/api/v1/exports/clients?format=csv", role=role)
        self.assertEqual(export.status, 200, export.describe())
        rows = csv.DictReader(io.StringIO(export.body.decode("utf-8-sig"), newline=""),
                              delimiter=";")
        exported = {int(row["id"]) for row in rows}
        return {
            "get": card.status == 200,
            "export": self.client_id in exported,
            "activities": self.call("GET", f"/api/v1/activities?client_id={self.client_id}",
                                    role=role).status == 200,
            "contacts": self.call("GET", f"/api/v1/clients/{self.client_id}/contacts",
                                  role=role).status == 200,
            "list": self.client_id in listed,
            "list_all": self.absent_clients() <= listed,
            "search": self.client_id in [i["id"] for i in found.json()["items"]],
            "clients_q": self.client_id in [i["id"] for i in by_q.json()["items"]],
            "phone": self.client_id in [i["id"] for i in by_phone.json()["items"]],
            "tasks": task_id in [t["id"] for t in tasks.json()["items"]],
            "task": task.status == 200,
            "today": self.client_id in [i["client_id"] for i in today.json()["items"]],
        }

    def assertAccess(self, task_id, expected, role="manager2", when=""):
        got = self.access(task_id, role=role)
        self.assertEqual(got, {k: expected for k in got}, f"{role} {when}")

    # ---- tests ----

    def test_during_an_absence_the_substitute_works_the_clients_tasks_and_list(self):
        self.assertAccess(self.task_id, False, when="before the absence")
        x = self.absence()
        self.assertEqual((x["user_id"], x["substitute_id"], x["from"], x["to"]),
                         (self.ids["manager"], self.ids["manager2"], str(local_today()),
                          str(local_today())))
        self.assertAccess(self.task_id, True, when="during the absence")
        # His own work is still his.
        own = {c["id"] for c in self.list_all(f"/api/v1/clients?owner_id={self.ids['manager2']}",
                                              auth=self.bearer("head"))}
        mine = {c["id"] for c in self.list_all("/api/v1/clients",
                                               auth=self.bearer("manager2"))}
        self.assertEqual(mine, own | self.absent_clients())
        listed = [a["id"] for a in self.call("GET", "/api/v1/absences",
                                             role="manager2").json()["items"]]
        self.assertIn(x["id"], listed)
        # What he logs on those clients is his.
        before = {r: self.call("GET", "/api/v1/quotas/progress", role=r).json()
                  for r in ("manager", "manager2")}
        r = self.call("POST", "/api/v1/activities",
                      {"client_id": self.client_id, "type": "call", "outcome": "reached",
                       "notes": "Skambino pavaduojantis"}, role="manager2")
        self.assertEqual(r.status, 201, r.describe())
        act = r.json()
        self.assertEqual(act["user_id"], self.ids["manager2"])
        after = {r: self.call("GET", "/api/v1/quotas/progress", role=r).json()
                 for r in ("manager", "manager2")}
        self.assertEqual(after["manager2"]["day"]["calls"]["done"],
                         before["manager2"]["day"]["calls"]["done"] + 1)
        self.assertEqual(after["manager"]["day"]["calls"]["done"],
                         before["manager"]["day"]["calls"]["done"])
        log = self.call("GET", f"/api/v1/activities?client_id={self.client_id}",
                        role="manager").json()["items"]
        self.assertEqual([(a["id"], a["user_id"]) for a in log],
                         [(act["id"], self.ids["manager2"])])
        # He works the card and the absent manager's task.
        card = self.call("GET", f"/api/v1/clients/{self.client_id}", role="manager2")
        r = self.call("PATCH", f"/api/v1/clients/{self.client_id}", {"notes": "Pavaduojant"},
                      role="manager2", headers={"If-Match": card.header("ETag")})
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.json()["owner_id"], self.ids["manager"], "the owner changed")
        r = self.call("PATCH", f"/api/v1/tasks/{self.task_id}",
                      {"status": "done", "done_note": "Atliko pavaduojantis"}, role="manager2",
                      headers={"If-Match": '"1"'})
        self.assertEqual(r.status, 200, r.describe())
        # Cancelling the absence takes it all away at once.
        task2 = self.give_task("Antra užduotis")
        self.assertAccess(task2, True, when="during the absence (second task)")
        self.assertProblem(self.call("DELETE", f"/api/v1/absences/{x['id']}", role="director"),
                           428)
        self.assertProblem(self.call("DELETE", f"/api/v1/absences/{x['id']}", role="director",
                                     headers={"If-Match": '"7"'}), 412)
        self.assertAccess(task2, True, when="after refused cancels")
        self.cancel(x)
        self.assertAccess(task2, False, when="after the absence was cancelled")
        self.assertProblem(self.call("POST", "/api/v1/activities",
                                     {"client_id": self.client_id, "type": "call"},
                                     role="manager2"), 404, field="client_id")
        # What he logged stays his.
        log = self.call("GET", f"/api/v1/activities?client_id={self.client_id}",
                        role="manager").json()["items"]
        self.assertEqual([(a["id"], a["user_id"]) for a in log],
                         [(act["id"], self.ids["manager2"])])
        self.assertEqual(self.call("GET", "/api/v1/quotas/progress", role="manager2").json()
                         ["day"]["calls"]["done"], after["manager2"]["day"]["calls"]["done"])

    def test_an_absence_before_or_after_today_gives_no_access(self):
        task = self.give_task("Užduotis ne šiandien")
        future = self.absence(start=1, end=4)
        self.assertAccess(task, False, when="an absence from tomorrow")
        past = self.absence(start=-6, end=-1)
        self.assertAccess(task, False, when="an absence that ended yesterday")
        # Someone else standing in today gives vadybininkas2 nothing either (the
        # absences stay: cancelling is the other tests' subject).
        self.assertAccess(task, False, role="retail", when="before his absence")
        self.absence(substitute="retail")
        self.assertAccess(task, False, when="another substitute's absence")
        self.assertAccess(task, True, role="retail", when="his absence")
        listed = {a["id"] for a in self.call("GET", "/api/v1/absences?user_id=%d"
                                             % self.ids["manager"], role="head").json()["items"]}
        self.assertTrue({future["id"], past["id"]} <= listed, listed)

    def test_who_may_record_and_cancel_absences(self):
        recorded = self.call("GET", "/api/v1/absences", role="director").json()["items"]
        self.absence(role="manager", status=403)
        self.absence(role="manager2", user="manager", substitute="manager2", status=403)
        self.absence(role="logistics", status=403)
        self.absence(role="head", user="svetimas.a", substitute="manager2", status=403,
                     field="user_id")
        self.absence(role="head", user="manager", substitute="svetimas.a", status=403,
                     field="substitute_id")
        # Bad absences, whoever records them.
        self.absence(start=2, end=1, status=400, field="to")
        self.absence(substitute="manager", status=400, field="substitute_id")
        r = self.call("POST", "/api/v1/absences",
                      {"user_id": self.ids["manager"], "substitute_id": self.ids["manager2"],
                       "from": "2026-02-30", "to": "2026-03-02"}, role="director")
        self.assertProblem(r, 400, field="from")
        r = self.call("POST", "/api/v1/absences",
                      {"user_id": self.ids["manager"], "substitute_id": self.ids["manager2"],
                       "to": "2026-03-02"}, role="director")
        self.assertProblem(r, 400, field="from")
        r = self.call("GET", "/api/v1/absences", role="director")
        self.assertEqual(r.json()["items"], recorded, "a refused absence was written")
        # A head within his department: recorded, and it works (vadybininke3 stands in
        # for vadybininkas2).
        theirs_client = self.list_all(f"/api/v1/clients?owner_id={self.ids['manager2']}",
                                      auth=self.bearer("head"))[0]["id"]
        path = f"/api/v1/clients/{theirs_client}"
        self.assertProblem(self.call("GET", path, role="retail"), 404)
        mine = self.absence(role="head", user="manager2", substitute="retail")
        self.assertEqual(self.call("GET", path, role="retail").status, 200)
        self.assertProblem(self.call("DELETE", f"/api/v1/absences/{mine['id']}",
                                     role="manager", headers={"If-Match": '"1"'}), 403)
        # The director across departments; that one is not the head's to see or cancel.
        theirs = self.absence(user="svetimas.a", substitute="svetimas.b")
        heads = [a["id"] for a in self.call("GET", "/api/v1/absences",
                                            role="head").json()["items"]]
        self.assertNotIn(theirs["id"], heads)
        self.assertIn(mine["id"], heads)
        r = self.call("DELETE", f"/api/v1/absences/{theirs['id']}", role="head",
                      headers={"If-Match": '"1"'})
        self.assertProblem(r, 404)
        # The head cancels his own record; the access ends with it.
        self.cancel(mine, role="head")
        self.assertProblem(self.call("GET", path, role="retail"), 404)

    def test_a_call_back_the_substitute_promised_stays_with_the_client_afterwards(self):
        # Managers of the other department, so that nothing here touches the other tests.
        r = self.call("POST", "/api/v1/clients", {"name": "Pažadėtas perskambinimas",
                                                  "owner_id": self.ids["svetimas.a"]},
                      role="director")
        self.assertEqual(r.status, 201, r.describe())
        cid = r.json()["id"]
        x = self.absence(user="svetimas.a", substitute="svetimas.b")
        now = int(time.time())
        r = self.call("POST", "/api/v1/activities",
                      {"client_id": cid, "type": "call", "outcome": "call_back",
                       "at": iso(now - 120), "callback_at": iso(now - 60)}, role="svetimas.b")
        self.assertEqual(r.status, 201, r.describe())
        promise = r.json()

        def call_backs(role):
            t = self.call("GET", "/api/v1/today", role=role)
            self.assertEqual(t.status, 200, t.describe())
            return [reason.get("activity_id") for i in t.json()["items"]
                    if i["client_id"] == cid for reason in i["reasons"]
                    if reason["code"] == "call_back"]

        self.assertEqual(call_backs("svetimas.b"), [promise["id"]], "during the absence")
        self.cancel(x)
        self.assertEqual(call_backs("svetimas.b"), [], "the substitute after the absence")
        self.assertEqual(call_backs("svetimas.a"), [promise["id"]],
                         "the call-back promised during the absence is on nobody's list after it")
