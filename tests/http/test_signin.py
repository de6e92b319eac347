# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_signin.py - sign-in, the session cookie, CSRF, sign-out, throttling of failed
sign-ins (per login and per address) and changing one's password.

Every request here comes from loopback, but from different addresses of 127.0.0.0/8 (the
server sees the source address), so that the per-address throttle of one test does not
spill into another; each test signs in with logins of its own for the same reason."""

import re

import harness

LT_LETTERS = set("ąčęėįšųūžĄČĘĖĮŠŲŪŽ")
CYRILLIC = re.compile("[\u0400-\u04ff]")


class SignIn(harness.ServerCase):
    _users = 0

    def addr(self, n):
        """A source address of its own for each test (127.0.0.10 and up)."""
        return f"127.0.0.{n}"

    def new_user(self, login, password="first-password-1", role="manager"):
        r = self.admin("POST", "/api/v1/users", {"login": login, "name": login.title(),
                                                 "role": role, "password": password,
                                                 "lang": "en"})
        self.assertEqual(r.status, 201, r.describe())
        return r.json()

    def assertThrottled(self, r):
        j = self.assertProblem(r, 429)
        ra = r.header("Retry-After")
        self.assertIsNotNone(ra, f"{r.describe()}: no Retry-After")
        self.assertRegex(ra, r"^[0-9]+$", r.describe())
        self.assertGreater(int(ra), 0, r.describe())
        self.assertLessEqual(int(ra), 15 * 60, r.describe())
        return j

    # ---- tests ----

    def test_wrong_password_in_the_callers_language(self):
        src = self.addr(10)
        details, titles = {}, {}
        for lang in ("en", "lt", "ru"):
            r, s = harness.sign_in(self.port, "vadybininkas2", "wrong-password", source=src,
                                   lang=lang)
            self.assertIsNone(s)
            j = self.assertProblem(r, 401, field="password")
            details[lang], titles[lang] = j["detail"], j["title"]
        self.assertTrue(details["en"].isascii(), details)
        self.assertTrue(LT_LETTERS & set(details["lt"]), f"no Lithuanian text: {details}")
        self.assertTrue(CYRILLIC.search(details["ru"]), f"no Russian text: {details}")
        self.assertEqual(len(set(details.values())), 3, details)
        self.assertEqual(len(set(titles.values())), 3, titles)
        # A region subtag and q-values pick the language too.
        r, _ = harness.sign_in(self.port, "vadybininkas2", "wrong-password", source=src,
                               lang="lt-LT,lt;q=0.9,en;q=0.5")
        self.assertEqual(self.assertProblem(r, 401)["detail"], details["lt"])
        # An unknown login reads exactly like a wrong password (no login enumeration).
        r, _ = harness.sign_in(self.port, "no.such.login", "wrong-password", source=src)
        self.assertEqual(self.assertProblem(r, 401)["detail"], details["en"])
        r, s = harness.sign_in(self.port, "vadybininkas2", source=src)
        self.assertEqual(r.status, 200, r.describe())

    def test_the_users_language_wins_over_accept_language(self):
        r, s = harness.sign_in(self.port, "vadybininke3", source=self.addr(11), lang="en")
        self.assertEqual(r.status, 200, r.describe())
        r = harness.request(self.port, "GET", "/api/v1/users", auth=s,
                            headers={"Accept-Language": "en"})
        j = self.assertProblem(r, 403)
        self.assertTrue(CYRILLIC.search(j["detail"]), j)

    def test_sign_in_cookie_csrf_and_sign_out(self):
        r, s = harness.sign_in(self.port, "logistikas", source=self.addr(12))
        self.assertEqual(r.status, 200, r.describe())
        cookies = [c for c in r.header_all("Set-Cookie") if c.startswith("kl_session=")]
        self.assertEqual(len(cookies), 1, r.header_all("Set-Cookie"))
        attrs = {a.strip().split("=")[0].lower(): a.strip() for a in cookies[0].split(";")[1:]}
        self.assertIn("httponly", attrs, cookies[0])
        self.assertEqual(attrs.get("samesite"), "SameSite=Strict", cookies[0])
        self.assertEqual(attrs.get("path"), "Path=/", cookies[0])
        self.assertTrue(s.cookie, cookies[0])
        j = r.json()
        self.assertEqual(j["user"]["login"], "logistikas")
        self.assertEqual(j["user"]["role"], "logistics")
        self.assertNotIn("password_hash", j["user"])
        self.assertNotIn("password", j["user"])
        self.assertTrue(s.csrf)
        # The cookie signs in; /me tells the same CSRF token.
        me = harness.request(self.port, "GET", "/api/v1/me", auth=s)
        self.assertEqual(me.status, 200, me.describe())
        self.assertEqual(me.json()["login"], "logistikas")
        self.assertEqual(me.json()["csrf_token"], s.csrf)
        # The CSRF token works for an unsafe method.
        r = harness.request(self.port, "POST", "/api/v1/tokens", {"name": "from the browser"},
                            auth=s)
        self.assertEqual(r.status, 201, r.describe())
        # A second session of the same user is independent of the first.
        r2, s2 = harness.sign_in(self.port, "logistikas", source=self.addr(12))
        self.assertEqual(r2.status, 200, r2.describe())
        self.assertNotEqual(s2.cookie, s.cookie)
        # Sign out: 204, the cookie is cleared, and the old cookie no longer works.
        r = harness.request(self.port, "DELETE", "/api/v1/session", auth=s)
        self.assertEqual(r.status, 204, r.describe())
        cleared = [c for c in r.header_all("Set-Cookie") if c.startswith("kl_session=")]
        self.assertEqual(len(cleared), 1, r.header_all("Set-Cookie"))
        self.assertTrue(cleared[0].startswith("kl_session=;") or "Max-Age=0" in cleared[0],
                        cleared[0])
        self.assertProblem(harness.request(self.port, "GET", "/api/v1/me", auth=s), 401)
        self.assertEqual(harness.request(self.port, "GET", "/api/v1/me", auth=s2).status, 200)

    def test_throttling_per_login(self):
        self.new_user("throttle.login", password="right-password-1")
        self.new_user("throttle.other", password="right-password-2")
        src, other_src = self.addr(20), self.addr(21)
        for i in range(10):
            r, _ = harness.sign_in(self.port, "throttle.login", f"wrong-{i}", source=src)
            self.assertProblem(r, 401)
        # The 11th, even with the right password, is refused without checking it.
        r, s = harness.sign_in(self.port, "throttle.login", "right-password-1", source=src)
        self.assertIsNone(s)
        self.assertThrottled(r)
        # The same login from another address is throttled too...
        r, s = harness.sign_in(self.port, "throttle.login", "right-password-1", source=other_src)
        self.assertIsNone(s)
        self.assertThrottled(r)
        # ...but another login from another address is not.
        r, s = harness.sign_in(self.port, "throttle.other", "right-password-2", source=other_src)
        self.assertEqual(r.status, 200, r.describe())
        # In Lithuanian too, with the number of seconds.
        r, _ = harness.sign_in(self.port, "throttle.login", "right-password-1", source=src,
                               lang="lt")
        j = self.assertThrottled(r)
        self.assertTrue(LT_LETTERS & set(j["detail"]), j)
        self.assertIn(r.header("Retry-After"), j["detail"])

    def test_throttling_per_address(self):
        self.new_user("throttle.addr", password="right-password-3")
        src = self.addr(30)
        # Ten failures spread over ten logins, from one address.
        for i in range(10):
            r, _ = harness.sign_in(self.port, f"spread.{i}", "wrong-password", source=src)
            self.assertProblem(r, 401)
        r, s = harness.sign_in(self.port, "throttle.addr", "right-password-3", source=src)
        self.assertIsNone(s)
        self.assertThrottled(r)
        # The same login from another address signs in.
        r, s = harness.sign_in(self.port, "throttle.addr", "right-password-3",
                               source=self.addr(31))
        self.assertEqual(r.status, 200, r.describe())

    def test_password_change(self):
        self.new_user("pw.change", password="first-password-1")
        src = self.addr(40)
        r, s1 = harness.sign_in(self.port, "pw.change", "first-password-1", source=src)
        self.assertEqual(r.status, 200, r.describe())
        r, s2 = harness.sign_in(self.port, "pw.change", "first-password-1", source=src)
        self.assertEqual(r.status, 200, r.describe())

        def change(current, new, auth=s1):
            return harness.request(self.port, "POST", "/api/v1/me/password",
                                   {"current_password": current, "new_password": new},
                                   auth=auth)

        self.assertProblem(change("not-the-password", "second-password-2"), 400,
                           field="current_password")
        self.assertProblem(change("first-password-1", "short"), 400, field="new_password")
        self.assertProblem(change("", "second-password-2"), 400, field="current_password")
        # Nothing changed yet: both sessions live, the first password still signs in.
        self.assertEqual(harness.request(self.port, "GET", "/api/v1/me", auth=s2).status, 200)
        r = change("first-password-1", "second-password-2")
        self.assertEqual(r.status, 204, r.describe())
        self.assertEqual(r.body, b"")
        # The session that changed it goes on; the other one is signed out.
        self.assertEqual(harness.request(self.port, "GET", "/api/v1/me", auth=s1).status, 200)
        self.assertProblem(harness.request(self.port, "GET", "/api/v1/me", auth=s2), 401)
        r, s = harness.sign_in(self.port, "pw.change", "first-password-1", source=src)
        self.assertProblem(r, 401)
        r, s = harness.sign_in(self.port, "pw.change", "second-password-2", source=src)
        self.assertEqual(r.status, 200, r.describe())
        # The change is in the audit trail, without the password.
        uid = s.user["id"]
        r = self.admin("GET", f"/api/v1/audit?entity=user&entity_id={uid}")
        self.assertEqual(r.status, 200, r.describe())
        self.assertIn("password_change", [e["action"] for e in r.json()["items"]])
        self.assertNotIn("second-password-2", r.text)
