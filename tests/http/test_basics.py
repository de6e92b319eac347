# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_basics.py - what every answer carries (X-Request-Id, the same id in problem
bodies), the Prometheus metrics, and the web application's static files: index.html for
client-side routes, long-cached hashed assets, 404 for a missing asset, and no way out of
the web root."""

import os
import re
import socket
import time

import harness
from harness import ASSET_MARKER, INDEX_MARKER, REQUEST_ID_RE, SLOW

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? ([0-9.eE+-]+|NaN|\+Inf|-Inf)$')
SECRET = "klientas-outside-web-root-5be1"


def raw_get(port, target, timeout=10):
    """GET with the request target exactly as given (no client normalisation)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout * SLOW) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            data += d
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head else 0
    return status, head.decode("latin-1"), body


class Basics(harness.ServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Files a traversal would reach: next to the web root, and a dot-file inside it.
        with open(os.path.join(cls.dir, "secret.txt"), "w") as f:
            f.write(SECRET + "\n")
        with open(os.path.join(cls.server.web_root, ".env"), "w") as f:
            f.write(SECRET + "\n")
        with open(os.path.join(cls.server.web_root, "assets", ".hidden.js"), "w") as f:
            f.write(SECRET + "\n")

    # ---- request ids ----

    def test_every_answer_has_a_request_id(self):
        admin = self.bearer("admin")
        calls = [
            ("GET", "/healthz", None, None),
            ("GET", "/metrics", None, None),
            ("GET", "/api/v1/me", None, admin),
            ("GET", "/api/v1/me", None, None),
            ("GET", "/api/v1/nope", None, admin),
            ("PUT", "/api/v1/users", {}, admin),
            ("POST", "/api/v1/users", "{bad", admin),
            ("POST", "/api/v1/departments", {"name": "Request id"}, admin),
            ("GET", "/", None, None),
            ("GET", "/users", None, None),
            ("GET", "/assets/app-abc123.js", None, None),
            ("GET", "/assets/x.js", None, None),
            ("DELETE", "/api/v1/session", None, admin),
        ]
        seen = set()
        for method, path, body, auth in calls:
            with self.subTest(route=f"{method} {path}"):
                r = harness.request(self.port, method, path, body, auth=auth)
                rid = r.header("X-Request-Id")
                self.assertIsNotNone(rid, r.describe())
                self.assertRegex(rid, REQUEST_ID_RE)
                self.assertNotIn(rid, seen, "a request id was used twice")
                seen.add(rid)
                if r.status >= 400 and path.startswith("/api/"):
                    self.assertProblem(r, r.status)  # checks body request_id == header
                if path.startswith("/api/") and r.status != 204:
                    self.assertIn("no-store", r.header("Cache-Control") or "", r.describe())

    # ---- metrics ----

    def metrics(self):
        r = self.call("GET", "/metrics")
        self.assertEqual(r.status, 200, r.describe())
        self.assertTrue((r.header("Content-Type") or "").startswith("text/plain"),
                        r.header("Content-Type"))
        samples = {}
        for line in r.text.splitlines():
            if not line or line.startswith("#"):
                continue
            m = SAMPLE.match(line)
            self.assertIsNotNone(m, f"not a Prometheus sample: {line!r}")
            samples[m.group(1) + (m.group(2) or "")] = float(m.group(3))
        return r.text, samples

    def wait_for(self, key, value):
        deadline = time.monotonic() + 5 * SLOW
        while True:
            _, s = self.metrics()
            if s.get(key, 0) >= value or time.monotonic() > deadline:
                return s

    def test_metrics_count_requests_by_route_and_status(self):
        key = 'klientas_http_requests_total{method="GET",route="/healthz",status="200"}'
        text, before = self.metrics()
        self.assertIn("# TYPE klientas_http_requests_total counter", text)
        self.assertIn("# TYPE klientas_http_request_duration_seconds histogram", text)
        for _ in range(3):
            self.assertEqual(self.call("GET", "/healthz").status, 200)
        after = self.wait_for(key, before.get(key, 0) + 3)
        self.assertEqual(after.get(key, 0), before.get(key, 0) + 3)
        # The latency histogram of the route: cumulative buckets ending in +Inf = count.
        prefix = 'klientas_http_request_duration_seconds_bucket{method="GET",route="/healthz",le='
        buckets = [(k, v) for k, v in after.items() if k.startswith(prefix)]
        self.assertGreaterEqual(len(buckets), 2, buckets)
        values = [v for _, v in buckets]
        self.assertEqual(values, sorted(values), "buckets are not cumulative")
        inf = after.get(prefix + '"+Inf"}')
        count = after.get('klientas_http_request_duration_seconds_count'
                          '{method="GET",route="/healthz"}')
        self.assertIsNotNone(inf)
        self.assertEqual(inf, count)
        self.assertGreaterEqual(count, after[key])
        # Other statuses are counted under their own label.
        key401 = 'klientas_http_requests_total{method="GET",route="/api/v1/me",status="401"}'
        self.assertProblem(self.call("GET", "/api/v1/me"), 401)
        after = self.wait_for(key401, before.get(key401, 0) + 1)
        self.assertEqual(after.get(key401, 0), before.get(key401, 0) + 1)

    # ---- static files ----

    def test_index_for_the_root_and_client_routes(self):
        for path in ("/", "/users", "/users/42/edit", "/departments"):
            with self.subTest(path=path):
                r = self.call("GET", path)
                self.assertEqual(r.status, 200, r.describe())
                self.assertIn(INDEX_MARKER, r.text)
                self.assertTrue((r.header("Content-Type") or "").startswith("text/html"),
                                r.header("Content-Type"))
                self.assertEqual(r.header("Cache-Control"), "no-cache")

    def test_hashed_assets_are_cached_for_a_year(self):
        r = self.call("GET", "/assets/app-abc123.js")
        self.assertEqual(r.status, 200, r.describe())
        self.assertIn(ASSET_MARKER, r.text)
        self.assertTrue((r.header("Content-Type") or "").startswith("text/javascript"),
                        r.header("Content-Type"))
        self.assertEqual(r.header("Cache-Control"), "public, max-age=31536000, immutable")

    def test_missing_asset_is_404(self):
        for path in ("/assets/x.js", "/assets/app-abc124.js", "/favicon.ico"):
            with self.subTest(path=path):
                r = self.call("GET", path)
                self.assertEqual(r.status, 404, r.describe())
                self.assertNotIn(INDEX_MARKER, r.text)

    def test_no_file_outside_the_web_root_or_dot_files(self):
        targets = [
            "/../secret.txt", "/../../../../../../etc/passwd", "/assets/../../secret.txt",
            "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt",
            "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/assets/..%2f..%2fsecret.txt",
            "/assets/%2e%2e%2f%2e%2e%2fsecret.txt", "//etc/passwd", "/.%2e/secret.txt",
            "/..\\secret.txt", "/.env", "/assets/.hidden.js", "/%2eenv", "/assets/%2ehidden.js",
            "/./.env", "/assets/./../.env", "/web/../secret.txt",
        ]
        for target in targets:
            with self.subTest(target=target):
                status, head, body = raw_get(self.port, target)
                self.assertNotIn(SECRET.encode(), body, f"{target} -> {status}")
                self.assertNotIn(b"root:x:0:0", body, f"{target} -> {status}")
                self.assertIn(status, (200, 400, 403, 404), head)
                if status == 200:  # only the application itself may come back
                    self.assertIn(INDEX_MARKER.encode(), body, head)
        self.assertEqual(self.call("GET", "/healthz").status, 200)
