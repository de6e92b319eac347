# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_access.py - the access walk: every route of `klientas routes` with every role
(bearer token and cookie session) and anonymously. Anonymous on a non-public route: 401;
a role not in the rule: 403 and nothing written; a role in the rule: neither.

The expectations come from the routes output, and the platform routes are also held to
an explicit table here, so that a rule widened (or narrowed) in src/api/routes.c fails
this file until the table is changed with it.
"""

import harness
from harness import ROLES, ROLE_LOGINS

ALL = frozenset(ROLES)
ADMIN = frozenset({"admin"})
PUBLIC = None

# The access rules of the platform routes, as docs/api-v1.md states them.
PLATFORM_RULES = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("POST", "/api/v1/session"): PUBLIC,
    ("DELETE", "/api/v1/session"): ALL,
    ("GET", "/api/v1/me"): ALL,
    ("PATCH", "/api/v1/me"): ALL,
    ("POST", "/api/v1/me/password"): ALL,
    ("GET", "/api/v1/tokens"): ALL,
    ("POST", "/api/v1/tokens"): ALL,
    ("DELETE", "/api/v1/tokens/{id}"): ALL,
    ("GET", "/api/v1/users"): ADMIN,
    ("POST", "/api/v1/users"): ADMIN,
    ("GET", "/api/v1/users/{id}"): ADMIN,
    ("PATCH", "/api/v1/users/{id}"): ADMIN,
    ("GET", "/api/v1/departments"): ADMIN,
    ("POST", "/api/v1/departments"): ADMIN,
    ("GET", "/api/v1/departments/{id}"): ADMIN,
    ("PATCH", "/api/v1/departments/{id}"): ADMIN,
    ("DELETE", "/api/v1/departments/{id}"): ADMIN,
    ("GET", "/api/v1/audit"): frozenset({"admin", "director"}),
    # Notifications: everyone, his own only.
    ("GET", "/api/v1/notifications"): ALL,
    ("POST", "/api/v1/notifications/{id}/read"): ALL,
    ("POST", "/api/v1/notifications/read-all"): ALL,
}


class AccessWalk(harness.ServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.routes = harness.routes()
        admin = cls.bearer("admin")
        users = {u["login"]: u for u in _items(cls.port, "/api/v1/users?limit=200", admin)}
        depts = {d["name"]: d for d in _items(cls.port, "/api/v1/departments?limit=200", admin)}
        cls.user_id = users[ROLE_LOGINS["manager"]]["id"]
        cls.department_id = depts["Logistika"]["id"]
        spare = harness.request(cls.port, "GET", "/api/v1/tokens",
                                auth=harness.Bearer(cls.tokens["admin-spare"])).json()["items"]
        cls.token_id = [t for t in spare if t["name"] == "spare"][0]["id"]

    # ---- helpers ----

    def fill(self, path):
        out = []
        for seg in path.split("/"):
            if seg.startswith("{") and seg.endswith("}"):
                if path.startswith("/api/v1/users/"):
                    seg = str(self.user_id)
                elif path.startswith("/api/v1/departments/"):
                    seg = str(self.department_id)
                elif path.startswith("/api/v1/tokens/"):
                    seg = str(self.token_id)
                else:
                    seg = "1"
            out.append(seg)
        return "/".join(out)

    def snapshot(self):
        """What an admin can see that a write would change: the newest audit row (every
        change writes one; ids are never reused), the users and the departments."""
        admin = self.bearer("admin")
        r = harness.request(self.port, "GET", "/api/v1/audit?limit=1", auth=admin)
        self.assertEqual(r.status, 200, r.describe())
        return {
            "audit_newest": r.json()["items"][:1],
            "users": _items(self.port, "/api/v1/users?limit=200", admin),
            "departments": _items(self.port, "/api/v1/departments?limit=200", admin),
        }

    def ordered(self):
        """The routes, signing out (DELETE /api/v1/session) last."""
        return sorted(self.routes, key=lambda r: (r[0], r[1]) == ("DELETE", "/api/v1/session"))

    def walk(self, who, auth):
        """Call every route as who (a role, or None for anonymous) and check the answer."""
        checked = 0
        for method, pattern, roles in self.ordered():
            path = self.fill(pattern)
            body = {} if method in harness.UNSAFE else None
            died = False
            with self.subTest(who=who or "anonymous", route=f"{method} {pattern}"):
                forbidden = roles is not None and (who is None or who not in roles)
                # Refused writes must leave no trace (a refused read has nothing to leave).
                watch = forbidden and method in harness.UNSAFE
                before = self.snapshot() if watch else None
                try:
                    r = harness.request(self.port, method, path, body, auth=auth)
                except OSError:
                    if not self.server.died():
                        raise
                    died = True
                if not died:
                    if roles is None or (who is not None and who in roles):
                        self.assertNotIn(r.status, (401, 403), r.describe())
                        self.assertNotEqual(r.status, 405, r.describe())
                        self.assertLess(r.status, 500, r.describe())
                    elif who is None:
                        self.assertProblem(r, 401)
                    else:
                        self.assertProblem(r, 403)
                    if watch:
                        self.assertEqual(self.snapshot(), before,
                                         f"{method} {path} as {who or 'anonymous'} changed data")
            if died:
                self.death_reported = True
                self.fail(f"{method} {path} as {who or 'anonymous'}: "
                          + self.server.death_report())
            checked += 1
        self.assertEqual(checked, len(self.routes))

    # ---- tests ----

    def test_platform_rules_are_the_documented_ones(self):
        table = {}
        for method, path, roles in self.routes:
            self.assertNotIn((method, path), table, f"route {method} {path} listed twice")
            table[(method, path)] = None if roles is None else frozenset(roles)
            if roles is not None:
                self.assertTrue(set(roles) <= ALL, f"{method} {path}: unknown role in {roles}")
        for key, rule in PLATFORM_RULES.items():
            self.assertIn(key, table, f"platform route {key} missing from `klientas routes`")
            self.assertEqual(table[key], rule,
                             f"{key[0]} {key[1]}: rule {_fmt(table[key])}, expected {_fmt(rule)}")

    def test_anonymous(self):
        self.walk(None, None)

    def test_every_role_with_a_bearer_token(self):
        for role in ROLES:
            self.walk(role, self.bearer(role))

    def test_every_role_with_a_cookie_session(self):
        for role in ROLES:
            r, session = harness.sign_in(self.port, ROLE_LOGINS[role])
            self.assertEqual(r.status, 200, r.describe())
            self.walk(role, session)
            # The walk ended with DELETE /api/v1/session: the cookie is dead.
            self.assertProblem(harness.request(self.port, "GET", "/api/v1/me", auth=session), 401)

    def test_forbidden_writes_with_valid_bodies_change_nothing(self):
        """The admin-only writes, each with a body that would succeed, are refused for every
        other role and change nothing; then the same requests as admin do write."""
        admin = self.bearer("admin")
        r = self.admin("POST", "/api/v1/departments", {"name": "Walk empty department"})
        self.assertEqual(r.status, 201, r.describe())
        empty = r.json()

        def requests():
            u = self.admin("GET", f"/api/v1/users/{self.user_id}")
            d = self.admin("GET", f"/api/v1/departments/{empty['id']}")
            return [
                ("POST", "/api/v1/users", {"login": "walk.newuser", "name": "Walk New",
                                           "role": "admin", "password": "walk-password-1"}, {}),
                ("PATCH", f"/api/v1/users/{self.user_id}", {"name": "Walk Renamed",
                                                            "role": "admin"},
                 {"If-Match": u.header("ETag")}),
                ("POST", "/api/v1/departments", {"name": "Walk New Department"}, {}),
                ("PATCH", f"/api/v1/departments/{empty['id']}", {"name": "Walk Renamed Dept"},
                 {"If-Match": d.header("ETag")}),
                ("DELETE", f"/api/v1/departments/{empty['id']}", None,
                 {"If-Match": d.header("ETag")}),
            ]

        for role in ROLES:
            if role == "admin":
                continue
            for method, path, body, headers in requests():
                with self.subTest(role=role, route=f"{method} {path}"):
                    before = self.snapshot()
                    r = harness.request(self.port, method, path, body, headers=headers,
                                        auth=self.bearer(role))
                    self.assertProblem(r, 403)
                    self.assertEqual(self.snapshot(), before)
        expected = {"POST": (201,), "PATCH": (200,), "DELETE": (204,)}
        for i in range(len(requests())):
            method, path, body, headers = requests()[i]  # fresh ETags after each write
            r = harness.request(self.port, method, path, body, headers=headers, auth=admin)
            self.assertIn(r.status, expected[method], r.describe())


def _items(port, path, auth):
    r = harness.request(port, "GET", path, auth=auth)
    if r.status != 200:
        raise AssertionError(r.describe())
    items, cursor = r.json()["items"], r.json()["next_cursor"]
    while cursor:
        r = harness.request(port, "GET", f"{path}&cursor={cursor}", auth=auth)
        if r.status != 200:
            raise AssertionError(r.describe())
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
    return items


def _fmt(rule):
    return "public" if rule is None else ",".join(sorted(rule))
