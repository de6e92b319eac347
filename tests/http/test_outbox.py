# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_outbox.py - e-mail through the durable outbox, against a real SMTP server.

The server runs with its mail server (KLIENTAS_SMTP_URL) on a loopback port where the
test starts and stops a real SMTP server (smtp_sink.py, Debian's python3-aiosmtpd) by PID;
the job tick and the retry backoff are short (KLIENTAS_JOBS_TICK_MS, KLIENTAS_OUTBOX_
BACKOFF_S). Waits are bounded polls. Received messages are parsed with the standard
email package.

  (a) mail server down: messages are accepted at once and all arrive exactly once when it
      comes up (Message-IDs compared);
  (b) a recipient refused with 550 ends failed with last_error, the others still go; a
      451 is retried; an admin can queue a failed message again;
  (c) CR or LF in a subject is a 400; a contact or client name holding CR LF (written
      straight into the database, as old data might) cannot add a header to the message;
  (d) Lithuanian and Russian subjects and bodies arrive intact;
  (e) a greeting (and every kind) logs its activity in the same transaction;
  (f) the outbox is for admins only; a client the caller cannot see is a 404;
and greeting templates and previews, the digest setting, the jobs view, and (when a
PostgreSQL server can be started) two servers on one database sending each message once.
"""

import os
import sqlite3
import time
import unittest

import harness
import smtp_helpers
from harness import SLOW

ROLES_NOT_ADMIN = ("manager", "head", "director", "logistics")
FROM = "UAB Baltijos prekyba <crm@prekyba.test>"
EXPECTED_HEADERS = {"from", "to", "subject", "date", "message-id", "mime-version",
                    "content-type", "content-transfer-encoding"}


def server_env(sink, **extra):
    env = {
        "KLIENTAS_SMTP_URL": sink.url,
        "KLIENTAS_SMTP_FROM": FROM,
        "KLIENTAS_JOBS_TICK_MS": "100",
        "KLIENTAS_OUTBOX_BACKOFF_S": "1",
    }
    env.update(extra)
    return env


class OutboxBase(harness.Case):
    """One server per class on a fresh demo database, its mail server on a known port."""

    server = None
    sink = None
    reject = ("rejected@example.test",)
    defer = ("later@example.test",)
    sink_up_at_start = False

    @classmethod
    def setUpClass(cls):
        if not smtp_helpers.aiosmtpd_available():
            raise unittest.SkipTest("python3-aiosmtpd is not installed (scripts/install-deps)")
        cls.dir = harness.tmpdir(cls.__name__)
        cls.db, cls.tokens = harness.demo_db(cls.dir)
        cls.prepare_db()
        cls.sink = smtp_helpers.Sink(os.path.join(cls.dir, "mail"), reject=cls.reject,
                                     defer=cls.defer)
        if cls.sink_up_at_start:
            cls.sink.start()
        cls.server = harness.Server(cls.db, cls.dir, env=server_env(cls.sink)).start()
        cls.port = cls.server.port
        cls.client_id, cls.contacts = cls.visible_client("manager")

    @classmethod
    def prepare_db(cls):
        pass

    @classmethod
    def tearDownClass(cls):
        if cls.server is not None:
            cls.server.stop()
        if cls.sink is not None:
            cls.sink.stop()

    # ---- helpers ----

    @classmethod
    def call(cls, method, path, body=None, role=None, **kw):
        return harness.request(cls.port, method, path, body, auth=harness.Bearer(cls.tokens[role]),
                               **kw)

    @classmethod
    def visible_client(cls, role):
        r = cls.call("GET", "/api/v1/clients?limit=20", role=role)
        assert r.status == 200, r.describe()
        for c in r.json()["items"]:
            k = cls.call("GET", f"/api/v1/clients/{c['id']}/contacts", role=role)
            assert k.status == 200, k.describe()
            if len(k.json()["items"]) >= 2:
                return c["id"], k.json()["items"]
        raise AssertionError("no client with two contacts for " + role)

    def send(self, role="manager", expect=201, **fields):
        body = {"to": "jonas@example.test", "subject": "Hello", "body": "Hi there.\n",
                "client_id": self.client_id}
        body.update(fields)
        body = {k: v for k, v in body.items() if v is not None}
        t0 = time.monotonic()
        r = self.call("POST", "/api/v1/emails", body, role=role)
        took = time.monotonic() - t0
        if expect is not None:
            self.assertEqual(r.status, expect, r.describe())
        if r.status == 201:
            self.assertLess(took, 2 * SLOW, "queuing must not wait for the mail server")
            self.assertEqual(r.header("Location"), f"/api/v1/outbox/{r.json()['id']}")
        return r

    def row(self, id):
        r = self.call("GET", f"/api/v1/outbox/{id}", role="admin")
        self.assertEqual(r.status, 200, r.describe())
        return r.json()

    def wait_rows(self, ids, pred, timeout=30, what="condition"):
        deadline = time.monotonic() + timeout * SLOW
        rows = {}
        while time.monotonic() < deadline:
            rows = {i: self.row(i) for i in ids}
            if all(pred(x) for x in rows.values()):
                return rows
            time.sleep(0.1)
        self.fail(f"outbox rows did not reach {what}: "
                  + "; ".join(f"{x['id']}={x['status']}/{x['attempts']}/{x['last_error']}"
                              for x in rows.values()))

    def wait_status(self, ids, status, timeout=30):
        return self.wait_rows(ids, lambda x: x["status"] == status, timeout, status)

    def received(self, message_id, timeout=30):
        deadline = time.monotonic() + timeout * SLOW
        while time.monotonic() < deadline:
            got = self.sink.by_message_id(message_id)
            if got:
                return got
            time.sleep(0.1)
        self.fail(f"message {message_id} did not arrive")

    def sink_up(self):
        if not self.sink.running():
            self.sink.start()


class MailServerDown(OutboxBase):
    """(a) The mail server is down when the messages are queued."""

    def test_a_queued_while_down_then_each_arrives_exactly_once(self):
        self.assertFalse(self.sink.running())
        subjects = [f"Outage test {i}" for i in range(5)]
        rows = [self.send(subject=s, to=f"buyer{i}@example.test").json()
                for i, s in enumerate(subjects)]
        for x in rows:
            self.assertEqual(x["status"], "queued")
            self.assertRegex(x["message_id"], r"^<outbox-%d-[0-9a-f]{16}@prekyba\.test>$" % x["id"])
        ids = [x["id"] for x in rows]
        # Each is tried and deferred while the server is down (nothing is lost or failed).
        tried = self.wait_rows(ids, lambda x: x["attempts"] >= 1 and x["last_error"], 30,
                               "a failed attempt")
        for x in tried.values():
            self.assertIn(x["status"], ("queued", "sending"))
            self.assertIsNotNone(x["last_error"])
        self.sink_up()
        sent = self.wait_status(ids, "sent", 40)
        for x in sent.values():
            self.assertIsNotNone(x["sent_at"])
        # A few more ticks: nothing is sent twice.
        time.sleep(1.0 * SLOW)
        for x, subject in zip(rows, subjects):
            got = self.sink.by_message_id(x["message_id"])
            self.assertEqual(len(got), 1, f"{x['message_id']} arrived {len(got)} times")
            msg = got[0]["msg"]
            self.assertEqual(str(msg["Subject"]), subject)
            self.assertEqual(got[0]["meta"]["rcpt_tos"], [x["to"]])
            self.assertEqual(got[0]["meta"]["mail_from"], "crm@prekyba.test")
            self.assertEqual(self.row(x["id"])["status"], "sent")
        r = self.call("GET", "/api/v1/jobs", role="admin")
        self.assertEqual(r.status, 200, r.describe())
        jobs = {j["kind"]: j for j in r.json()["items"]}
        self.assertIn("outbox", jobs)
        self.assertIn("digest", jobs)
        self.assertGreaterEqual(jobs["outbox"]["runs"], 2)
        self.assertTrue(jobs["outbox"]["recent_runs"])
        self.assertTrue(any("sent" in (run["detail"] or "")
                            for run in jobs["outbox"]["recent_runs"]))
        for role in ROLES_NOT_ADMIN:
            self.assertProblem(self.call("GET", "/api/v1/jobs", role=role), 403)


class Delivery(OutboxBase):
    sink_up_at_start = True

    @classmethod
    def prepare_db(cls):
        """Names holding CR LF, as imported or old data might (the API refuses them)."""
        con = sqlite3.connect(cls.db)
        try:
            con.execute("PRAGMA busy_timeout = 10000")
            row = con.execute(
                "SELECT c.id, k.id FROM clients c JOIN contacts k ON k.client_id = c.id "
                "JOIN users u ON u.id = c.owner_id WHERE u.login = ? AND c.deleted_at IS NULL "
                "AND k.deleted_at IS NULL ORDER BY c.id DESC, k.id LIMIT 1",
                (harness.ROLE_LOGINS["manager"],)).fetchone()
            cls.evil_client_id, cls.evil_contact_id = row
            con.execute("UPDATE clients SET name = ? WHERE id = ?",
                        ("Evil Ltd\r\nBcc: victim@example.test", row[0]))
            con.execute("UPDATE contacts SET name = ?, lang = 'en', emails = ? WHERE id = ?",
                        ("Mallory\r\nBcc: victim@example.test\r\nX-Injected: yes",
                         '["mallory@example.test"]', row[1]))
            con.commit()
        finally:
            con.close()

    # (b)
    def test_b_550_recipient_fails_for_good_and_the_others_go(self):
        good1 = self.send(to="first@example.test", subject="Before").json()
        bad = self.send(to="rejected@example.test", subject="Rejected").json()
        good2 = self.send(to="second@example.test", subject="After").json()
        failed = self.wait_status([bad["id"]], "failed")[bad["id"]]
        self.assertIn("550", failed["last_error"])
        self.assertIn("User unknown", failed["last_error"])
        self.assertEqual(failed["attempts"], 1)
        self.assertIsNone(failed["sent_at"])
        self.wait_status([good1["id"], good2["id"]], "sent")
        self.assertEqual(len(self.received(good1["message_id"])), 1)
        self.assertEqual(len(self.received(good2["message_id"])), 1)
        self.assertEqual(self.sink.by_message_id(bad["message_id"]), [])
        # The admin's list by status.
        r = self.call("GET", "/api/v1/outbox?status=failed", role="admin")
        self.assertEqual(r.status, 200, r.describe())
        self.assertIn(bad["id"], [x["id"] for x in r.json()["items"]])
        self.assertNotIn(good1["id"], [x["id"] for x in r.json()["items"]])
        self.assertProblem(self.call("GET", "/api/v1/outbox?status=lost", role="admin"), 400,
                           "status")
        # Retry: failed -> queued (audited), and it fails again; a sent one cannot be retried.
        for role in ROLES_NOT_ADMIN:
            self.assertProblem(
                self.call("POST", f"/api/v1/outbox/{bad['id']}/retry", role=role), 403)
        r = self.call("POST", f"/api/v1/outbox/{bad['id']}/retry", role="admin")
        self.assertEqual(r.status, 200, r.describe())
        self.assertIn(r.json()["status"], ("queued", "sending", "failed"))
        again = self.wait_rows([bad["id"]], lambda x: x["status"] == "failed"
                               and x["attempts"] == 2, 30, "failed again")[bad["id"]]
        self.assertIn("550", again["last_error"])
        self.assertProblem(self.call("POST", f"/api/v1/outbox/{good1['id']}/retry",
                                     role="admin"), 409)
        self.assertProblem(self.call("POST", "/api/v1/outbox/999999/retry", role="admin"), 404)
        audit = self.call("GET", "/api/v1/audit?limit=200", role="admin").json()["items"]
        self.assertTrue(any(e.get("entity") == "email" and e.get("action") == "retry"
                            and e.get("entity_id") == bad["id"] for e in audit))

    def test_b_451_is_retried_with_backoff(self):
        x = self.send(to="later@example.test", subject="Deferred").json()
        rows = self.wait_rows([x["id"]], lambda r: r["attempts"] >= 2, 30, "two attempts")
        r = rows[x["id"]]
        self.assertIn(r["status"], ("queued", "sending"))
        self.assertIn("451", r["last_error"])
        self.assertEqual(self.sink.by_message_id(x["message_id"]), [])

    # (c)
    def test_c_line_breaks_in_a_subject_are_refused(self):
        before = len(self.call("GET", "/api/v1/outbox?limit=200", role="admin").json()["items"])
        for subject in ("Hello\r\nBcc: victim@example.test", "Hello\nBcc: x@example.test",
                        "Hello\rX", "Tab\there"):
            with self.subTest(subject=subject):
                self.assertProblem(self.send(subject=subject, expect=None), 400, "subject")
        after = len(self.call("GET", "/api/v1/outbox?limit=200", role="admin").json()["items"])
        self.assertEqual(before, after, "a refused message was queued")

    def test_c_names_with_crlf_cannot_add_a_header(self):
        # The preview renders the names without line breaks.
        r = self.call("GET", f"/api/v1/greetings/preview?contact_id={self.evil_contact_id}"
                             "&kind=birthday", role="manager")
        self.assertEqual(r.status, 200, r.describe())
        p = r.json()
        for k in ("subject", "to_name"):
            self.assertNotIn("\r", p[k])
            self.assertNotIn("\n", p[k])
        self.assertEqual(p["to"], "mallory@example.test")
        self.assertEqual(p["lang"], "en")
        self.assertIn("Mallory", p["subject"])
        self.assertNotIn("\nBcc", p["body"])
        # Sent as a greeting with the contact: its name becomes the To display name.
        x = self.send(to=p["to"], subject=p["subject"], body=p["body"],
                      client_id=self.evil_client_id, contact_id=self.evil_contact_id,
                      kind="greeting").json()
        got = self.received(x["message_id"])
        self.assertEqual(len(got), 1)
        msg, raw = got[0]["msg"], got[0]["raw"]
        names = {k.lower() for k in msg.keys()}
        self.assertEqual(names - {"reply-to"}, EXPECTED_HEADERS, raw[:2000])
        self.assertNotIn(b"\r\nBcc", raw.split(b"\r\n\r\n")[0])
        self.assertNotIn(b"\r\nX-Injected", raw.split(b"\r\n\r\n")[0])
        self.assertEqual(got[0]["meta"]["rcpt_tos"], ["mallory@example.test"])
        to = msg["To"].addresses
        self.assertEqual(len(to), 1)
        self.assertEqual(to[0].addr_spec, "mallory@example.test")
        self.assertNotIn("\n", to[0].display_name)
        self.assertIn("Mallory", to[0].display_name)
        self.assertEqual(str(msg["Subject"]), p["subject"])
        self.assertEqual(msg.get_content().replace("\r\n", "\n"),
                         p["body"] + ("" if p["body"].endswith("\n") else "\n"))
        for line in raw.split(b"\r\n"):
            self.assertLessEqual(len(line), 998)
            self.assertNotIn(b"\n", line)
            self.assertNotIn(b"\r", line)

    def test_c_the_holiday_preview_names_the_clients_holiday(self):
        r = self.call("GET", f"/api/v1/greetings/preview?contact_id={self.evil_contact_id}"
                             "&kind=holiday&holiday_id=1", role="manager")
        self.assertEqual(r.status, 200, r.describe())
        p = r.json()
        self.assertEqual(p["holiday_id"], 1)
        holidays = self.call("GET", "/api/v1/holidays", role="manager").json()["items"]
        name = [h for h in holidays if h["id"] == 1][0]["name_en"]
        self.assertIn(name, p["subject"])
        self.assertIn("Evil Ltd  Bcc: victim@example.test", p["body"])
        self.assertNotIn("\r", p["body"])

    # (d)
    def test_d_lithuanian_and_russian_text_arrives_intact(self):
        cases = [
            ("Komercinis pasiūlymas – ąčęėįšųūž ĄČĘĖĮŠŲŪŽ „kabutės“",
             "Laba diena,\n\nSiunčiame pasiūlymą: kaina 1 234,50 €.\n.\nFrom Vilnius\n"),
            ("Коммерческое предложение: поставка в следующем квартале, цены и сроки оплаты "
             "на весь объём, который мы обсуждали на прошлой неделе",
             "Здравствуйте!\n\n" + "Очень длинная строка без переносов. " * 20 + "\n"),
        ]
        for subject, body in cases:
            with self.subTest(subject=subject[:20]):
                x = self.send(subject=subject, body=body).json()
                self.assertEqual(x["subject"], subject)
                msg = self.received(x["message_id"])[0]["msg"]
                raw = self.received(x["message_id"])[0]["raw"]
                self.assertEqual(str(msg["Subject"]), subject)
                self.assertEqual(msg.get_content_type(), "text/plain")
                self.assertEqual(msg.get_content_charset(), "utf-8")
                self.assertEqual(msg.get_content().replace("\r\n", "\n"), body)
                raw.decode("ascii")  # 7-bit on the wire
                for line in raw.split(b"\r\n"):
                    self.assertLessEqual(len(line), 78)

    # (e)
    def test_e_every_kind_logs_its_activity_with_the_message(self):
        contact = self.contacts[0]
        for kind, expect in ((None, "email"), ("email", "email"), ("greeting", "greeting"),
                             ("offer_email", "offer_email")):
            with self.subTest(kind=kind):
                x = self.send(kind=kind, contact_id=contact["id"],
                              subject=f"Activity {kind}").json()
                self.assertEqual(x["kind"], expect)
                self.assertIsInstance(x["activity_id"], int)
                acts = self.call("GET", f"/api/v1/activities?client_id={self.client_id}",
                                 role="manager").json()["items"]
                a = [y for y in acts if y["id"] == x["activity_id"]]
                self.assertEqual(len(a), 1, acts[:3])
                self.assertEqual(a[0]["type"], expect)
                self.assertEqual(a[0]["direction"], "out")
                self.assertEqual(a[0]["notes"], f"Activity {kind}")
                self.assertEqual(a[0]["contact_id"], contact["id"])
        self.assertProblem(self.send(kind="fax", expect=None), 400, "kind")

    def test_e_a_refused_message_logs_nothing(self):
        acts = lambda: len(self.call("GET", f"/api/v1/activities?client_id={self.client_id}",  # noqa: E731
                                     role="manager").json()["items"])
        before = acts()
        self.assertProblem(self.send(kind="greeting", subject="x\r\ny", expect=None), 400,
                           "subject")
        self.assertProblem(self.send(kind="greeting", contact_id=999999, expect=None), 400,
                           "contact_id")
        self.assertEqual(acts(), before)

    # (f)
    def test_f_the_outbox_is_for_admins(self):
        for role in ROLES_NOT_ADMIN:
            with self.subTest(role=role):
                self.assertProblem(self.call("GET", "/api/v1/outbox", role=role), 403)
                self.assertProblem(self.call("GET", "/api/v1/outbox/1", role=role), 403)
        r = self.call("GET", "/api/v1/outbox?limit=1", role="admin")
        self.assertEqual(r.status, 200, r.describe())

    def test_f_a_client_the_caller_cannot_see_is_not_found(self):
        admin_clients = self.call("GET", "/api/v1/clients?limit=200", role="admin").json()["items"]
        hidden = None
        for c in admin_clients:
            if self.call("GET", f"/api/v1/clients/{c['id']}", role="manager").status == 404:
                hidden = c["id"]
                break
        self.assertIsNotNone(hidden, "every client is the manager's")
        self.assertProblem(self.send(client_id=hidden, expect=None), 404)
        self.assertProblem(self.send(client_id=99999999, expect=None), 404)
        self.assertProblem(self.send(role="logistics", expect=None), 403)
        # The admin may write to any client.
        self.send(role="admin", client_id=hidden)

    def test_f_field_checks_name_the_field(self):
        cases = [
            ({"to": None}, "to"),
            ({"to": "not-an-address"}, "to"),
            ({"to": "a@example.test\r\nBcc: b@example.test"}, "to"),
            ({"to": "jūratė@example.test"}, "to"),
            ({"subject": ""}, "subject"),
            ({"subject": "x" * 201}, "subject"),
            ({"body": ""}, "body"),
            ({"body": "x" * 100001}, "body"),
            ({"client_id": None}, "client_id"),
            ({"client_id": "7"}, "client_id"),
            ({"colour": "red"}, "colour"),
        ]
        for fields, field in cases:
            with self.subTest(field=field, value=str(fields)[:40]):
                self.assertProblem(self.send(expect=None, **fields), 400, field)
        self.send(subject="ž" * 200, body="x" * 100000)

    # greeting templates
    def test_greeting_templates_list_edit_and_preview_language(self):
        r = self.call("GET", "/api/v1/greeting-templates", role="manager")
        self.assertEqual(r.status, 200, r.describe())
        items = r.json()["items"]
        self.assertEqual({(t["kind"], t["lang"]) for t in items},
                         {(k, l) for k in ("birthday", "holiday") for l in ("en", "lt", "ru")})
        self.assertProblem(self.call("GET", "/api/v1/greeting-templates", role="logistics"), 403)
        t = [t for t in items if t["kind"] == "birthday" and t["lang"] == "lt"][0]
        path = f"/api/v1/greeting-templates/{t['id']}"
        g = self.call("GET", path, role="manager")
        etag = g.header("ETag")
        self.assertEqual(etag, f"\"{t['version']}\"")
        self.assertProblem(self.call("PATCH", path, {"subject": "x"}, role="manager",
                                     headers={"If-Match": etag}), 403)
        self.assertProblem(self.call("PATCH", path, {"subject": "x"}, role="admin"), 428)
        self.assertProblem(self.call("PATCH", path, {"subject": "Hi {nickname}"}, role="admin",
                                     headers={"If-Match": etag}), 400, "subject")
        self.assertProblem(self.call("PATCH", path, {"subject": "a\r\nb"}, role="admin",
                                     headers={"If-Match": etag}), 400, "subject")
        self.assertProblem(self.call("PATCH", path, {"lang": "en"}, role="admin",
                                     headers={"If-Match": etag}), 400, "lang")
        new = "Su gimtadieniu, {contact_name}! Linki {sender_name}"
        r = self.call("PATCH", path, {"subject": new}, role="admin", headers={"If-Match": etag})
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.json()["subject"], new)
        self.assertEqual(r.json()["version"], t["version"] + 1)
        self.assertProblem(self.call("PATCH", path, {"subject": "stale"}, role="admin",
                                     headers={"If-Match": etag}), 412)
        # A Lithuanian contact gets the Lithuanian text, signed by the caller.
        lt = [k for k in self.contacts if k.get("lang") == "lt"]
        if lt:
            p = self.call("GET", f"/api/v1/greetings/preview?contact_id={lt[0]['id']}"
                                 "&kind=birthday", role="manager").json()
            self.assertEqual(p["lang"], "lt")
            me = self.call("GET", "/api/v1/me", role="manager").json()
            self.assertEqual(p["subject"], f"Su gimtadieniu, {lt[0]['name']}! Linki {me['name']}")
        self.assertProblem(self.call("GET", "/api/v1/greetings/preview?kind=birthday",
                                     role="manager"), 400, "contact_id")
        self.assertProblem(self.call("GET", f"/api/v1/greetings/preview?contact_id="
                                            f"{self.contacts[0]['id']}&kind=anniversary",
                                     role="manager"), 400, "kind")

    # the digest setting
    def test_digest_setting(self):
        r = self.call("GET", "/api/v1/me/digest", role="head")
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.json(), {"enabled": False, "email": None})
        self.assertProblem(self.call("PUT", "/api/v1/me/digest", {"enabled": True}, role="head"),
                           400, "email")
        self.assertProblem(self.call("PUT", "/api/v1/me/digest",
                                     {"enabled": True, "email": "bad"}, role="head"), 400, "email")
        self.assertProblem(self.call("PUT", "/api/v1/me/digest", {}, role="head"), 400, "enabled")
        r = self.call("PUT", "/api/v1/me/digest", {"enabled": True, "email": "ruta@prekyba.test"},
                      role="head")
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.json(), {"enabled": True, "email": "ruta@prekyba.test"})
        r = self.call("PUT", "/api/v1/me/digest", {"enabled": False}, role="head")
        self.assertEqual(r.json(), {"enabled": False, "email": "ruta@prekyba.test"})
        # The address becomes the Reply-To of what the user sends.
        self.call("PUT", "/api/v1/me/digest", {"enabled": False, "email": "tomas@prekyba.test"},
                  role="manager")
        x = self.send(subject="Reply to me").json()
        self.assertEqual(x["reply_to"], "tomas@prekyba.test")
        msg = self.received(x["message_id"])[0]["msg"]
        self.assertEqual(msg["Reply-To"].addresses[0].addr_spec, "tomas@prekyba.test")


class Digest(OutboxBase):
    """The morning digest: a user whose local time is between 07:30 and noon on a working
    day (an admin's override makes it one) gets his call list by e-mail, once."""

    sink_up_at_start = True

    @classmethod
    def prepare_db(cls):
        import datetime
        now = datetime.datetime.now(datetime.timezone.utc)
        tz = None
        for off in range(-12, 15):
            local = now + datetime.timedelta(hours=off)
            if datetime.time(7, 40) <= local.time() <= datetime.time(11, 40):
                # Etc/GMT-3 is three hours east of Greenwich.
                tz = f"Etc/GMT{'-' if off > 0 else '+'}{abs(off)}" if off else "Etc/UTC"
                break
        if tz is None:
            raise unittest.SkipTest("no whole-hour time zone is in its morning now")
        cls.local_day = local.date().isoformat()
        con = sqlite3.connect(cls.db)
        try:
            con.execute("PRAGMA busy_timeout = 10000")
            con.execute("UPDATE users SET digest = 1, email = 'tomas@prekyba.test', tz = ?, "
                        "lang = 'lt' WHERE login = ?", (tz, harness.ROLE_LOGINS["manager"]))
            con.execute("INSERT INTO calendar_days (day, working, note, updated_at) VALUES "
                        "(?, 1, 'test', 0) ON CONFLICT (day) DO UPDATE SET working = 1",
                        (cls.local_day,))
            con.commit()
        finally:
            con.close()

    def test_the_digest_arrives_once_in_the_users_language(self):
        deadline = time.monotonic() + 30 * SLOW
        got = []
        while time.monotonic() < deadline and not got:
            got = [m for m in self.sink.messages()
                   if m["meta"]["rcpt_tos"] == ["tomas@prekyba.test"]]
            time.sleep(0.2)
        self.assertEqual(len(got), 1, [m["msg"]["Subject"] for m in got])
        msg = got[0]["msg"]
        self.assertEqual(str(msg["Subject"]), f"Jūsų dienos sąrašas, {self.local_day}")
        self.assertEqual(msg["Auto-Submitted"], "auto-generated")
        text = msg.get_content().replace("\r\n", "\n")
        self.assertTrue(text.startswith("Labas rytas, "), text[:200])
        today = self.call("GET", "/api/v1/today", role="manager").json()
        if today["items"]:
            self.assertIn(today["items"][0]["client_name"], text)
        # Another minute's run does not send it again (the row of the day is taken).
        r = self.call("GET", "/api/v1/outbox?limit=200", role="admin").json()["items"]
        self.assertEqual(len([x for x in r if x["to"] == "tomas@prekyba.test"]), 1)


class StopDuringDelivery(harness.Case):
    """SIGTERM while a transfer hangs (a mail server that accepts and never answers): the
    server stops at once and cleanly, and the message is queued again, not lost."""

    def test_sigterm_aborts_the_transfer_and_keeps_the_message(self):
        import socket
        d = harness.tmpdir("StopDuringDelivery")
        db, tokens = harness.demo_db(d)
        hole = socket.socket()
        hole.bind(("127.0.0.1", 0))
        hole.listen(8)
        port = hole.getsockname()[1]
        server = harness.Server(db, d, env={"KLIENTAS_SMTP_URL": f"smtp://127.0.0.1:{port}",
                                            "KLIENTAS_JOBS_TICK_MS": "100"}).start()
        try:
            auth = harness.Bearer(tokens["manager"])
            cid = server.get("/api/v1/clients?limit=1", auth=auth).json()["items"][0]["id"]
            r = server.req("POST", "/api/v1/emails", {"to": "x@example.test", "subject": "Hang",
                                                      "body": "x", "client_id": cid}, auth=auth)
            self.assertEqual(r.status, 201, r.describe())
            id = r.json()["id"]
            admin = harness.Bearer(tokens["admin"])
            deadline = time.monotonic() + 20 * SLOW
            while time.monotonic() < deadline:
                row = server.get(f"/api/v1/outbox/{id}", auth=admin).json()
                if row["status"] == "sending" and row["attempts"] == 1:
                    break
                time.sleep(0.05)
            self.assertEqual(row["status"], "sending", row)
            t0 = time.monotonic()
            self.assertEqual(server.stop(), 0)
            self.assertLess(time.monotonic() - t0, 5 * SLOW, "stopping waited for the transfer")
        finally:
            if server.running():
                server.kill()
            hole.close()
        con = sqlite3.connect(db)
        try:
            status, error = con.execute("SELECT status, last_error FROM outbox WHERE id = ?",
                                        (id,)).fetchone()
        finally:
            con.close()
        self.assertEqual(status, "queued")
        self.assertTrue(error)


class TwoServersOnePostgres(harness.Case):
    """Two servers on one PostgreSQL database deliver every message exactly once."""

    @classmethod
    def setUpClass(cls):
        if not smtp_helpers.aiosmtpd_available():
            raise unittest.SkipTest("python3-aiosmtpd is not installed")
        cls.dir = harness.tmpdir(cls.__name__)
        cls.servers, cls.sink = [], None
        cls.pgdir, cls.url = harness.pg_start()
        try:
            harness.cli_ok("demo", "--db", cls.url)
            cls.token = harness.cli_ok("token", "create", "--db", cls.url, "--login",
                                       harness.ROLE_LOGINS["manager"], "--name", "pg"
                                       ).stdout.strip()
            cls.admin = harness.cli_ok("token", "create", "--db", cls.url, "--login", "admin",
                                       "--name", "pg").stdout.strip()
            cls.sink = smtp_helpers.Sink(os.path.join(cls.dir, "mail")).start()
            for i in range(2):
                d = os.path.join(cls.dir, f"s{i}")
                os.makedirs(d)
                cls.servers.append(harness.PgServer(cls.url, d, env=server_env(
                    cls.sink, KLIENTAS_JOBS_TICK_MS="20")).start())
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for s in cls.servers:
            s.stop()
        if cls.sink:
            cls.sink.stop()
        harness.pg_stop(cls.pgdir)

    def test_each_message_is_sent_once(self):
        auth = harness.Bearer(self.token)
        r = harness.request(self.servers[0].port, "GET", "/api/v1/clients?limit=1", auth=auth)
        client_id = r.json()["items"][0]["id"]
        ids = {}
        for i in range(60):
            s = self.servers[i % 2]
            r = harness.request(s.port, "POST", "/api/v1/emails",
                                {"to": f"p{i}@example.test", "subject": f"PG {i}", "body": "x",
                                 "client_id": client_id}, auth=auth)
            self.assertEqual(r.status, 201, r.describe())
            ids[r.json()["message_id"]] = r.json()["id"]
        deadline = time.monotonic() + 60 * SLOW
        while time.monotonic() < deadline:
            got = [m["msg"]["Message-ID"] for m in self.sink.messages()]
            if set(ids) <= set(got):
                break
            time.sleep(0.2)
        time.sleep(1)
        got = [m["msg"]["Message-ID"] for m in self.sink.messages()]
        for mid in ids:
            self.assertEqual(got.count(mid), 1, f"{mid} arrived {got.count(mid)} times")
        r = harness.request(self.servers[1].port, "GET", "/api/v1/outbox?status=sent&limit=200",
                            auth=harness.Bearer(self.admin))
        self.assertEqual(len(r.json()["items"]), 60)


if __name__ == "__main__":
    unittest.main()
