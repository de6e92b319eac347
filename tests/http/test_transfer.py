# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_transfer.py - import and export of the client base (issue 3, item 10; R34).

CSV import: a dry run reports every bad row by line, column and reason and writes nothing;
a commit with a bad row writes nothing either; re-importing a file changes nothing (no new
versions, no history); a body over 16 MiB gets 413; a wrong encoding (Windows-1257,
Windows-1251, UTF-16), a missing column, a broken quote and an empty file get clear
reports; a row about a client the caller cannot see is an error that does not disclose it.
vCard import of contacts. Exports (CSV, XLSX, vCard 4.0) of a manager hold exactly his
clients; the XLSX is a workbook whose formula-looking text stays text; the vCard passes a
strict parse (python3-vobject); every export is in the audit log.
"""

import csv
import io
import re
import shutil
import subprocess
import tempfile
import urllib.parse
import zipfile

import harness

try:
    import vobject  # Debian's python3-vobject
except ImportError:  # pragma: no cover - install-deps installs it
    vobject = None

CSV = "text/csv"
VCARD = "text/vcard"


def csv_bytes(rows, delimiter=";", bom=True):
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        w.writerow(row)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def read_csv_export(body):
    """An exported CSV file as a list of dicts (BOM, ';', RFC 4180)."""
    if not body.startswith(b"\xef\xbb\xbf"):
        raise AssertionError("the CSV export has no UTF-8 BOM")
    text = body[3:].decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def xlsx_sheet(body):
    z = zipfile.ZipFile(io.BytesIO(body))
    names = z.namelist()
    if "xl/worksheets/sheet1.xml" not in names:
        raise AssertionError(f"no xl/worksheets/sheet1.xml in the XLSX: {names}")
    shared = z.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in names else ""
    return z.read("xl/worksheets/sheet1.xml").decode("utf-8"), shared, z


def xlsx_column(sheet, col):
    """The numbers in one column (letter) of the data rows."""
    return [int(float(v)) for v in re.findall(rf'<c r="{col}(?:[2-9]|\d\d+)"[^>]*><v>([^<]*)</v>',
                                             sheet)]


class TransferCase(harness.ServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = {}
        for role in harness.ROLES:
            me = harness.request(cls.port, "GET", "/api/v1/me", auth=cls.bearer(role)).json()
            cls.ids[role] = me["id"]
        # A second manager of the same department, with a token of his own.
        cls.tokens["manager2"] = harness.cli_ok(
            "token", "create", "--db", "sqlite:" + cls.db, "--login", "vadybininkas2",
            "--name", "transfer-tests").stdout.strip()
        me = harness.request(cls.port, "GET", "/api/v1/me", auth=cls.bearer("manager2")).json()
        cls.ids["manager2"] = me["id"]

    def imp(self, body, role="manager", query="", ctype=CSV, **kw):
        sep = "?" if query else ""
        return self.call("POST", f"/api/v1/imports/clients{sep}{query}", body, role=role,
                         content_type=ctype, **kw)

    def visible(self, role):
        return self.list_all("/api/v1/clients?sort=name", auth=self.bearer(role))

    def search(self, q, role="admin"):
        r = self.call("GET", f"/api/v1/clients?q={q}", role=role)
        self.assertEqual(r.status, 200, r.describe())
        return r.json()["items"]

    def audit(self, entity):
        return self.list_all(f"/api/v1/audit?entity={entity}")

    def report_problem(self, r):
        j = self.assertProblem(r, 400)
        for k in ("dry_run", "rows", "created", "updated", "unchanged", "errors"):
            self.assertIn(k, j, r.describe())
        self.assertTrue(j["errors"], r.describe())
        for e in j["errors"]:
            self.assertIsInstance(e["line"], int, r.describe())
            self.assertTrue(e["message"], r.describe())
        return j


class CsvImport(TransferCase):
    HEADER = ["Pavadinimas", "Įmonės kodas", "PVM kodas", "Miestas", "Adresas", "Telefonas",
              "El. paštas", "Kontaktinis asmuo", "Kontakto telefonas", "Kontakto el. paštas"]

    def test_dry_run_reports_every_bad_row_and_a_commit_with_one_writes_nothing(self):
        rows = [self.HEADER,
                ["UAB Dryrun Alfa", "410000001", "LT410000001", "Vilnius", "Gedimino pr. 1",
                 "8 612 34567", "info@dryrun-alfa.lt", "", "", ""],
                ["UAB Dryrun Beta", "12345", "", "Kaunas", "", "", "", "", "", ""],
                ["UAB Dryrun Gama", "410000003", "", "Kaunas", "", "", "not-an-email", "", "",
                 ""],
                ["UAB Dryrun Delta", "410000004", "", "Klaipėda", "", "", "",
                 "Jonas Dryrunaitis", "+370 611 11111", "jonas@dryrun-delta.lt"]]
        before_audit = len(self.list_all("/api/v1/audit"))
        for query in ("dry_run=1", ""):
            with self.subTest(query=query or "commit"):
                r = self.imp(csv_bytes(rows), query=query)
                j = self.report_problem(r)
                self.assertEqual(j["dry_run"], query == "dry_run=1")
                self.assertEqual(j["rows"], 4)
                got = [(e["line"], e["field"], e.get("column")) for e in j["errors"]]
                self.assertEqual(got, [(3, "company_code", "Įmonės kodas"),
                                       (4, "email", "El. paštas")], r.describe())
                self.assertEqual(j["error_count"], 2)
                self.assertEqual(self.search("dryrun"), [], "a refused import wrote clients")
        self.assertEqual(len(self.list_all("/api/v1/audit")), before_audit,
                         "a refused import wrote to the audit log")
        good = [rows[0], rows[1], rows[4]]
        r = self.imp(csv_bytes(good), query="dry_run=1")
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual((r.json()["dry_run"], r.json()["created"], r.json()["errors"]),
                         (True, 2, []))
        self.assertEqual(self.search("dryrun"), [], "a dry run wrote clients")
        r = self.imp(csv_bytes(good))
        self.assertEqual(r.status, 200, r.describe())
        j = r.json()
        self.assertEqual((j["dry_run"], j["rows"], j["created"], j["updated"], j["unchanged"],
                          j["contacts_created"]), (False, 2, 2, 0, 0, 1), r.describe())
        made = {c["name"]: c for c in self.search("dryrun", role="manager")}
        self.assertEqual(set(made), {"UAB Dryrun Alfa", "UAB Dryrun Delta"})
        alfa = made["UAB Dryrun Alfa"]
        self.assertEqual(alfa["owner_id"], self.ids["manager"])
        self.assertEqual(alfa["phone"], "+37061234567")
        self.assertEqual(alfa["vat_code"], "LT410000001")
        contacts = self.call("GET", f"/api/v1/clients/{made['UAB Dryrun Delta']['id']}/contacts",
                             role="manager").json()["items"]
        self.assertEqual([(c["name"], c["phones"], c["emails"]) for c in contacts],
                         [("Jonas Dryrunaitis", ["+37061111111"], ["jonas@dryrun-delta.lt"])])
        imports = [a for a in self.audit("import") if a["user_id"] == self.ids["manager"]]
        self.assertTrue(imports, "no import entry in the audit log")
        self.assertEqual((imports[0]["after"]["rows"], imports[0]["after"]["created"]), (2, 2))
        creates = [a for a in self.audit("client")
                   if a["entity_id"] in (alfa["id"], made["UAB Dryrun Delta"]["id"])
                   and a["action"] == "create"]
        self.assertEqual(len(creates), 2, "each created client has its own audit entry")

    def test_reimport_changes_nothing(self):
        rows = [["name", "company_code", "city", "phone", "credit_limit", "contact_name",
                 "contact_phone"],
                ["UAB Idem Vienas", "420000001", "Vilnius", "8 612 00001", "1 500,50",
                 "Ona Idemaitė", "8 611 00001"],
                ["UAB Idem Du", "420000002", "Kaunas", "+370 612 00002", "",
                 "Petras Idemaitis", ""],
                ["UAB Idem Du", "420000002", "Kaunas", "", "", "Rūta Idemaitė", "+37061100003"]]
        body = csv_bytes(rows, delimiter=",", bom=False)
        r = self.imp(body)
        self.assertEqual(r.status, 200, r.describe())
        j = r.json()
        self.assertEqual((j["created"], j["updated"], j["contacts_created"]), (2, 1, 3),
                         r.describe())
        self.assertEqual(r.json().get("delimiter"), ",")

        def state():
            out = {}
            for c in self.search("idem", role="manager"):
                hist = self.call("GET", f"/api/v1/clients/{c['id']}/history",
                                 role="manager").json()["items"]
                contacts = self.call("GET", f"/api/v1/clients/{c['id']}/contacts",
                                     role="manager").json()["items"]
                out[c["name"]] = (c["version"], c["updated_at"], len(hist),
                                  sorted((k["name"], k["version"]) for k in contacts))
            return out

        before = state()
        self.assertEqual(len(before), 2)
        for _ in range(2):
            r = self.imp(body)
            self.assertEqual(r.status, 200, r.describe())
            j = r.json()
            self.assertEqual((j["rows"], j["created"], j["updated"], j["unchanged"],
                              j["contacts_created"], j["contacts_updated"]), (3, 0, 0, 3, 0, 0),
                             r.describe())
            self.assertEqual(state(), before, "a re-import wrote something")
        rows[1][2] = "Trakai"
        r = self.imp(csv_bytes(rows, delimiter=",", bom=False))
        self.assertEqual((r.json()["updated"], r.json()["unchanged"]), (1, 2), r.describe())
        after = state()
        self.assertEqual(after["UAB Idem Vienas"][0], before["UAB Idem Vienas"][0] + 1)
        self.assertEqual(after["UAB Idem Du"], before["UAB Idem Du"])

    def test_a_body_over_16_mib_gets_413_and_writes_nothing(self):
        line = b"UAB Per didelis,430000001,Vilnius\r\n"
        body = b"name,company_code,city\r\n" + line * (20_000_000 // len(line))
        self.assertGreater(len(body), 20_000_000 - len(line))
        r = self.imp(body, timeout=120 * harness.SLOW)
        self.assertProblem(r, 413)
        self.assertEqual(self.search("didelis"), [])

    def test_malformed_files_get_clear_reports(self):
        cases = [
            ("Windows-1257", "Pavadinimas;Miestas\n".encode() + "Įmonė Šilas;Šiauliai\n"
             .encode("cp1257"), 2, None, "1257"),
            ("Windows-1251", "Name,City\n".encode() + "Название,Москва\n".encode("cp1251"),
             2, None, "1251"),
            ("UTF-16", "Name,City\nAlfa,Vilnius\n".encode("utf-16"), 1, None, "UTF-16"),
            ("missing column", csv_bytes([["Miestas", "Telefonas"], ["Vilnius", "1"]]), 1,
             "name", None),
            ("stray quote", b"name,city\nAlfa,Vilnius\nUAB \"Beta\",Kaunas\n", 3, None, None),
            ("unclosed quote", b"name,city\nAlfa,Vilnius\n\"Beta,Kaunas\nGama,Kaunas\n", 3,
             None, None),
            ("empty", b"\xef\xbb\xbf\r\n", 1, None, None),
            ("header only", b"name,city\r\n", 2, None, None),
            ("more values than columns", b"name,city\nAlfa,Vilnius,extra\n", 2, None, None),
        ]
        for what, body, line, field, word in cases:
            with self.subTest(what=what):
                before = len(self.visible("admin"))
                r = self.imp(body, role="admin")  # admin reads English
                j = self.report_problem(r)
                e = j["errors"][0]
                self.assertEqual((e["line"], e["field"]), (line, field), r.describe())
                if word:
                    self.assertIn(word, e["message"], r.describe())
                self.assertEqual(len(self.visible("admin")), before,
                                 "a refused file wrote clients")
        r = self.imp(b'{"name": "x"}', ctype="application/json")
        self.assertProblem(r, 415, "Content-Type")
        r = self.imp(csv_bytes([["name"], ["x"]]), query="mapping=%5B1%5D")
        self.assertProblem(r, 400, "mapping")
        r = self.imp(csv_bytes([["name"], ["x"]]), query="delimiter=x")
        self.assertProblem(r, 400, "delimiter")

    def test_a_mapping_names_the_columns(self):
        rows = [["Firma", "Kodas", "Ignoruoti", "Nr."], ["UAB Mapped", "440000001", "x", "1"]]
        r = self.imp(csv_bytes(rows), query="dry_run=1&mapping=%7B%22Firma%22%3A%22name%22%2C"
                     "%22Ignoruoti%22%3Anull%7D")
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.json()["created"], 1)
        self.assertEqual(r.json()["ignored_columns"], ["Nr."])
        r = self.imp(csv_bytes(rows), query="mapping=%7B%22Firma%22%3A%22bogus%22%7D")
        j = self.report_problem(r)
        self.assertEqual((j["errors"][0]["line"], j["errors"][0]["field"]), (1, "Firma"))

    def test_a_row_about_a_client_the_caller_cannot_see_is_an_error_that_hides_it(self):
        theirs = [c for c in self.visible("manager2") if c.get("company_code")][0]
        mine = self.visible("manager")
        self.assertNotIn(theirs["id"], [c["id"] for c in mine])
        rows = [["name", "company_code", "city"], ["Takeover", theirs["company_code"], "Kaunas"]]
        r = self.imp(csv_bytes(rows))
        j = self.report_problem(r)
        e = j["errors"][0]
        self.assertEqual((e["line"], e["field"]), (2, "company_code"))
        self.assertNotIn(str(theirs["id"]), r.text.replace(r.json()["request_id"], ""))
        self.assertNotIn(theirs["name"], r.text)
        got = self.call("GET", f"/api/v1/clients/{theirs['id']}", role="admin").json()
        self.assertEqual((got["name"], got["version"]), (theirs["name"], theirs["version"]))
        # By id: another manager's client is "not among the clients you can see".
        rows = [["id", "name"], [str(theirs["id"]), "Takeover"]]
        e = self.report_problem(self.imp(csv_bytes(rows)))["errors"][0]
        self.assertEqual((e["line"], e["field"]), (2, "id"))
        # A manager may not give a client to someone else.
        rows = [["name", "owner_id"], ["UAB Not Mine", str(self.ids["manager2"])]]
        e = self.report_problem(self.imp(csv_bytes(rows)))["errors"][0]
        self.assertEqual((e["line"], e["field"]), (2, "owner_id"))
        # Logistics does not import at all.
        self.assertProblem(self.imp(csv_bytes([["name"], ["x"]]), role="logistics"), 403)


class VcardImport(TransferCase):
    def client_of(self, role):
        return self.visible(role)[0]

    def test_contacts_from_vcard_3_and_4(self):
        client = self.client_of("manager")
        cards = ("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Vcardaitė;Ona;;;\r\nFN:Ona Vcardaitė\r\n"
                 "TITLE:Direktorė\\, vadovė\r\nTEL;TYPE=WORK:+370 600 10001\r\n"
                 "EMAIL;TYPE=INTERNET:ona@vcard.lt\r\nBDAY:1980-02-03\r\n"
                 "NOTE:Pirma eilutė\\nantra eilutė yra ilga ir todėl sulankstyta per\r\n"
                 "  dvi eilutes\r\nEND:VCARD\r\n"
                 "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Petras Vcardaitis\r\n"
                 "TEL;VALUE=uri;TYPE=work:tel:+370-600-10002\r\nEND:VCARD\r\n").encode()
        path = f"/api/v1/imports/contacts?client_id={client['id']}"
        r = self.call("POST", path + "&dry_run=1", cards, role="manager", content_type=VCARD)
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual((r.json()["rows"], r.json()["created"], r.json()["dry_run"]),
                         (2, 2, True))
        r = self.call("POST", path, cards, role="manager", content_type=VCARD)
        self.assertEqual((r.status, r.json()["created"]), (200, 2), r.describe())
        r = self.call("POST", path, cards, role="manager", content_type=VCARD)
        self.assertEqual((r.status, r.json()["unchanged"]), (200, 2), r.describe())
        got = {c["name"]: c for c in self.call("GET", f"/api/v1/clients/{client['id']}/contacts",
                                               role="manager").json()["items"]}
        ona = got["Ona Vcardaitė"]
        self.assertEqual((ona["position"], ona["phones"], ona["emails"], ona["birthday"]),
                         ("Direktorė, vadovė", ["+37060010001"], ["ona@vcard.lt"],
                          "1980-02-03"))
        self.assertEqual(ona["notes"],
                         "Pirma eilutė\nantra eilutė yra ilga ir todėl sulankstyta per dvi "
                         "eilutes")
        self.assertEqual(got["Petras Vcardaitis"]["phones"], ["+37060010002"])

    def test_bad_cards_are_reported_and_others_clients_are_not_found(self):
        client = self.client_of("manager")
        bad = b"BEGIN:VCARD\nVERSION:4.0\nFN:Blogas Telefonas\nTEL:12\nEND:VCARD\n"
        r = self.call("POST", f"/api/v1/imports/contacts?client_id={client['id']}", bad,
                      role="manager", content_type=VCARD)
        e = self.report_problem(r)["errors"][0]
        self.assertEqual((e["line"], e["field"]), (1, "TEL"))
        old = b"BEGIN:VCARD\nVERSION:2.1\nFN:Senas\nEND:VCARD\n"
        r = self.call("POST", f"/api/v1/imports/contacts?client_id={client['id']}", old,
                      role="manager", content_type=VCARD)
        self.assertEqual(self.report_problem(r)["errors"][0]["line"], 2)
        theirs = self.client_of("manager2")
        r = self.call("POST", f"/api/v1/imports/contacts?client_id={theirs['id']}",
                      b"BEGIN:VCARD\nVERSION:4.0\nFN:X\nEND:VCARD\n", role="manager",
                      content_type=VCARD)
        self.assertProblem(r, 404, "client_id")
        r = self.call("POST", "/api/v1/imports/contacts",
                      b"BEGIN:VCARD\nVERSION:4.0\nFN:X\nEND:VCARD\n", role="manager",
                      content_type=VCARD)
        self.assertProblem(r, 400, "client_id")


class Exports(TransferCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A card whose texts look like formulas, with a contact that needs escaping.
        r = harness.request(cls.port, "POST", "/api/v1/clients",
                            {"name": "=SUM(1)", "city": "+Vilnius", "notes": "@home\n-2",
                             "company_code": "450000001",
                             "credit_limit": {"amount": 123456, "currency": "EUR"}},
                            auth=cls.bearer("manager"))
        assert r.status == 201, r.describe()
        cls.formula_id = r.json()["id"]
        r = harness.request(cls.port, "POST", f"/api/v1/clients/{cls.formula_id}/contacts",
                            {"name": "Žydrūnė Kabliataškytė-Ilgapavardė",
                             "position": "Vadovė; pardavimai, didmena",
                             "phones": ["+370 600 20001"], "emails": ["zydrune@example.lt"],
                             "birthday": "1985-04-12", "notes": "Labai ilgas komentaras " * 6},
                            auth=cls.bearer("manager"))
        assert r.status == 201, r.describe()

    def export(self, fmt, role="manager", query=""):
        r = self.call("GET", f"/api/v1/exports/clients?format={fmt}{query}", role=role)
        self.assertEqual(r.status, 200, r.describe())
        self.assertRegex(r.header("Content-Disposition") or "",
                         rf'^attachment; filename="clients-\d{{4}}-\d\d-\d\d\.{fmt}"$')
        return r

    def test_a_managers_csv_holds_exactly_his_clients(self):
        r = self.export("csv")
        self.assertTrue(r.header("Content-Type").startswith("text/csv"))
        rows = read_csv_export(r.body)
        self.assertIn(b"\r\n", r.body)
        visible = self.visible("manager")
        self.assertEqual(sorted(int(x["id"]) for x in rows), sorted(c["id"] for c in visible))
        self.assertEqual({int(x["owner_id"]) for x in rows}, {self.ids["manager"]})
        others = {c["id"] for c in self.visible("manager2")}
        self.assertTrue(others)
        self.assertFalse(others & {int(x["id"]) for x in rows})
        self.assertEqual(int(r.header("X-Export-Rows")), len(rows))
        f = [x for x in rows if int(x["id"]) == self.formula_id][0]
        self.assertEqual((f["name"], f["city"], f["notes"], f["credit_limit"]),
                         ("=SUM(1)", "+Vilnius", "@home\n-2", "1234,56"))
        # Filters are the list's.
        r = self.export("csv", query="&city=%2BVilnius&delimiter=,")
        text = r.body[3:].decode()
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        self.assertEqual([int(x["id"]) for x in rows], [self.formula_id])
        self.assertEqual(rows[0]["credit_limit"], "1234.56")

    def test_a_head_and_the_director_see_more_and_logistics_nothing(self):
        head = read_csv_export(self.export("csv", role="head").body)
        director = read_csv_export(self.export("csv", role="director").body)
        self.assertEqual(sorted(int(x["id"]) for x in head),
                         sorted(c["id"] for c in self.visible("head")))
        self.assertGreater(len(director), len(head) - 1)
        self.assertProblem(self.call("GET", "/api/v1/exports/clients?format=csv",
                                     role="logistics"), 403)
        self.assertProblem(self.call("GET", "/api/v1/exports/clients?format=pdf",
                                     role="manager"), 400, "format")
        self.assertProblem(self.call("GET", "/api/v1/exports/clients?format=csv&type=x",
                                     role="manager"), 400, "type")

    def test_the_xlsx_opens_and_formula_looking_text_stays_text(self):
        r = self.export("xlsx")
        self.assertEqual(r.header("Content-Type"),
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        sheet, shared, z = xlsx_sheet(r.body)
        self.assertIsNone(re.search(r"<f[ >]", sheet), "the sheet holds a formula")
        for text in ("=SUM(1)", "+Vilnius"):
            self.assertTrue(f"<t>{text}</t>" in sheet or f"<t>{text}</t>" in shared,
                            f"{text!r} is not a text cell")
        self.assertIn('state="frozen"', sheet)
        self.assertRegex(sheet, r'<autoFilter ref="A1:Z\d+"/>')
        self.assertIn("<cols>", sheet)
        ids = xlsx_column(sheet, "A")
        self.assertEqual(sorted(ids), sorted(c["id"] for c in self.visible("manager")))
        self.assertEqual(set(xlsx_column(sheet, "I")), {self.ids["manager"]})
        # The header row is in the caller's language (vadybininkas1 works in Lithuanian).
        self.assertIn("<t>Pavadinimas</t>", sheet + shared)
        self.assertIn("<b/>", z.read("xl/styles.xml").decode())
        # The credit limit is a number with two decimals.
        self.assertIn("#,##0.00", z.read("xl/styles.xml").decode())
        self.assertIn("<v>1234.56</v>", sheet)
        office = shutil.which("libreoffice") or shutil.which("soffice")
        if office:  # optional: LibreOffice reads it back as text
            d = tempfile.mkdtemp(dir=self.dir)
            with open(f"{d}/x.xlsx", "wb") as f:
                f.write(r.body)
            subprocess.run([office, "--headless", "--convert-to",
                            "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", d,
                            f"{d}/x.xlsx"], capture_output=True, timeout=120)
            with open(f"{d}/x.csv", encoding="utf-8") as f:
                self.assertIn("=SUM(1)", f.read())

    def test_the_vcard_is_strict_rfc_6350(self):
        if vobject is None:
            self.skipTest("python3-vobject is not installed")
        r = self.export("vcf")
        self.assertTrue(r.header("Content-Type").startswith("text/vcard"))
        raw = r.body
        self.assertTrue(raw.startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n"))
        self.assertTrue(raw.endswith(b"END:VCARD\r\n"))
        for line in raw.split(b"\r\n"):
            self.assertNotIn(b"\n", line)
            self.assertLessEqual(len(line), 75, line)
            line.decode("utf-8")  # folded on character boundaries
        cards = list(vobject.readComponents(raw.decode("utf-8"), validate=True))
        mine = {c["name"]: c for c in self.visible("manager")}
        expected = 0
        for c in mine.values():
            expected += len(self.call("GET", f"/api/v1/clients/{c['id']}/contacts",
                                      role="manager").json()["items"])
        self.assertEqual(len(cards), expected)
        self.assertEqual(int(r.header("X-Export-Rows")), expected)
        for card in cards:
            self.assertEqual(card.version.value, "4.0")
            self.assertIn(card.org.value[0], mine, "a card of a client the manager cannot see")
        z = [c for c in cards if c.fn.value == "Žydrūnė Kabliataškytė-Ilgapavardė"]
        self.assertEqual(len(z), 1)
        z = z[0]
        self.assertEqual(z.tel.value, "+37060020001")
        self.assertEqual(z.email.value, "zydrune@example.lt")
        self.assertEqual(z.title.value, "Vadovė; pardavimai, didmena")
        self.assertEqual(z.n.value.family, "Kabliataškytė-Ilgapavardė")
        self.assertEqual(z.bday.value, "19850412")
        self.assertEqual(z.note.value, ("Labai ilgas komentaras " * 6).strip())

    def test_every_export_is_audited(self):
        before = len(self.audit("export"))
        self.export("csv", query="&status=prospect&sort=-created")
        self.export("xlsx", role="head")
        r = self.export("vcf")
        entries = self.audit("export")
        self.assertEqual(len(entries), before + 3)
        vcf, xlsx, csv_ = entries[0], entries[1], entries[2]
        self.assertEqual((csv_["user_id"], csv_["after"]["format"], csv_["after"]["filter"]),
                         (self.ids["manager"], "csv",
                          {"status": "prospect", "sort": "-created"}))
        self.assertEqual((xlsx["user_id"], xlsx["after"]["format"]), (self.ids["head"], "xlsx"))
        self.assertEqual((vcf["after"]["format"], vcf["after"]["rows"]),
                         ("vcf", int(r.header("X-Export-Rows"))))
        self.assertIsInstance(csv_["after"]["rows"], int)


class ImportSearch:
    """What an import writes is found by the search once it commits, and nothing of a dry
    run or a refused import is. (The search text of an import's clients is written at the
    end of its transaction, in one batch: see src/domain/search.h.) Runs on SQLite and on
    PostgreSQL (ImportSearchOnPostgres)."""

    def found(self, q, role="manager"):
        r = self.call("GET", f"/api/v1/clients?q={urllib.parse.quote(q)}", role=role)
        self.assertEqual(r.status, 200, r.describe())
        return sorted(c["name"] for c in r.json()["items"])

    def imp(self, body, query=""):
        return self.call("POST", "/api/v1/imports/clients" + query, body, role="manager",
                         content_type=CSV)

    def test_what_an_import_writes_is_found_by_search(self):
        r = self.call("POST", "/api/v1/clients", {"name": "UAB Senasis Radinys",
                      "company_code": "430000009", "city": "Zarasiukai"}, role="manager")
        self.assertEqual(r.status, 201, r.describe())
        old = r.json()
        self.assertEqual(self.found("zarasiuk"), ["UAB Senasis Radinys"])
        rows = [["name", "company_code", "city", "contact_name", "contact_phone"],
                ["UAB Naujas Radinys", "430000001", "Birštonėliai", "Ona Paieškaitė",
                 "+370 612 34599"],
                ["UAB Antras Radinys", "430000002", "Birštonėliai", "", ""],
                # the existing client, by its code: another city and a first contact
                ["UAB Senasis Radinys", "430000009", "Naujaradžiai", "Jonas Rastenis", ""],
                # a second contact for the client the first row made
                ["UAB Naujas Radinys", "430000001", "Birštonėliai", "Rūta Antroji", ""]]
        dry = self.imp(csv_bytes(rows), "?dry_run=1")
        self.assertEqual((dry.status, dry.json()["created"]), (200, 2), dry.describe())
        self.assertEqual(self.found("birstonel"), [], "a dry run reached the search")
        r = self.imp(csv_bytes(rows))
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual((r.json()["created"], r.json()["updated"]), (2, 2), r.describe())
        self.assertEqual(self.found("birstonel"), ["UAB Antras Radinys", "UAB Naujas Radinys"])
        self.assertEqual(self.found("PAIEŠKAIT"), ["UAB Naujas Radinys"])
        self.assertEqual(self.found("ruta antroji"), ["UAB Naujas Radinys"])
        self.assertEqual(self.found("861234599"), ["UAB Naujas Radinys"])
        self.assertEqual(self.found("naujaradz"), ["UAB Senasis Radinys"])
        self.assertEqual(self.found("rastenis"), ["UAB Senasis Radinys"])
        self.assertEqual(self.found("zarasiuk"), [], "the old city still finds the client")
        self.assertEqual(self.found("radinys", role="manager2"), [],
                         "another manager finds the imported clients")
        # a refused import (its last row is bad) leaves nothing to find
        bad = [["name", "company_code", "city"], ["UAB Dingęs Radinys", "430000003", "Dingutėnai"],
               ["", "430000004", "Dingutėnai"]]
        r = self.imp(csv_bytes(bad))
        self.assertEqual(r.status, 400, r.describe())
        self.assertEqual(self.found("dinguten"), [])
        # contacts from a vCard
        cards = b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Vizitas Kortelaitis\r\nEND:VCARD\r\n"
        r = self.call("POST", f"/api/v1/imports/contacts?client_id={old['id']}", cards,
                      role="manager", content_type=VCARD)
        self.assertEqual((r.status, r.json()["created"]), (200, 1), r.describe())
        self.assertEqual(self.found("kortelait"), ["UAB Senasis Radinys"])


    def test_a_reassigned_client_is_found_by_its_new_owner_only(self):
        # (PostgreSQL's search text holds the words qualified by the owner: they must follow)
        rows = [["name", "company_code", "city"], ["UAB Keliaujantis Daiktas", "430000021",
                                                   "Perkeltiškės"]]
        r = self.imp(csv_bytes(rows))
        self.assertEqual((r.status, r.json()["created"]), (200, 1), r.describe())
        self.assertEqual(self.found("perkeltisk"), ["UAB Keliaujantis Daiktas"])
        c = self.call("GET", "/api/v1/clients?q=perkeltisk", role="manager").json()["items"][0]
        me2 = self.call("GET", "/api/v1/me", role="manager2").json()["id"]
        r = self.call("PATCH", f"/api/v1/clients/{c['id']}", {"owner_id": me2}, role="head",
                      headers={"If-Match": f'"{c["version"]}"'})
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(self.found("perkeltisk"), [])
        self.assertEqual(self.found("perkeltisk", role="manager2"), ["UAB Keliaujantis Daiktas"])
        self.assertEqual(self.found("keliaujantis daikt", role="manager2"),
                         ["UAB Keliaujantis Daiktas"])
        self.assertEqual(self.found("perkeltisk", role="head"), ["UAB Keliaujantis Daiktas"])
        self.assertEqual(self.found("perkeltisk", role="director"), ["UAB Keliaujantis Daiktas"])


class ImportSearchOnSqlite(ImportSearch, TransferCase):
    pass


class ImportSearchOnPostgres(ImportSearch, harness.PgServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tokens["manager2"] = harness.cli_ok(
            "token", "create", "--db", cls.db_url, "--login", "vadybininkas2", "--name",
            "transfer-tests").stdout.strip()


class Cli(harness.Case):
    """klientas import / export on a database copy (no server)."""

    def test_import_and_export_commands(self):
        d = harness.tmpdir("transfer-cli")
        db, _ = harness.demo_db(d)
        url = "sqlite:" + db
        bad = f"{d}/bad.csv"
        with open(bad, "wb") as f:
            f.write(csv_bytes([["Pavadinimas", "Įmonės kodas"], ["UAB Cli Alfa", "460000001"],
                               ["UAB Cli Beta", "46"]]))
        p = harness.run_cli("import", "clients", bad, "--db", url, "--dry-run")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("line 3:", p.stdout)
        good = f"{d}/good.csv"
        with open(good, "wb") as f:
            f.write(csv_bytes([["Pavadinimas", "Įmonės kodas"], ["UAB Cli Alfa", "460000001"]]))
        p = harness.cli_ok("import", "clients", good, "--db", url, "--login", "vadybininkas1")
        self.assertIn("1 created", p.stdout)
        p = harness.cli_ok("import", "clients", good, "--db", url, "--login", "vadybininkas1")
        self.assertIn("1 unchanged", p.stdout)
        out = f"{d}/out.csv"
        harness.cli_ok("export", "clients", "--format", "csv", "--out", out, "--db", url,
                       "--login", "vadybininkas2")
        with open(out, "rb") as f:
            names = [x["name"] for x in read_csv_export(f.read())]
        self.assertTrue(names)
        self.assertNotIn("UAB Cli Alfa", names)
        self.assertEqual(harness.run_cli("import", "clients", "--db", url).returncode, 2)
        self.assertEqual(harness.run_cli("export", "clients", "--db", url).returncode, 2)
