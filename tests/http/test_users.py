# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_users.py - user and department administration (admin): create, read with ETag,
change with If-Match, conflicts, deleting departments, deactivation signing a user out,
paging with cursors, and the audit trail of all of it (who may read it, before/after)."""

import re
import threading

import harness

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


class UsersAndDepartments(harness.ServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        me = harness.request(cls.port, "GET", "/api/v1/me", auth=cls.bearer("admin")).json()
        cls.admin_id = me["id"]
        depts = harness.request(cls.port, "GET", "/api/v1/departments?limit=200",
                                auth=cls.bearer("admin")).json()["items"]
        cls.wholesale_id = [d for d in depts if d["name"] == "Didmeninė prekyba"][0]["id"]

    def create_user(self, login, **over):
        body = {"login": login, "name": login.title(), "role": "manager",
                "password": "user-password-1"}
        body.update(over)
        r = self.admin("POST", "/api/v1/users", body)
        self.assertEqual(r.status, 201, r.describe())
        return r

    def create_department(self, name, **over):
        r = self.admin("POST", "/api/v1/departments", dict({"name": name}, **over))
        self.assertEqual(r.status, 201, r.describe())
        return r.json()

    def patch(self, path, body, version):
        return self.admin("PATCH", path, body, headers={"If-Match": f'"{version}"'})

    def audit(self, entity, entity_id, role="admin"):
        r = self.call("GET", f"/api/v1/audit?entity={entity}&entity_id={entity_id}", role=role)
        self.assertEqual(r.status, 200, r.describe())
        return r.json()["items"]

    # ---- users ----

    def test_user_create_read_change_and_audit(self):
        r = self.create_user("crud.user", name="Crud User", department_id=self.wholesale_id,
                             lang="ru")
        u = r.json()
        create_rid = r.header("X-Request-Id")
        path = f"/api/v1/users/{u['id']}"
        self.assertEqual(r.header("Location"), path)
        self.assertEqual(r.header("ETag"), '"1"')
        for k, v in (("login", "crud.user"), ("name", "Crud User"), ("role", "manager"),
                     ("department_id", self.wholesale_id), ("active", True), ("lang", "ru"),
                     ("version", 1)):
            self.assertEqual(u.get(k), v, f"{k}: {u}")
        self.assertRegex(u["created_at"], ISO)
        self.assertRegex(u["updated_at"], ISO)
        self.assertFalse({"password", "password_hash"} & set(u), u)

        r = self.admin("GET", path)
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.header("ETag"), '"1"')
        self.assertEqual(r.json(), u)

        r = self.patch(path, {"name": "Crud Renamed", "role": "head"}, 1)
        self.assertEqual(r.status, 200, r.describe())
        patch_rid = r.header("X-Request-Id")
        self.assertEqual(r.json()["version"], 2)
        self.assertEqual(r.header("ETag"), '"2"')
        self.assertEqual(r.json()["name"], "Crud Renamed")
        self.assertEqual(r.json()["role"], "head")
        self.assertEqual(r.json()["login"], "crud.user")  # untouched fields stay
        self.assertEqual(r.json()["department_id"], self.wholesale_id)
        r = self.admin("GET", path)
        self.assertEqual(r.header("ETag"), '"2"')
        self.assertEqual(r.json()["name"], "Crud Renamed")
        self.assertGreaterEqual(r.json()["updated_at"], r.json()["created_at"])

        # Moving out of the department (null) is a change too.
        r = self.patch(path, {"department_id": None}, 2)
        self.assertEqual(r.status, 200, r.describe())
        self.assertIsNone(r.json()["department_id"])
        self.assertEqual(r.header("ETag"), '"3"')

        items = self.audit("user", u["id"])
        self.assertEqual([e["action"] for e in items], ["update", "update", "create"], items)
        self.assertTrue(all(e["entity"] == "user" and e["entity_id"] == u["id"] for e in items))
        self.assertTrue(all(e["user_id"] == self.admin_id for e in items), items)
        self.assertTrue(all(ISO.match(e["at"]) for e in items), items)
        create, rename = items[2], items[1]
        self.assertIsNone(create["before"])
        self.assertEqual(create["after"]["login"], "crud.user")
        self.assertEqual(create.get("request_id"), create_rid)
        self.assertEqual(rename["before"]["name"], "Crud User")
        self.assertEqual(rename["before"]["version"], 1)
        self.assertEqual(rename["after"]["name"], "Crud Renamed")
        self.assertEqual(rename["after"]["role"], "head")
        self.assertEqual(rename["after"]["version"], 2)
        self.assertEqual(rename.get("request_id"), patch_rid)
        self.assertEqual(items[0]["before"]["department_id"], self.wholesale_id)
        self.assertIsNone(items[0]["after"]["department_id"])
        text = str(items)
        self.assertNotIn("user-password-1", text)
        self.assertNotIn("argon2", text)

        # The director reads the same trail; the other roles may not.
        self.assertEqual(self.audit("user", u["id"], role="director"), items)
        for role in ("manager", "head", "logistics"):
            with self.subTest(role=role):
                r = self.call("GET", f"/api/v1/audit?entity=user&entity_id={u['id']}",
                              role=role)
                self.assertProblem(r, 403)

    def test_duplicate_login_is_409(self):
        self.create_user("dup.user")
        before = self.list_all("/api/v1/users")
        for login in ("dup.user", "DUP.User"):
            with self.subTest(login=login):
                r = self.admin("POST", "/api/v1/users",
                               {"login": login, "name": "Again", "role": "manager",
                                "password": "user-password-1"})
                self.assertProblem(r, 409, field="login")
        self.assertEqual(self.list_all("/api/v1/users"), before)
        # Renaming another user onto a taken login too.
        other = self.create_user("dup.other").json()
        r = self.patch(f"/api/v1/users/{other['id']}", {"login": "dup.user"}, 1)
        self.assertProblem(r, 409, field="login")
        self.assertEqual(self.admin("GET", f"/api/v1/users/{other['id']}").json()["login"],
                         "dup.other")

    def test_deactivating_a_user_ends_his_sessions_and_tokens(self):
        u = self.create_user("leaver", password="leaver-password-1").json()
        r, session = harness.sign_in(self.port, "leaver", "leaver-password-1")
        self.assertEqual(r.status, 200, r.describe())
        r = harness.request(self.port, "POST", "/api/v1/tokens", {"name": "script"},
                            auth=session)
        self.assertEqual(r.status, 201, r.describe())
        token = harness.Bearer(r.json()["token"])
        for auth in (session, token):
            self.assertEqual(harness.request(self.port, "GET", "/api/v1/me", auth=auth).status,
                             200)
        path = f"/api/v1/users/{u['id']}"
        r = self.patch(path, {"active": False}, 1)
        self.assertEqual(r.status, 200, r.describe())
        self.assertIs(r.json()["active"], False)
        for name, auth in (("session", session), ("token", token)):
            with self.subTest(credential=name):
                self.assertProblem(harness.request(self.port, "GET", "/api/v1/me", auth=auth),
                                   401)
        r, s = harness.sign_in(self.port, "leaver", "leaver-password-1")
        self.assertProblem(r, 401)
        items = self.audit("user", u["id"])
        self.assertEqual(items[0]["action"], "update")
        self.assertIs(items[0]["before"]["active"], True)
        self.assertIs(items[0]["after"]["active"], False)
        # Taking him back later does not bring the old credentials back to life.
        r = self.patch(path, {"active": True}, 2)
        self.assertEqual(r.status, 200, r.describe())
        with self.subTest(credential="session after reactivation"):
            self.assertProblem(harness.request(self.port, "GET", "/api/v1/me", auth=session),
                               401)
        with self.subTest(credential="token after reactivation"):
            self.assertProblem(harness.request(self.port, "GET", "/api/v1/me", auth=token), 401)

    def test_admin_cannot_deactivate_or_demote_himself(self):
        path = f"/api/v1/users/{self.admin_id}"
        r = self.admin("GET", path)
        etag = r.header("ETag")
        r = self.admin("PATCH", path, {"active": False}, headers={"If-Match": etag})
        self.assertProblem(r, 400, field="active")
        r = self.admin("PATCH", path, {"role": "manager"}, headers={"If-Match": etag})
        self.assertProblem(r, 400, field="role")
        r = self.admin("GET", path)
        self.assertEqual(r.header("ETag"), etag)
        self.assertIs(r.json()["active"], True)
        self.assertEqual(r.json()["role"], "admin")
        self.assertEqual(self.admin("GET", "/api/v1/me").status, 200)

    # ---- departments ----

    def test_department_create_read_change_and_audit(self):
        head = self.create_user("dept.head", role="head").json()
        r = self.admin("POST", "/api/v1/departments", {"name": "Eksportas"})
        self.assertEqual(r.status, 201, r.describe())
        d = r.json()
        path = f"/api/v1/departments/{d['id']}"
        self.assertEqual(r.header("Location"), path)
        self.assertEqual(r.header("ETag"), '"1"')
        self.assertEqual((d["name"], d["head_id"], d["version"]), ("Eksportas", None, 1))
        r = self.admin("GET", path)
        self.assertEqual(r.header("ETag"), '"1"')
        self.assertEqual(r.json(), d)
        r = self.patch(path, {"name": "Eksportas ir importas", "head_id": head["id"]}, 1)
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.header("ETag"), '"2"')
        self.assertEqual((r.json()["name"], r.json()["head_id"], r.json()["version"]),
                         ("Eksportas ir importas", head["id"], 2))
        r = self.patch(path, {"head_id": 999999}, 2)
        self.assertProblem(r, 400, field="head_id")
        r = self.admin("POST", "/api/v1/departments", {"name": "Eksportas ir importas"})
        self.assertProblem(r, 409, field="name")
        r = self.admin("DELETE", path, headers={"If-Match": '"2"'})
        self.assertEqual(r.status, 204, r.describe())
        self.assertProblem(self.admin("GET", path), 404)
        items = self.audit("department", d["id"])
        self.assertEqual([e["action"] for e in items], ["delete", "update", "create"])
        self.assertEqual(items[0]["before"]["name"], "Eksportas ir importas")
        self.assertIsNone(items[0]["after"])
        self.assertEqual(items[1]["before"]["name"], "Eksportas")
        self.assertEqual(items[1]["after"]["head_id"], head["id"])

    def test_department_with_users_cannot_be_deleted(self):
        d = self.create_department("Pardavimai")
        u = self.create_user("dept.member", department_id=d["id"]).json()
        path = f"/api/v1/departments/{d['id']}"
        trail = self.audit("department", d["id"])
        r = self.admin("DELETE", path, headers={"If-Match": '"1"'})
        self.assertProblem(r, 409)
        self.assertEqual(self.admin("GET", path).status, 200)
        self.assertEqual(self.admin("GET", f"/api/v1/users/{u['id']}").json()["department_id"],
                         d["id"])
        self.assertEqual(self.audit("department", d["id"]), trail)
        # Once the department is empty, it goes.
        r = self.patch(f"/api/v1/users/{u['id']}", {"department_id": None}, 1)
        self.assertEqual(r.status, 200, r.describe())
        r = self.admin("DELETE", path, headers={"If-Match": '"1"'})
        self.assertEqual(r.status, 204, r.describe())
        self.assertProblem(self.admin("GET", path), 404)

    def test_ids_of_deleted_departments_are_not_reused(self):
        """A deleted department's id must not pass to a new one: links, caches and the
        audit trail of that id would then speak of two departments."""
        d = self.create_department("Laikinas skyrius")
        r = self.admin("DELETE", f"/api/v1/departments/{d['id']}", headers={"If-Match": '"1"'})
        self.assertEqual(r.status, 204, r.describe())
        e = self.create_department("Naujas skyrius")
        self.assertNotEqual(e["id"], d["id"], "the id of a deleted department was reused")
        self.assertEqual([x["action"] for x in self.audit("department", e["id"])], ["create"])

    def test_concurrent_editors_one_wins_the_others_get_412(self):
        """Nothing a second editor writes is silently lost: of several PATCHes holding the
        same version, exactly one is applied."""
        d = self.create_department("Concurrent edits")
        path = f"/api/v1/departments/{d['id']}"
        results = [None] * 6
        go = threading.Barrier(len(results))

        def edit(i):
            go.wait()
            results[i] = self.patch(path, {"name": f"Concurrent edit {i}"}, 1)

        threads = [threading.Thread(target=edit, args=(i,)) for i in range(len(results))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60 * harness.SLOW)
        statuses = sorted(r.status for r in results)
        self.assertEqual(statuses, [200] + [412] * (len(results) - 1),
                         [r.describe() for r in results])
        winner = [r for r in results if r.status == 200][0].json()
        now = self.admin("GET", path).json()
        self.assertEqual((now["name"], now["version"]), (winner["name"], 2))
        self.assertEqual(len([e for e in self.audit("department", d["id"])
                              if e["action"] == "update"]), 1)

    def test_a_role_change_applies_to_the_next_request(self):
        u = self.create_user("demoted.admin", role="admin").json()
        tok = harness.cli_ok("token", "create", "--db", "sqlite:" + self.db, "--login",
                             "demoted.admin", "--name", "t").stdout.strip()
        auth = harness.Bearer(tok)
        self.assertEqual(self.call("GET", "/api/v1/users", auth=auth).status, 200)
        r = self.patch(f"/api/v1/users/{u['id']}", {"role": "manager"}, 1)
        self.assertEqual(r.status, 200, r.describe())
        self.assertProblem(self.call("GET", "/api/v1/users", auth=auth), 403)
        r = self.call("POST", "/api/v1/departments", {"name": "Demoted"}, auth=auth)
        self.assertProblem(r, 403)

    # ---- paging ----

    def walk_pages(self, base, limit):
        pages, cursor = [], None
        sep = "&" if "?" in base else "?"
        for _ in range(1000):
            r = self.admin("GET", f"{base}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor
                                                                 else ""))
            self.assertEqual(r.status, 200, r.describe())
            j = r.json()
            self.assertEqual(set(j), {"items", "next_cursor"}, j)
            pages.append(j["items"])
            cursor = j["next_cursor"]
            if cursor is None:
                return pages
            self.assertIsInstance(cursor, str)
        self.fail("paging did not end")

    def check_paging(self, base, newest_first=False):
        everything = [x for page in self.walk_pages(base, 200) for x in page]
        self.assertGreaterEqual(len(everything), 5)
        pages = self.walk_pages(base, 2)
        for page in pages:
            self.assertTrue(1 <= len(page) <= 2, f"page of {len(page)}: {pages}")
        self.assertEqual(len(pages), (len(everything) + 1) // 2)
        ids = [x["id"] for page in pages for x in page]
        self.assertEqual(len(ids), len(set(ids)), f"duplicates across pages: {ids}")
        self.assertEqual(ids, [x["id"] for x in everything])
        self.assertEqual(ids, sorted(ids, reverse=newest_first))

    def test_paging_users(self):
        for i in range(4):
            self.create_user(f"page.user{i}")
        self.check_paging("/api/v1/users")

    def test_paging_departments(self):
        for i in range(5):
            self.create_department(f"Page department {i}")
        self.check_paging("/api/v1/departments")
        # An exact multiple of the page size: the last full page says there is no more.
        n = len(self.list_all("/api/v1/departments"))
        if n % 2:
            self.create_department("Page department even")
        pages = self.walk_pages("/api/v1/departments", 2)
        self.assertTrue(all(len(p) == 2 for p in pages), pages)

    def test_paging_audit_newest_first(self):
        for i in range(3):
            self.create_department(f"Audit page {i}")
        self.check_paging("/api/v1/audit", newest_first=True)
        self.check_paging("/api/v1/audit?entity=department", newest_first=True)
