# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_clients_access.py - who sees which clients (R34, issue 3 "Done when": each role sees
exactly the set it should in get, list, search and export, on both backends).

The demo base (one sales department, "Didmeninė prekyba", headed by vadovas, with the
managers vadybininkas1, vadybininkas2 and vadybininke3) gets a second department with a
manager of its own, a client of the head's own, a client without an owner and a deleted
client, each with a unique word, company code and phone. The expected set of every login
is computed from the database itself (not from an API answer): a manager sees the clients
he owns; the head those owned by users of his department; the director and the admin all;
logistics none (403). Then every login is checked in GET (404 for an invisible client,
never 403 or data), the list (all pages), search (/search and /clients?q=), the CSV
export (its ids and X-Export-Rows) and the contacts and history of the clients.

The same tests run on SQLite and on PostgreSQL (a throwaway cluster of scripts/pg-test;
the PostgreSQL class is skipped, saying why, only when that cluster cannot start).
"""

import csv
import io
import sqlite3
import subprocess
import unittest
import urllib.parse

import harness

LOGINS = ("admin", "direktorius", "vadovas", "vadybininkas1", "vadybininkas2", "vadybininke3",
          "logistikas", "kitas.vadybininkas")
OTHER_LOGIN = "kitas.vadybininkas"  # a manager of the second department, made here
WORD = "Kvarcas"  # in the name of every client made here, in no demo client


def _csv_ids(body):
    text = body.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    return [int(r["id"]) for r in rows]


class _AccessChecks:
    """The tests; a concrete class says how to make the database and the server."""

    url = None  # the --db argument of the CLI
    server = None
    pgdir = None

    # ---- set-up ----

    @classmethod
    def make_database(cls):  # -> the --db URL of a database holding the demo data
        raise NotImplementedError

    @classmethod
    def make_server(cls):
        raise NotImplementedError

    @classmethod
    def query(cls, sql):  # -> rows of the database, as tuples of ints (NULL: None)
        raise NotImplementedError

    @classmethod
    def setUpClass(cls):
        cls.dir = harness.tmpdir(cls.__name__)
        try:
            cls.url = cls.make_database()
            cls.server = cls.make_server()
            cls.port = cls.server.port
            cls.tokens = {}
            for login in LOGINS:
                if login != OTHER_LOGIN:
                    cls.tokens[login] = cls.token(login)
            cls.populate()
            cls.tokens[OTHER_LOGIN] = cls.token(OTHER_LOGIN)
            cls.read_truth()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.server is not None:
                cls.server.stop()
        finally:
            cls.server = None
            harness.pg_stop(cls.pgdir)
            cls.pgdir = None

    @classmethod
    def token(cls, login):
        return harness.cli_ok("token", "create", "--db", cls.url, "--login", login, "--name",
                              "access-tests").stdout.strip()

    dead = None  # how the shared server died, once it did

    @classmethod
    def api(cls, login, method, path, body=None, expect=None, **kw):
        if cls.dead:
            raise AssertionError(f"{method} {path} as {login}: the server died earlier")
        try:
            r = harness.request(cls.port, method, path, body,
                                auth=harness.Bearer(cls.tokens[login]), **kw)
        except OSError:
            if cls.server is None or not cls.server.died(wait=10 * harness.SLOW):
                raise
            cls.dead = cls.server.death_report()
            raise AssertionError(f"{method} {path} as {login}: {cls.dead}") from None
        if expect is not None and r.status != expect:
            raise AssertionError(f"set-up: {r.describe()}")
        return r

    @classmethod
    def populate(cls):
        """The second department, its manager and the clients made for these tests."""
        users = cls.api("admin", "GET", "/api/v1/users?limit=200", expect=200).json()["items"]
        cls.user_ids = {u["login"]: u["id"] for u in users}
        dept = cls.api("admin", "POST", "/api/v1/departments", {"name": "Projektų skyrius"},
                       expect=201).json()
        other = cls.api("admin", "POST", "/api/v1/users",
                        {"login": OTHER_LOGIN, "name": "Kitas Vadybininkas", "role": "manager",
                         "department_id": dept["id"], "password": "kitas-password-1"},
                        expect=201).json()
        cls.user_ids[OTHER_LOGIN] = other["id"]
        uid = cls.user_ids
        # name suffix, owner login (None: no owner), type; n: company code and phone number
        made = [("Vienas", "vadybininkas1", "business"), ("Du", "vadybininkas2", "business"),
                ("Trys", "vadybininke3", "retail"), ("Keturi", "vadovas", "business"),
                ("Penki", OTHER_LOGIN, "business"), ("Šeši", None, "business"),
                ("Septyni", OTHER_LOGIN, "business"), ("Aštuoni", "vadybininkas1", "business")]
        cls.made = {}  # suffix -> {id, code, phone, owner}
        for n, (suffix, owner, typ) in enumerate(made, start=1):
            code = f"59{n:07d}"
            phone = f"+3706990{n:04d}"
            body = {"name": f"UAB {WORD} {suffix}", "company_code": code, "type": typ,
                    "city": "Kvarcų miestas", "phone": phone,
                    "owner_id": uid[owner] if owner else None}
            c = cls.api("admin", "POST", "/api/v1/clients", body, expect=201).json()
            cls.made[suffix] = {"id": c["id"], "code": code, "phone": phone, "owner": owner}
            cls.api("admin", "POST", f"/api/v1/clients/{c['id']}/contacts",
                    {"name": f"{WORD}aitė {suffix}", "phones": [f"+3706991{n:04d}"]},
                    expect=201)
        # More clients of the other department, so that its share is not a single row.
        for n in range(3):
            cls.api("admin", "POST", "/api/v1/clients",
                    {"name": f"Projektų klientas {n}", "owner_id": uid[OTHER_LOGIN]},
                    expect=201)
        # A deleted client: nobody sees it, not even the admin.
        gone = cls.made["Aštuoni"]["id"]
        r = cls.api("admin", "GET", f"/api/v1/clients/{gone}", expect=200)
        cls.api("admin", "DELETE", f"/api/v1/clients/{gone}",
                headers={"If-Match": r.header("ETag")}, expect=204)
        cls.deleted_id = gone

    @classmethod
    def read_truth(cls):
        """The live clients, their owners' departments and the live contacts, straight from
        the database."""
        cls.clients = {}
        for cid, owner, dept in cls.query(
                "SELECT c.id, c.owner_id, u.department_id FROM clients c LEFT JOIN users u "
                "ON u.id = c.owner_id WHERE c.deleted_at IS NULL AND c.merged_into_id IS NULL"):
            cls.clients[cid] = (owner, dept)
        cls.contacts = {}
        for kid, cid in cls.query("SELECT id, client_id FROM contacts WHERE deleted_at IS NULL"):
            if cid in cls.clients:
                cls.contacts[kid] = cid
        (cls.head_dept,), = cls.query("SELECT department_id FROM users WHERE login = 'vadovas'")
        if len(cls.clients) < 100:
            raise AssertionError(f"set-up: only {len(cls.clients)} clients in the database")
        if cls.deleted_id in cls.clients:
            raise AssertionError("set-up: the deleted client is live in the database")

    # ---- expectations ----

    def expected(self, login):
        """The ids of the clients login may see, by the rules of docs/clients.md."""
        if login in ("admin", "direktorius"):
            return set(self.clients)
        if login == "logistikas":
            return set()
        if login == "vadovas":
            return {c for c, (_o, d) in self.clients.items() if d == self.head_dept}
        me = self.user_ids[login]
        return {c for c, (o, _d) in self.clients.items() if o == me}

    def probe_ids(self):
        """Clients to GET one by one: every client made here, a few of every owner's, the
        deleted one and one that never existed."""
        ids = {m["id"] for m in self.made.values()}
        by_owner = {}
        for cid in sorted(self.clients):
            by_owner.setdefault(self.clients[cid][0], []).append(cid)
        for owned in by_owner.values():
            ids.update(owned[:3] + owned[-2:])
        ids.add(self.deleted_id)
        ids.add(max(self.clients) + 1000)
        return sorted(ids)

    def get(self, login, path):
        return self.api(login, "GET", path)

    def assertNotFound(self, r):
        self.assertEqual(r.status, 404, r.describe())
        self.assertTrue((r.header("Content-Type") or "").startswith("application/problem+json"),
                        r.describe())
        self.assertNotIn(b"company_code", r.body, r.describe())

    def assertForbidden(self, r):
        self.assertEqual(r.status, 403, r.describe())
        self.assertNotIn(b'"items"', r.body, r.describe())

    def sanity(self):
        """The fixture discriminates: every login's set differs from its neighbours'."""
        sets = {login: self.expected(login) for login in LOGINS}
        self.assertGreater(len(sets["admin"]), len(sets["vadovas"]))
        self.assertGreater(len(sets["vadovas"]), len(sets["vadybininkas1"]))
        for login in ("vadybininkas1", "vadybininkas2", "vadybininke3", OTHER_LOGIN):
            self.assertTrue(sets[login], login)
            self.assertFalse(sets[login] - sets["admin"], login)
        self.assertFalse(sets[OTHER_LOGIN] & sets["vadovas"])
        self.assertIn(self.made["Keturi"]["id"], sets["vadovas"])
        self.assertNotIn(self.made["Šeši"]["id"], sets["vadovas"])

    # ---- tests ----

    def test_list_shows_exactly_the_visible_clients_on_every_page(self):
        self.sanity()
        for login in LOGINS:
            with self.subTest(login=login):
                if login == "logistikas":
                    self.assertForbidden(self.get(login, "/api/v1/clients"))
                    continue
                items, cursor, pages = [], None, 0
                while True:
                    path = "/api/v1/clients?limit=13" + (f"&cursor={cursor}" if cursor else "")
                    r = self.get(login, path)
                    self.assertEqual(r.status, 200, r.describe())
                    j = r.json()
                    self.assertLessEqual(len(j["items"]), 13)
                    items += j["items"]
                    pages += 1
                    cursor = j["next_cursor"]
                    if not cursor:
                        break
                    self.assertLess(pages, 100, "paging does not end")
                ids = [c["id"] for c in items]
                self.assertEqual(len(ids), len(set(ids)), f"{login}: a client on two pages")
                self.assertEqual(set(ids), self.expected(login),
                                 f"{login}: extra {sorted(set(ids) - self.expected(login))}, "
                                 f"missing {sorted(self.expected(login) - set(ids))}")

    def test_get_answers_404_for_every_invisible_client(self):
        for login in LOGINS:
            visible = self.expected(login)
            for cid in self.probe_ids():
                with self.subTest(login=login, client=cid):
                    r = self.get(login, f"/api/v1/clients/{cid}")
                    if login == "logistikas":
                        self.assertForbidden(r)
                    elif cid in visible:
                        self.assertEqual(r.status, 200, r.describe())
                        self.assertEqual(r.json()["id"], cid)
                    else:
                        self.assertNotFound(r)

    def test_contacts_history_and_changes_of_invisible_clients_are_404(self):
        probe = [m["id"] for m in self.made.values() if m["id"] != self.deleted_id]
        contacts_of = {}
        for kid, cid in self.contacts.items():
            contacts_of.setdefault(cid, []).append(kid)
        for login in LOGINS:
            visible = self.expected(login)
            for cid in probe:
                with self.subTest(login=login, client=cid):
                    paths = [f"/api/v1/clients/{cid}/contacts", f"/api/v1/clients/{cid}/history"]
                    paths += [f"/api/v1/contacts/{k}" for k in contacts_of.get(cid, [])]
                    for path in paths:
                        r = self.get(login, path)
                        if login == "logistikas":
                            self.assertForbidden(r)
                        elif cid in visible:
                            self.assertEqual(r.status, 200, r.describe())
                        else:
                            self.assertNotFound(r)
                    if login == "logistikas" or cid in visible:
                        continue
                    # Changing or deleting an invisible client: 404 too, and nothing changes.
                    before = self.api("admin", "GET", f"/api/v1/clients/{cid}")
                    for method, body in (("PATCH", {"notes": "not yours"}), ("DELETE", None)):
                        r = self.api(login, method, f"/api/v1/clients/{cid}", body,
                                     headers={"If-Match": before.header("ETag") or '"1"'})
                        self.assertNotFound(r)
                    for k in contacts_of.get(cid, [])[:1]:
                        r = self.api(login, "PATCH", f"/api/v1/contacts/{k}", {"name": "X"},
                                     headers={"If-Match": '"1"'})
                        self.assertNotFound(r)
                    after = self.api("admin", "GET", f"/api/v1/clients/{cid}")
                    self.assertEqual(after.status, 200, after.describe())
                    self.assertEqual(after.json(), before.json(), "a refused change wrote")

    def test_search_finds_only_visible_clients_and_their_contacts(self):
        made = {m["id"]: m for m in self.made.values() if m["id"] != self.deleted_id}
        for login in LOGINS:
            visible = self.expected(login)
            mine = {cid for cid in made if cid in visible}
            with self.subTest(login=login, search="word"):
                for path in (f"/api/v1/search?q={WORD[:5].lower()}",
                             f"/api/v1/clients?q={WORD[:4].upper()}"):
                    r = self.get(login, path)
                    if login == "logistikas":
                        self.assertForbidden(r)
                        continue
                    self.assertEqual(r.status, 200, r.describe())
                    items = r.json()["items"]
                    clients = {i["id"] for i in items if i.get("kind", "client") == "client"}
                    self.assertEqual(clients, mine, f"{login} {path}")
                    for i in items:
                        if i.get("kind") == "contact":
                            self.assertIn(i["client_id"], visible, f"{login}: {i}")
                    if path.startswith("/api/v1/search"):
                        contact_clients = {i["client_id"] for i in items
                                           if i.get("kind") == "contact"}
                        self.assertEqual(contact_clients, mine,
                                         f"{login}: the contacts named {WORD}aitė")
            if login == "logistikas":
                continue
            for cid, m in made.items():
                national = "8" + m["phone"][4:]
                spaced = f"{national[0]} {national[1:4]} {national[4:]}"
                for q in (m["code"], spaced, m["phone"]):
                    with self.subTest(login=login, client=cid, q=q):
                        r = self.get(login, "/api/v1/search?q=" + urllib.parse.quote(q))
                        self.assertEqual(r.status, 200, r.describe())
                        got = {i["id"] for i in r.json()["items"] if i.get("kind") == "client"}
                        self.assertEqual(got, {cid} if cid in visible else set(), r.describe())
            with self.subTest(login=login, search="broad"):
                # A broad query never reaches past the caller's scope.
                for q in ("uab", "a", "kv"):
                    r = self.get(login, "/api/v1/search?q=" + q)
                    self.assertEqual(r.status, 200, r.describe())
                    got = {i["id"] for i in r.json()["items"] if i.get("kind") == "client"}
                    self.assertFalse(got - visible, f"{login} q={q}: {sorted(got - visible)}")
        # The deleted client is found by nobody.
        gone = self.made["Aštuoni"]
        for login in ("admin", "vadybininkas1"):
            r = self.get(login, "/api/v1/search?q=" + gone["code"])
            self.assertEqual([i for i in r.json()["items"] if i.get("kind") == "client"], [],
                             r.describe())

    def test_export_holds_exactly_the_visible_clients(self):
        for login in LOGINS:
            with self.subTest(login=login):
                r = self.get(login, "/api/v1/exports/clients?format=csv")
                if login == "logistikas":
                    self.assertForbidden(r)
                    continue
                self.assertEqual(r.status, 200, r.describe())
                ids = _csv_ids(r.body)
                self.assertEqual(len(ids), len(set(ids)), f"{login}: a row twice")
                want = self.expected(login)
                self.assertEqual(set(ids), want,
                                 f"{login}: extra {sorted(set(ids) - want)}, "
                                 f"missing {sorted(want - set(ids))}")
                self.assertEqual(r.header("X-Export-Rows"), str(len(want)))


class AccessOnSqlite(_AccessChecks, harness.Case):
    @classmethod
    def make_database(cls):
        cls.db_path, _ = harness.demo_db(cls.dir)
        return "sqlite:" + cls.db_path

    @classmethod
    def make_server(cls):
        return harness.Server(cls.db_path, cls.dir).start()

    @classmethod
    def query(cls, sql):
        con = sqlite3.connect(f"file:{cls.db_path}?mode=ro", uri=True, timeout=30)
        try:
            return [tuple(row) for row in con.execute(sql)]
        finally:
            con.close()


class AccessOnPostgres(_AccessChecks, harness.Case):
    @classmethod
    def make_database(cls):
        cls.pgdir, url = harness.pg_start()
        harness.cli_ok("demo", "--db", url, timeout=180 * harness.SLOW)
        return url

    @classmethod
    def make_server(cls):
        return harness.PgServer(cls.url, cls.dir).start()

    @classmethod
    def query(cls, sql):
        p = subprocess.run(["psql", "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                            "-d", cls.url, "-c", sql], capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise AssertionError(f"psql: {p.stderr}")
        rows = []
        for line in p.stdout.splitlines():
            if line.strip():
                rows.append(tuple(int(v) if v != "" else None for v in line.split("\t")))
        return rows


if __name__ == "__main__":
    unittest.main()
