# SPDX-License-Identifier: AGPL-3.0-or-later
"""harness.py - what the tests of the HTTP integration tier (tests/http) share.

The tier runs the real binary ($KLIENTAS_BIN, default build/klientas) as a black box:
servers on a random free loopback port, each with its own database and web root in a
temporary directory, stopped by PID (SIGTERM, then SIGKILL after a timeout) by whoever
started them. Each server's stderr is kept in a file; when a server or a CLI command ends,
its stderr is searched for sanitizer reports (the same tier runs against the ASan/UBSan
build), and a report fails the test.

Python 3 standard library only. Nothing here is a test: see test_*.py and runner.py.
"""

import atexit
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def _bin_path():
    b = os.environ.get("KLIENTAS_BIN", "build/klientas")
    return b if os.path.isabs(b) else os.path.join(REPO, b)


BIN_SOURCE = _bin_path()


def _sanitized(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return False
    return b"__asan_init" in data or b"__ubsan_handle" in data


SANITIZED = _sanitized(BIN_SOURCE)
# Timeouts and waits scale with the build: ASan makes the server several times slower
# (password hashing most of all).
SLOW = 4 if SANITIZED else 1

DEMO_PASSWORD = "klientas-demo"
# A demo login per role (docs/api-v1.md).
ROLE_LOGINS = {
    "manager": "vadybininkas1",
    "head": "vadovas",
    "director": "direktorius",
    "logistics": "logistikas",
    "admin": "admin",
}
ROLES = ("manager", "head", "director", "logistics", "admin")

SANITIZER_MARKS = ("runtime error", "AddressSanitizer", "LeakSanitizer")
REQUEST_ID_RE = re.compile(r"^[0-9a-f]{16}$")
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")

_tmp_root = tempfile.mkdtemp(prefix="klientas-http-")
atexit.register(lambda: shutil.rmtree(_tmp_root, ignore_errors=True))


def _snapshot(path):
    """A private copy of the binary: a rebuild during the run must not change (or, while it
    links, break) the program under test."""
    dst = os.path.join(_tmp_root, "klientas")
    for _ in range(10):
        try:
            shutil.copy2(path, dst)
            if subprocess.run([dst, "version"], capture_output=True, timeout=60).returncode == 0:
                return dst
        except (OSError, subprocess.SubprocessError):
            pass
        time.sleep(3)  # being rebuilt: try again
    return path


BIN = _snapshot(BIN_SOURCE)


def tmpdir(prefix="t"):
    """A new temporary directory, removed when the run ends."""
    return tempfile.mkdtemp(prefix=prefix + "-", dir=_tmp_root)


def sanitizer_report(text):
    """The sanitizer report in text (without the access log around it), or None."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if any(mark in line for mark in SANITIZER_MARKS):
            report = [x for x in lines[i:] if not x.startswith('{"ts"')]
            return "\n".join(report[:60])
    return None


def check_sanitizers(text, what):
    rep = sanitizer_report(text)
    if rep:
        raise AssertionError(f"{what}: sanitizer report on stderr:\n{rep}")


# ---- the CLI ----


def cli_env(extra=None):
    env = dict(os.environ)
    # Settings must come only from what a test passes.
    for k in list(env):
        if k.startswith("KLIENTAS_") and k != "KLIENTAS_BIN":
            del env[k]
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    if extra:
        env.update(extra)
    return env


def run_cli(*args, input=None, env=None, timeout=None, cwd=None):
    """Run `klientas args...`; fails on a sanitizer report. Returns CompletedProcess (text)."""
    p = subprocess.run(
        [BIN, *args],
        input=input,
        capture_output=True,
        text=True,
        env=cli_env(env),
        timeout=timeout or 60 * SLOW,
        cwd=cwd or _tmp_root,
    )
    check_sanitizers(p.stderr, "klientas " + " ".join(args))
    return p


def cli_ok(*args, **kw):
    p = run_cli(*args, **kw)
    if p.returncode != 0:
        raise AssertionError(
            f"klientas {' '.join(args)} exited {p.returncode}\nstdout: {p.stdout}\nstderr: {p.stderr}"
        )
    return p


def routes():
    """The route table as `klientas routes` prints it: [(method, path, roles-or-None)]."""
    out = cli_ok("routes").stdout
    table = []
    for line in out.splitlines():
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 3:
            raise AssertionError(f"klientas routes: unexpected line {line!r}")
        method, path, roles = parts
        table.append((method, path, None if roles == "public" else tuple(roles.split(","))))
    return table


# ---- databases ----

_template = None


def _make_template():
    """A demo database and a bearer token per role (and a spare admin token), made once."""
    global _template
    if _template is None:
        d = tmpdir("template")
        db = os.path.join(d, "demo.db")
        cli_ok("demo", "--db", "sqlite:" + db)
        tokens = {}
        for role in ROLES:
            tokens[role] = cli_ok(
                "token", "create", "--db", "sqlite:" + db, "--login", ROLE_LOGINS[role],
                "--name", "http-tests"
            ).stdout.strip()
        tokens["admin-spare"] = cli_ok(
            "token", "create", "--db", "sqlite:" + db, "--login", "admin", "--name", "spare"
        ).stdout.strip()
        _template = (db, tokens)
    return _template


def demo_db(directory):
    """A fresh copy of the demo database in directory: (path, {role: bearer token})."""
    src, tokens = _make_template()
    dst = os.path.join(directory, "x.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(src + suffix):
            shutil.copyfile(src + suffix, dst + suffix)
    return dst, dict(tokens)


INDEX_MARKER = "klientas-test-index-7f3a"
ASSET_MARKER = "klientas-test-asset-91c2"


def make_web_root(directory):
    root = os.path.join(directory, "web")
    os.makedirs(os.path.join(root, "assets"), exist_ok=True)
    with open(os.path.join(root, "index.html"), "w") as f:
        f.write(f"<!doctype html><html><head><title>klientas</title></head>"
                f"<body><div id=app>{INDEX_MARKER}</div></body></html>\n")
    with open(os.path.join(root, "assets", "app-abc123.js"), "w") as f:
        f.write(f'console.log("{ASSET_MARKER}");\n')
    return root


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- HTTP ----


class Resp:
    def __init__(self, method, path, status, headers, body):
        self.method, self.path, self.status, self.headers, self.body = (
            method, path, status, headers, body)
        self._json = None

    def header(self, name):
        return self.headers.get(name)

    def header_all(self, name):
        return self.headers.get_all(name) or []

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        if self._json is None:
            try:
                self._json = json.loads(self.body)
            except ValueError as e:
                raise AssertionError(f"{self.describe()}: body is not JSON: {e}")
        return self._json

    def describe(self):
        return f"{self.method} {self.path} -> {self.status} {self.text[:600]}"

    def __repr__(self):
        return f"<Resp {self.describe()}>"


class Bearer:
    def __init__(self, token):
        self.token = token

    def apply(self, method, headers):
        headers.setdefault("Authorization", "Bearer " + self.token)


class CookieSession:
    """A signed-in browser: the kl_session cookie and the CSRF token."""

    def __init__(self, cookie, csrf, user=None):
        self.cookie, self.csrf, self.user = cookie, csrf, user

    def apply(self, method, headers, csrf=True):
        headers.setdefault("Cookie", "kl_session=" + self.cookie)
        if method in UNSAFE and csrf and self.csrf:
            headers.setdefault("X-CSRF-Token", self.csrf)


def request(port, method, path, body=None, headers=None, auth=None, csrf=True, timeout=None,
            source=None, content_type="application/json"):
    """One request on a new connection. body: dict/list (sent as JSON), str or bytes (raw)."""
    h = dict(headers or {})
    if auth is not None:
        if isinstance(auth, CookieSession):
            auth.apply(method, h, csrf=csrf)
        else:
            auth.apply(method, h)
    data = None
    if body is not None:
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = body
        if content_type is not None:
            h.setdefault("Content-Type", content_type)
    conn = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout or 30 * SLOW,
        source_address=(source, 0) if source else None)
    try:
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        payload = r.read()
        return Resp(method, path, r.status, r.headers, payload)
    finally:
        conn.close()


def sign_in(port, login, password=DEMO_PASSWORD, source=None, lang=None):
    """POST /api/v1/session: (Resp, CookieSession or None)."""
    h = {"Accept-Language": lang} if lang else {}
    r = request(port, "POST", "/api/v1/session", {"login": login, "password": password},
                headers=h, source=source)
    if r.status != 200:
        return r, None
    cookie = None
    for sc in r.header_all("Set-Cookie"):
        m = re.match(r"\s*kl_session=([^;]*)", sc)
        if m:
            cookie = m.group(1)
    j = r.json()
    return r, CookieSession(cookie, j.get("csrf_token"), j.get("user"))


# ---- servers ----


class Server:
    """`klientas serve` on a free loopback port with its own stderr file."""

    _n = 0

    def __init__(self, db, workdir, web_root=None, args=(), env=None, port=None):
        self.db, self.workdir = db, workdir
        self.web_root = web_root or make_web_root(workdir)
        self.args, self.env = list(args), env
        self.fixed_port = port
        self.port = None
        self.proc = None
        self.returncode = None
        Server._n += 1
        self.name = f"server-{Server._n}"
        self.stderr_path = self.stdout_path = None
        self.stderr_paths = []  # one per start, all checked when the server stops

    def command(self, port):
        cmd = [BIN, "serve", "--db", "sqlite:" + self.db, "--web-root", self.web_root]
        if port is not None:
            cmd += ["--listen", f"127.0.0.1:{port}"]
        return cmd + self.args

    def start(self, timeout=None, listen=True, ready_port=None):
        """Start and wait for /healthz. listen=False leaves --listen to config/env (then
        ready_port says where to look)."""
        for _attempt in range(5):
            port = (self.fixed_port or free_port()) if listen else None
            k = len(self.stderr_paths) + 1
            self.stderr_path = os.path.join(self.workdir, f"{self.name}-{k}.stderr")
            self.stdout_path = os.path.join(self.workdir, f"{self.name}-{k}.stdout")
            self.stderr_paths.append(self.stderr_path)
            out = open(self.stdout_path, "ab")
            err = open(self.stderr_path, "ab")
            try:
                self.proc = subprocess.Popen(
                    self.command(port), stdout=out, stderr=err, env=cli_env(self.env),
                    cwd=self.workdir, start_new_session=True)
            finally:
                out.close()
                err.close()
            self.port = port if listen else ready_port
            self.returncode = None
            if self.wait_ready(timeout or 20 * SLOW):
                return self
            if self.proc.poll() is None:
                self.kill()
                raise AssertionError(f"server did not answer /healthz:\n{self.stderr()[-3000:]}")
            self.returncode = self.proc.returncode
            check_sanitizers(self.stderr(), "klientas serve")
            if "in use" not in self.stderr() or self.fixed_port or not listen:
                raise AssertionError(
                    f"server exited {self.proc.returncode} at start:\n{self.stderr()[-3000:]}")
        raise AssertionError("could not find a free port")

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                r = request(self.port, "GET", "/healthz", timeout=2 * SLOW)
                if r.status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    @property
    def pid(self):
        return self.proc.pid

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def died(self, wait=None):
        """After a failed request: is the server gone? Waits a moment for a dying process
        (a sanitizer report is printed before the exit)."""
        deadline = time.monotonic() + (wait if wait is not None else 3 * SLOW)
        while self.running() and time.monotonic() < deadline:
            time.sleep(0.05)
        return not self.running()

    def death_report(self):
        """Why the server is gone: its exit status and sanitizer report or last words."""
        rc = self.proc.poll() if self.proc is not None else self.returncode
        err = self.stderr()
        return (f"the server (port {self.port}) died with exit status {rc}:\n"
                f"{sanitizer_report(err) or err[-3000:]}")

    def stderr(self, every_start=False):
        """The stderr of the latest start (or of every start)."""
        text = ""
        for path in self.stderr_paths if every_start else [self.stderr_path]:
            try:
                with open(path, "r", errors="replace") as f:
                    text += f.read()
            except (OSError, TypeError):
                pass
        return text

    def stop(self, timeout=None, check=True):
        """SIGTERM, then SIGKILL after timeout. Returns the exit code (None if it had to be
        killed). With check, fails on a sanitizer report or an unclean exit."""
        if self.proc is None:
            return self.returncode
        killed = False
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout or 15 * SLOW)
            except subprocess.TimeoutExpired:
                killed = True
                self.kill()
        self.returncode = None if killed else self.proc.returncode
        self.proc = None
        if check:
            check_sanitizers(self.stderr(every_start=True), f"klientas serve (port {self.port})")
            if killed:
                raise AssertionError(f"server on port {self.port} ignored SIGTERM; killed")
            if self.returncode != 0:
                raise AssertionError(
                    f"server on port {self.port} exited {self.returncode}:\n{self.stderr()[-3000:]}")
        return self.returncode

    def kill(self):
        """SIGKILL (no clean-up, no sanitizer report: a crash of the machine)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            pass
        self.returncode = self.proc.returncode
        self.proc = None

    # Requests to this server.
    def req(self, method, path, body=None, **kw):
        return request(self.port, method, path, body, **kw)

    def get(self, path, **kw):
        return request(self.port, "GET", path, **kw)


# ---- test cases ----


class PgServer(Server):
    """`klientas serve` on a database URL (PostgreSQL) instead of an SQLite path."""

    def command(self, port):
        cmd = super().command(port)
        cmd[cmd.index("--db") + 1] = self.db
        return cmd


def _pg_script(*args):
    return subprocess.run([os.path.join(REPO, "scripts", "pg-test"), *args],
                          capture_output=True, text=True, timeout=180)


def pg_start():
    """A throwaway PostgreSQL cluster (scripts/pg-test): (its directory, its URL).

    Raises unittest.SkipTest when none can start. The directory is not under the run's
    private one: the cluster runs as the postgres user."""
    d = tempfile.mkdtemp(prefix="klientas-pg-")
    p = _pg_script("start", d)
    if p.returncode != 0:
        shutil.rmtree(d, ignore_errors=True)
        raise unittest.SkipTest("PostgreSQL: scripts/pg-test could not start a cluster: "
                                + (p.stderr.strip()[-300:] or f"exit {p.returncode}"))
    return d, p.stdout.strip()


def pg_stop(directory):
    """Stop a cluster of pg_start and remove its directory (None: nothing)."""
    if directory:
        _pg_script("stop", directory)
        shutil.rmtree(directory, ignore_errors=True)


class Case(unittest.TestCase):
    """Assertions about the API's answers."""

    maxDiff = 4000

    def assertStatus(self, r, *statuses):
        self.assertIn(r.status, statuses, r.describe())

    def assertProblem(self, r, status, field=None):
        """An RFC 9457 problem with our members; returns the parsed body."""
        self.assertEqual(r.status, status, r.describe())
        ct = r.header("Content-Type") or ""
        self.assertTrue(ct.startswith("application/problem+json"),
                        f"{r.describe()}: Content-Type {ct!r}")
        j = r.json()
        self.assertIsInstance(j, dict, r.describe())
        for k in ("type", "title", "status", "detail", "request_id"):
            self.assertIn(k, j, f"{r.describe()}: no {k!r}")
        self.assertTrue(str(j["type"]).startswith("https://klientas.dev/problems/"), r.describe())
        self.assertIsInstance(j["title"], str, r.describe())
        self.assertTrue(j["title"], r.describe())
        self.assertIsInstance(j["detail"], str, r.describe())
        self.assertTrue(j["detail"], r.describe())
        self.assertEqual(j["status"], status, r.describe())
        self.assertEqual(j["request_id"], r.header("X-Request-Id"), r.describe())
        if field is not None:
            self.assertEqual(j.get("field"), field, r.describe())
            errs = j.get("errors")
            self.assertIsInstance(errs, list, r.describe())
            self.assertIn(field, [e.get("field") for e in errs], r.describe())
        return j


class ServerCase(Case):
    """One server per class on a fresh demo database, with a bearer token per role."""

    server = None
    tokens = None

    @classmethod
    def setUpClass(cls):
        cls.dir = tmpdir(cls.__name__)
        cls.db, cls.tokens = demo_db(cls.dir)
        cls.server = Server(cls.db, cls.dir).start()
        cls.port = cls.server.port

    @classmethod
    def tearDownClass(cls):
        if cls.server is not None:
            cls.server.stop()

    def setUp(self):
        # A server that died in an earlier test (reported there) is started again, on the
        # same database, so that one crash does not fail every later test of the class.
        if self.server is not None and not self.server.running():
            self.server.start()
            type(self).port = self.server.port

    death_reported = False  # set by a test that already told how the server died

    def tearDown(self):
        if self.server is not None and not self.server.running() and not self.death_reported:
            self.fail(self.server.death_report())

    @classmethod
    def bearer(cls, role):
        return Bearer(cls.tokens[role])

    def call(self, method, path, body=None, role=None, auth=None, **kw):
        if role is not None:
            auth = self.bearer(role)
        return request(self.port, method, path, body, auth=auth, **kw)

    def admin(self, method, path, body=None, **kw):
        return self.call(method, path, body, role="admin", **kw)

    def list_all(self, path, auth=None, limit=200):
        """Every item of a paged list, following next_cursor."""
        items, cursor = [], None
        sep = "&" if "?" in path else "?"
        for _ in range(10000):
            q = f"{path}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
            r = request(self.port, "GET", q, auth=auth or self.bearer("admin"))
            self.assertEqual(r.status, 200, r.describe())
            j = r.json()
            items += j["items"]
            cursor = j["next_cursor"]
            if not cursor:
                return items
        raise AssertionError("paging did not end")


class PgServerCase(ServerCase):
    """ServerCase on a throwaway PostgreSQL cluster with the demo base (skipped when none
    can start): a subclass of a test class and this one runs its tests on PostgreSQL."""

    pgdir = None

    @classmethod
    def setUpClass(cls):
        cls.dir = tmpdir(cls.__name__)
        cls.pgdir, cls.db_url = pg_start()
        try:
            cli_ok("demo", "--db", cls.db_url, timeout=180 * SLOW)
            cls.tokens = {
                role: cli_ok("token", "create", "--db", cls.db_url, "--login",
                             ROLE_LOGINS[role], "--name", "pg-tests").stdout.strip()
                for role in ROLES}
            cls.server = PgServer(cls.db_url, cls.dir).start()
            cls.port = cls.server.port
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
            pg_stop(cls.pgdir)
            cls.pgdir = None
