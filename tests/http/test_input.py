# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_input.py - bad input gets a clear 4xx application/problem+json (type, title, status,
detail, request_id, and field when one field is at fault), never a crash or a partial
write: bodies that are not JSON objects, wrong types, unknown and missing fields, bodies
over the 1 MiB limit, wrong content types, CSRF, sessions and tokens that are gone,
If-Match, unknown paths and methods, paging parameters and path ids."""

import socket
import threading

import harness
from harness import SLOW

LIMIT = 1024 * 1024


def good_user(**over):
    u = {"login": "input.user", "name": "Input User", "role": "manager",
         "password": "input-password-1"}
    u.update(over)
    return u


class RawResponse:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body


def read_response(sock, buf=b""):
    """Read one HTTP/1.1 response (Content-Length bodies) from sock; buf: bytes already read.
    Returns (RawResponse, rest) or (None, buf) when the connection ended first."""
    while b"\r\n\r\n" not in buf:
        try:
            d = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            return None, buf
        if not d:
            return None, buf
        buf += d
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    n = int(headers.get("content-length", "0"))
    while len(rest) < n:
        try:
            d = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            return None, buf
        if not d:
            return None, buf
        rest += d
    return RawResponse(status, headers, rest[:n]), rest[n:]


class BadInput(harness.ServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r, cls.session = harness.sign_in(cls.port, "admin")
        if cls.session is None:
            raise AssertionError(r.describe())

    def users(self):
        return self.list_all("/api/v1/users")

    def post_user(self, body, **kw):
        return self.admin("POST", "/api/v1/users", body, **kw)

    def assertNoNewUsers(self, before):
        self.assertEqual([u["login"] for u in self.users()], [u["login"] for u in before])

    def assertServerUp(self):
        r = self.call("GET", "/healthz")
        self.assertEqual(r.status, 200, r.describe())

    def new_department(self, name):
        r = self.admin("POST", "/api/v1/departments", {"name": name})
        self.assertEqual(r.status, 201, r.describe())
        return r.json()

    # ---- bodies ----

    def test_malformed_json(self):
        before = self.users()
        for body in ('{"login": "input.user",', '{"login": }', "{'login': 'x'}", "{,}",
                     '{"login": "a"} trailing', "nul\x00l"):
            with self.subTest(body=body):
                self.assertProblem(self.post_user(body), 400)
        self.assertNoNewUsers(before)

    def test_body_not_an_object(self):
        before = self.users()
        for body in ("[]", '[{"login": "input.user"}]', '"input.user"', "5", "null", "true"):
            with self.subTest(body=body):
                self.assertProblem(self.post_user(body), 400)
        self.assertNoNewUsers(before)

    def test_empty_body(self):
        self.assertProblem(self.post_user(b""), 400)

    def test_wrong_types_name_the_field(self):
        before = self.users()
        cases = [
            ({"login": 5}, "login"),
            ({"name": ["Input"]}, "name"),
            ({"role": None}, "role"),
            ({"password": 12345678}, "password"),
            ({"active": "yes"}, "active"),
            ({"department_id": "1"}, "department_id"),
            ({"department_id": 0}, "department_id"),
            ({"lang": {"code": "lt"}}, "lang"),
        ]
        for over, field in cases:
            with self.subTest(field=field, value=over[field]):
                self.assertProblem(self.post_user(good_user(**over)), 400, field=field)
        self.assertNoNewUsers(before)
        r = self.admin("POST", "/api/v1/departments", {"name": 5})
        self.assertProblem(r, 400, field="name")
        r = self.admin("POST", "/api/v1/departments", {"name": "Input Types", "head_id": "x"})
        self.assertProblem(r, 400, field="head_id")
        r = self.admin("POST", "/api/v1/tokens", {"name": True})
        self.assertProblem(r, 400, field="name")
        r = harness.request(self.port, "POST", "/api/v1/session",
                            {"login": 5, "password": "x"})
        self.assertProblem(r, 400, field="login")

    def test_unknown_field_is_named(self):
        before = self.users()
        self.assertProblem(self.post_user(good_user(nickname="x")), 400, field="nickname")
        self.assertNoNewUsers(before)
        r = self.admin("PATCH", "/api/v1/me", {"colour": "blue"})
        self.assertProblem(r, 400, field="colour")
        r = harness.request(self.port, "POST", "/api/v1/session",
                            {"login": "admin", "password": "x", "remember": True})
        self.assertProblem(r, 400, field="remember")

    def test_missing_required_field_is_named(self):
        before = self.users()
        for field in ("login", "name", "role", "password"):
            body = good_user()
            del body[field]
            with self.subTest(field=field):
                self.assertProblem(self.post_user(body), 400, field=field)
        self.assertNoNewUsers(before)
        self.assertProblem(self.admin("POST", "/api/v1/departments", {}), 400, field="name")
        self.assertProblem(self.admin("POST", "/api/v1/tokens", {}), 400, field="name")
        r = harness.request(self.port, "POST", "/api/v1/session", {"login": "admin"})
        self.assertProblem(r, 400, field="password")

    def test_invalid_values_name_the_field(self):
        before = self.users()
        cases = [
            ({"login": "Has Space"}, "login"),
            ({"login": "ab"}, "login"),
            ({"role": "superuser"}, "role"),
            ({"password": "short"}, "password"),
            ({"lang": "de"}, "lang"),
            ({"department_id": 999999}, "department_id"),
            ({"name": ""}, "name"),
            ({"name": "a\x01b"}, "name"),
        ]
        for over, field in cases:
            with self.subTest(field=field, value=over[field]):
                self.assertProblem(self.post_user(good_user(**over)), 400, field=field)
        self.assertNoNewUsers(before)

    # ---- size ----

    def test_body_over_the_limit_announced_by_content_length(self):
        """A client that announces a 2 MiB body (and waits for 100-continue, as curl does)
        gets 413 and the server stays up."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=15 * SLOW) as s:
            size = 2 * LIMIT
            s.sendall((f"POST /api/v1/users HTTP/1.1\r\nHost: t\r\n"
                       f"Authorization: Bearer {self.tokens['admin']}\r\n"
                       f"Content-Type: application/json\r\nContent-Length: {size}\r\n"
                       f"Expect: 100-continue\r\n\r\n").encode())
            resp, rest = read_response(s)
            if resp is not None and resp.status == 100:
                try:
                    chunk = b" " * 65536
                    for _ in range(size // len(chunk)):
                        s.sendall(chunk)
                except OSError:
                    pass
                resp, rest = read_response(s, rest)
            self.assertIsNotNone(resp, "after 100 Continue and the body, the connection ended "
                                 "without an answer (expected 413)")
            self.assertEqual(resp.status, 413, resp.body[:300])
            self.assertTrue(resp.headers.get("content-type", "").startswith(
                "application/problem+json"), resp.headers)
        self.assertServerUp()

    def test_body_over_the_limit_sent_whole_by_an_ordinary_client(self):
        """A client that sends the whole 2 MiB body before reading (http.client, most
        scripts) gets the 413 too."""
        body = b'{"name": "' + b"x" * (2 * LIMIT) + b'"}'
        r = self.admin("POST", "/api/v1/departments", body)
        self.assertProblem(r, 413)
        self.assertServerUp()

    def test_body_far_over_the_limit_is_refused_before_it_is_sent(self):
        """An announced 100 MiB body is refused at once: 413 instead of 100 Continue."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=15 * SLOW) as s:
            s.sendall((f"POST /api/v1/users HTTP/1.1\r\nHost: t\r\n"
                       f"Authorization: Bearer {self.tokens['admin']}\r\n"
                       f"Content-Type: application/json\r\nContent-Length: {100 * LIMIT}\r\n"
                       f"Expect: 100-continue\r\n\r\n").encode())
            resp, _ = read_response(s)
            self.assertIsNotNone(resp, "the connection ended without an answer (expected 413)")
            self.assertEqual(resp.status, 413, resp.body[:300])
        self.assertServerUp()

    def test_body_over_the_limit_chunked(self):
        """A chunked body that grows past 1 MiB: 413 and the server stays up."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=15 * SLOW) as s:
            s.sendall((f"POST /api/v1/departments HTTP/1.1\r\nHost: t\r\n"
                       f"Authorization: Bearer {self.tokens['admin']}\r\n"
                       f"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                       f"\r\n").encode())

            def send():
                try:
                    chunk = b" " * 65536
                    for _ in range(2 * LIMIT // len(chunk)):
                        s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    s.sendall(b"0\r\n\r\n")
                except OSError:
                    pass

            t = threading.Thread(target=send, daemon=True)
            t.start()
            resp, _ = read_response(s)
            t.join(30 * SLOW)
            self.assertIsNotNone(resp, "the connection ended without an answer (expected 413)")
            self.assertEqual(resp.status, 413, resp.body[:300])
        self.assertServerUp()

    def test_body_of_exactly_the_limit_is_read(self):
        """1 MiB is still allowed: the body is read and judged (a too long name), not 413."""
        prefix, suffix = b'{"name": "', b'"}'
        body = prefix + b"d" * (LIMIT - len(prefix) - len(suffix)) + suffix
        self.assertEqual(len(body), LIMIT)
        r = self.admin("POST", "/api/v1/departments", body)
        self.assertProblem(r, 400, field="name")

    # ---- media type ----

    def test_wrong_content_type(self):
        before = self.users()
        body = good_user()
        for ct in ("text/plain", "application/x-www-form-urlencoded", "application/jsonx",
                   "multipart/form-data; boundary=x"):
            with self.subTest(content_type=ct):
                r = self.post_user(body, content_type=ct)
                self.assertProblem(r, 415, field="Content-Type")
        r = self.post_user(body, content_type=None)
        self.assertProblem(r, 415, field="Content-Type")
        self.assertNoNewUsers(before)
        # The same body with the right type (and a charset parameter) is accepted.
        r = self.post_user(body, content_type="application/json; charset=utf-8")
        self.assertEqual(r.status, 201, r.describe())

    # ---- CSRF, sessions and tokens ----

    def test_csrf_token_required_on_unsafe_methods_of_cookie_sessions(self):
        s = self.session
        names = lambda: [d["name"] for d in self.list_all("/api/v1/departments")]  # noqa: E731
        # POST
        for headers in ({}, {"X-CSRF-Token": "wrong" + s.csrf[5:]}, {"X-CSRF-Token": ""}):
            with self.subTest(method="POST", headers=headers):
                r = harness.request(self.port, "POST", "/api/v1/departments",
                                    {"name": "CSRF Department"}, headers=headers, auth=s,
                                    csrf=False)
                self.assertProblem(r, 403, field="X-CSRF-Token")
        self.assertNotIn("CSRF Department", names())
        r = harness.request(self.port, "POST", "/api/v1/departments",
                            {"name": "CSRF Department"}, auth=s)
        self.assertEqual(r.status, 201, r.describe())
        dept = r.json()
        # PATCH
        path = f"/api/v1/departments/{dept['id']}"
        r = harness.request(self.port, "PATCH", path, {"name": "CSRF Renamed"},
                            headers={"If-Match": '"1"'}, auth=s, csrf=False)
        self.assertProblem(r, 403, field="X-CSRF-Token")
        self.assertEqual(self.admin("GET", path).json()["name"], "CSRF Department")
        r = harness.request(self.port, "PATCH", path, {"name": "CSRF Renamed"},
                            headers={"If-Match": '"1"'}, auth=s)
        self.assertEqual(r.status, 200, r.describe())
        # DELETE
        r = harness.request(self.port, "DELETE", path, headers={"If-Match": '"2"'}, auth=s,
                            csrf=False)
        self.assertProblem(r, 403, field="X-CSRF-Token")
        self.assertEqual(self.admin("GET", path).status, 200)
        r = harness.request(self.port, "DELETE", path, headers={"If-Match": '"2"'}, auth=s)
        self.assertEqual(r.status, 204, r.describe())
        self.assertProblem(self.admin("GET", path), 404)
        # The CSRF token of another session of the same user does not do.
        r, other = harness.sign_in(self.port, "admin")
        self.assertEqual(r.status, 200, r.describe())
        self.assertNotEqual(other.csrf, s.csrf)
        r = harness.request(self.port, "POST", "/api/v1/departments",
                            {"name": "CSRF Crossed"}, headers={"X-CSRF-Token": other.csrf},
                            auth=s, csrf=False)
        self.assertProblem(r, 403, field="X-CSRF-Token")
        self.assertNotIn("CSRF Crossed", names())
        # A safe method needs no token.
        r = harness.request(self.port, "GET", "/api/v1/me", auth=s, csrf=False)
        self.assertEqual(r.status, 200, r.describe())

    def test_missing_or_stale_session_cookie(self):
        self.assertProblem(harness.request(self.port, "GET", "/api/v1/me"), 401)
        for cookie in ("", "x", "A" * 43, "kl_" + "A" * 43):
            with self.subTest(cookie=cookie):
                r = harness.request(self.port, "GET", "/api/v1/me",
                                    headers={"Cookie": f"kl_session={cookie}"})
                self.assertProblem(r, 401)
        # A cookie that was signed out.
        r, s = harness.sign_in(self.port, "direktorius")
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(harness.request(self.port, "GET", "/api/v1/me", auth=s).status, 200)
        r = harness.request(self.port, "DELETE", "/api/v1/session", auth=s)
        self.assertEqual(r.status, 204, r.describe())
        self.assertProblem(harness.request(self.port, "GET", "/api/v1/me", auth=s), 401)
        r = harness.request(self.port, "POST", "/api/v1/tokens", {"name": "x"}, auth=s)
        self.assertProblem(r, 401)

    def test_unknown_or_malformed_bearer_token(self):
        for value in ("Bearer kl_" + "A" * 43, "Bearer ", "Bearer x", "Basic YWRtaW46eA==",
                      "Bearer " + self.tokens["admin"] + "x"):
            with self.subTest(authorization=value):
                r = harness.request(self.port, "GET", "/api/v1/me",
                                    headers={"Authorization": value})
                self.assertProblem(r, 401)

    def test_revoked_bearer_token(self):
        r = self.call("POST", "/api/v1/tokens", {"name": "to revoke"}, role="logistics")
        self.assertEqual(r.status, 201, r.describe())
        tok = r.json()
        self.assertTrue(tok["token"].startswith("kl_"), tok)
        auth = harness.Bearer(tok["token"])
        r = harness.request(self.port, "GET", "/api/v1/me", auth=auth)
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.json()["login"], "logistikas")
        r = harness.request(self.port, "DELETE", f"/api/v1/tokens/{tok['id']}", auth=auth)
        self.assertEqual(r.status, 204, r.describe())
        self.assertProblem(harness.request(self.port, "GET", "/api/v1/me", auth=auth), 401)
        r = harness.request(self.port, "POST", "/api/v1/tokens", {"name": "x"}, auth=auth)
        self.assertProblem(r, 401)
        listed = self.call("GET", "/api/v1/tokens", role="logistics").json()["items"]
        self.assertNotIn(tok["id"], [t["id"] for t in listed])

    def test_token_of_another_user_cannot_be_revoked(self):
        r = self.call("POST", "/api/v1/tokens", {"name": "mine"}, role="head")
        self.assertEqual(r.status, 201, r.describe())
        tok = r.json()
        r = self.call("DELETE", f"/api/v1/tokens/{tok['id']}", role="manager")
        self.assertProblem(r, 404)
        r = harness.request(self.port, "GET", "/api/v1/me", auth=harness.Bearer(tok["token"]))
        self.assertEqual(r.status, 200, r.describe())

    # ---- If-Match ----

    def test_patch_without_if_match_is_428(self):
        d = self.new_department("IfMatch Missing")
        r = self.admin("PATCH", f"/api/v1/departments/{d['id']}", {"name": "IfMatch Changed"})
        self.assertProblem(r, 428, field="If-Match")
        r = self.admin("DELETE", f"/api/v1/departments/{d['id']}")
        self.assertProblem(r, 428, field="If-Match")
        uid = self.admin("GET", "/api/v1/users?limit=1").json()["items"][0]["id"]
        r = self.admin("PATCH", f"/api/v1/users/{uid}", {"name": "IfMatch Changed"})
        self.assertProblem(r, 428, field="If-Match")
        self.assertEqual(self.admin("GET", f"/api/v1/departments/{d['id']}").json()["name"],
                         "IfMatch Missing")
        self.assertNotEqual(self.admin("GET", f"/api/v1/users/{uid}").json()["name"],
                            "IfMatch Changed")

    def test_stale_if_match_is_412_with_the_current_entity(self):
        d = self.new_department("IfMatch Stale")
        path = f"/api/v1/departments/{d['id']}"
        r = self.admin("PATCH", path, {"name": "IfMatch Stale 2"}, headers={"If-Match": '"1"'})
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.json()["version"], 2)
        # A second editor still holding version 1:
        r = self.admin("PATCH", path, {"name": "IfMatch Lost"}, headers={"If-Match": '"1"'})
        j = self.assertProblem(r, 412)
        self.assertIn("current", j, r.describe())
        self.assertEqual(j["current"]["version"], 2)
        self.assertEqual(j["current"]["name"], "IfMatch Stale 2")
        r = self.admin("DELETE", path, headers={"If-Match": '"1"'})
        j = self.assertProblem(r, 412)
        self.assertEqual(j["current"]["version"], 2)
        self.assertEqual(self.admin("GET", path).json()["name"], "IfMatch Stale 2")
        # Users too.
        r = self.post_user(good_user(login="input.stale"))
        self.assertEqual(r.status, 201, r.describe())
        upath = f"/api/v1/users/{r.json()['id']}"
        r = self.admin("PATCH", upath, {"name": "Stale One"}, headers={"If-Match": '"1"'})
        self.assertEqual(r.status, 200, r.describe())
        r = self.admin("PATCH", upath, {"name": "Stale Lost"}, headers={"If-Match": '"1"'})
        j = self.assertProblem(r, 412)
        self.assertEqual(j["current"]["version"], 2)
        self.assertEqual(j["current"]["name"], "Stale One")
        self.assertNotIn("password_hash", j["current"])

    def test_malformed_if_match(self):
        d = self.new_department("IfMatch Malformed")
        for value in ('"abc"', "*x", '"-1"', '""'):
            with self.subTest(if_match=value):
                r = self.admin("PATCH", f"/api/v1/departments/{d['id']}", {"name": "Z"},
                               headers={"If-Match": value})
                self.assertProblem(r, 400, field="If-Match")

    # ---- paths and methods ----

    def test_unknown_path_is_404(self):
        for path in ("/api/v1/nope", "/api/v2/users", "/api", "/api/v1/users/1/extra",
                     "/api/v1/users/", "/api/"):
            with self.subTest(path=path):
                self.assertProblem(self.admin("GET", path), 404)
        self.assertProblem(harness.request(self.port, "GET", "/api/v1/nope"), 404)

    def test_wrong_method_is_405(self):
        for method, path in (("PUT", "/api/v1/users"), ("DELETE", "/api/v1/users"),
                             ("POST", "/healthz"), ("PUT", "/api/v1/me"),
                             ("POST", "/api/v1/users/1")):
            with self.subTest(route=f"{method} {path}"):
                body = {} if method in harness.UNSAFE else None
                self.assertProblem(self.admin(method, path, body), 405)

    def test_405_says_which_methods_are_allowed(self):
        """RFC 9110 15.5.6: a 405 answer must carry Allow with the methods of the path."""
        r = self.admin("PUT", "/api/v1/users", {})
        self.assertProblem(r, 405)
        allow = {m.strip() for m in (r.header("Allow") or "").split(",") if m.strip()}
        self.assertTrue({"GET", "POST"} <= allow, f"Allow: {r.header('Allow')!r}")

    def test_bad_paging_parameters_are_named(self):
        for base in ("/api/v1/users", "/api/v1/departments", "/api/v1/audit"):
            for q, field in (("limit=0", "limit"), ("limit=201", "limit"),
                             ("limit=abc", "limit"), ("limit=-1", "limit"), ("limit=", "limit"),
                             ("limit=1e2", "limit"), ("cursor=%21%21%21", "cursor"),
                             ("cursor=bm90LWEtY3Vyc29y", "cursor"), ("cursor=azE6LTE", "cursor"),
                             ("cursor=azE6YWJj", "cursor")):
                with self.subTest(query=f"{base}?{q}"):
                    self.assertProblem(self.admin("GET", f"{base}?{q}"), 400, field=field)
        for q in ("limit=1", "limit=200"):
            self.assertEqual(self.admin("GET", f"/api/v1/users?{q}").status, 200)

    def test_non_numeric_path_id(self):
        for method, path in (("GET", "/api/v1/users/abc"), ("GET", "/api/v1/users/0"),
                             ("GET", "/api/v1/users/-1"), ("GET", "/api/v1/users/1x"),
                             ("GET", "/api/v1/departments/abc"),
                             ("PATCH", "/api/v1/users/abc"),
                             ("DELETE", "/api/v1/departments/x1"),
                             ("DELETE", "/api/v1/tokens/abc"),
                             ("GET", "/api/v1/users/99999999999999999999")):
            with self.subTest(route=f"{method} {path}"):
                body = {} if method in ("PATCH",) else None
                r = self.admin(method, path, body, headers={"If-Match": '"1"'})
                self.assertProblem(r, 400, field="id")

    def test_missing_entities_are_404(self):
        self.assertProblem(self.admin("GET", "/api/v1/users/999999"), 404)
        self.assertProblem(self.admin("GET", "/api/v1/departments/999999"), 404)
        r = self.admin("PATCH", "/api/v1/departments/999999", {"name": "x"},
                       headers={"If-Match": '"1"'})
        self.assertProblem(r, 404)
        self.assertProblem(self.admin("DELETE", "/api/v1/tokens/999999"), 404)

    def test_server_survives_all_of_this(self):
        self.assertServerUp()
