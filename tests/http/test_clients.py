# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_clients.py - client cards over HTTP (issue 3, docs/clients.md).

A new card: per-field errors (Lithuanian company and VAT codes, phones, e-mails, unknown
and read-only members) that name the field and write nothing; phones stored in E.164;
duplicate company codes (409, with existing_id only for a caller who may see that client)
and near-duplicate names. Two editors of one card: the second gets 412 with the card as it
is now and loses nothing once he re-applies; If-Match is required (428). Soft delete,
the deleted list and restore (a head's act, not a manager's); merge (contacts, history,
activities and empty fields move); the history (who changed which field from what to
what); card issue and its notifications; reassigning the owner (a head's act, within his
department) and the segment rule with its setting; search (diacritics, Cyrillic prefixes,
phones in any format); list filters, sorting both ways and cursor paging.
"""

import itertools
import sqlite3
import urllib.parse

import harness

_codes = itertools.count(610000001)


def code():
    """A fresh 9-digit Lithuanian company code."""
    return str(next(_codes))


def q(s):
    return urllib.parse.quote(s)


class ClientsCase(harness.ServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for key, login in (("manager2", "vadybininkas2"), ("retail", "vadybininke3")):
            cls.tokens[key] = harness.cli_ok(
                "token", "create", "--db", "sqlite:" + cls.db, "--login", login, "--name",
                "clients-tests").stdout.strip()
        cls.ids = {}
        for role in ("manager", "manager2", "retail", "head", "director", "admin"):
            r = harness.request(cls.port, "GET", "/api/v1/me", auth=cls.bearer(role))
            cls.ids[role] = r.json()["id"]

    # ---- helpers ----

    def create(self, body, role="manager", status=201):
        r = self.call("POST", "/api/v1/clients", body, role=role)
        self.assertEqual(r.status, status, r.describe())
        return r.json()

    def card(self, cid, role="manager"):
        return self.call("GET", f"/api/v1/clients/{cid}", role=role)

    def patch(self, cid, body, version, role="manager"):
        return self.call("PATCH", f"/api/v1/clients/{cid}", body, role=role,
                         headers={"If-Match": f'"{version}"'})

    def history(self, cid, role="head"):
        r = self.call("GET", f"/api/v1/clients/{cid}/history?limit=200", role=role)
        self.assertEqual(r.status, 200, r.describe())
        return r.json()["items"]

    def contacts(self, cid, role="manager"):
        r = self.call("GET", f"/api/v1/clients/{cid}/contacts", role=role)
        self.assertEqual(r.status, 200, r.describe())
        return r.json()["items"]

    def search_ids(self, text, role="admin", kind="client"):
        r = self.call("GET", "/api/v1/search?q=" + q(text), role=role)
        self.assertEqual(r.status, 200, r.describe())
        return [i["id"] for i in r.json()["items"] if i.get("kind") == kind]

    def notifications(self, role):
        r = self.call("GET", "/api/v1/notifications?limit=200", role=role)
        self.assertEqual(r.status, 200, r.describe())
        return r.json()["items"]


class NewCards(ClientsCase):
    def test_bad_fields_answer_400_naming_the_field_and_write_nothing(self):
        cases = [
            ("company_code", {"company_code": "12345"}),
            ("company_code", {"company_code": "12345678A"}),
            ("vat_code", {"vat_code": "LT12345678"}),
            ("vat_code", {"vat_code": "DE123456789"}),
            ("phone", {"phone": "8 612 3456x"}),
            ("phone", {"phone": "12"}),
            ("email", {"email": "vardas.pavarde@"}),
            ("email", {"email": "vardas pavarde@imone.lt"}),
            ("colour", {"colour": "red"}),
            ("version", {"version": 7}),
            ("issued", {"issued": True}),
            ("id", {"id": 5}),
            ("type", {"type": "wholesale"}),
            ("payment_terms_days", {"payment_terms_days": "30"}),
        ]
        for n, (field, extra) in enumerate(cases):
            name = f"Klaidinga kortelė {n} Zyxq"
            with self.subTest(field=field, body=extra):
                r = self.call("POST", "/api/v1/clients", dict({"name": name}, **extra),
                              role="manager")
                self.assertProblem(r, 400, field=field)
        r = self.call("POST", "/api/v1/clients", {"company_code": code()}, role="manager")
        self.assertProblem(r, 400, field="name")
        self.assertEqual(self.search_ids("zyxq"), [], "a refused card was written")
        # The same codes are fine where they belong: 12 digits of VAT in Lithuania, a
        # German register number and VAT code for a German card.
        ok = self.create({"name": "Gera kortelė Zyxq", "company_code": code(),
                          "vat_code": "lt 123456789012"})
        self.assertEqual(ok["vat_code"], "LT123456789012")
        de = self.create({"name": "Deutsche Zyxq GmbH", "country": "de",
                          "company_code": "HRB 12345", "vat_code": "DE123456789"})
        self.assertEqual((de["country"], de["company_code"]), ("DE", "HRB 12345"))

    def test_phones_are_stored_in_e164(self):
        for given in ("8 612 34567", "+370 612 34567", "00370 612 34567", "612 34567",
                      "(8-612) 34-567"):
            with self.subTest(phone=given):
                c = self.create({"name": f"Telefonas {given}", "phone": given})
                self.assertEqual(c["phone"], "+37061234567")
                r = self.call("POST", f"/api/v1/clients/{c['id']}/contacts",
                              {"name": "Ona Telefonaitė", "phones": [given, "+48 601 234 567"]},
                              role="manager")
                self.assertEqual(r.status, 201, r.describe())
                self.assertEqual(r.json()["phones"], ["+37061234567", "+48601234567"])
        r = self.call("POST", f"/api/v1/clients/{c['id']}/contacts",
                      {"name": "Blogas Numeris", "phones": ["+370 612 34567", "skambink"]},
                      role="manager")
        self.assertProblem(r, 400, field="phones[1]")

    def test_duplicate_company_code_names_the_existing_client_only_to_who_may_see_it(self):
        cc = code()
        first = self.create({"name": "Dublikatas Pirmas", "company_code": cc})
        for role, disclosed in (("manager", True), ("head", True), ("director", True),
                                ("manager2", False)):
            with self.subTest(role=role):
                r = self.call("POST", "/api/v1/clients",
                              {"name": f"Dublikatas {role}", "company_code": cc}, role=role)
                j = self.assertProblem(r, 409, field="company_code")
                if disclosed:
                    self.assertEqual(j.get("existing_id"), first["id"], r.describe())
                else:
                    self.assertNotIn("existing_id", j, r.describe())
                    self.assertNotIn(str(first["id"]), j["detail"])
        self.assertEqual(self.search_ids(cc), [first["id"]], "a duplicate was written")
        # Changing another card to the code in use is refused the same way.
        other = self.create({"name": "Dublikatas Antras"})
        r = self.patch(other["id"], {"company_code": cc}, other["version"])
        j = self.assertProblem(r, 409, field="company_code")
        self.assertEqual(j.get("existing_id"), first["id"])
        self.assertIsNone(self.card(other["id"]).json()["company_code"])

    def test_near_duplicate_name_warns_with_the_visible_client(self):
        first = self.create({"name": "UAB „Kvarco Linija“"})
        self.assertEqual(first.get("warnings"), [])
        second = self.create({"name": "kvarco linija, MB"})
        self.assertEqual([(w["code"], w["client_id"]) for w in second["warnings"]],
                         [("near_duplicate", first["id"])])
        # Another manager's near duplicate is not disclosed to him.
        third = self.create({"name": "Kvarco Linija"}, role="manager2")
        self.assertEqual(third["warnings"], [])
        # A head sees all three.
        fourth = self.create({"name": "KVARCO LINIJA UAB", "owner_id": self.ids["manager"]},
                             role="head")
        self.assertEqual(sorted(w["client_id"] for w in fourth["warnings"]),
                         sorted([first["id"], second["id"], third["id"]]))


class Editing(ClientsCase):
    def test_two_editors_the_second_gets_412_and_loses_nothing(self):
        c = self.create({"name": "Du Redaktoriai", "city": "Vilnius"})
        a = self.card(c["id"], role="manager")
        b = self.card(c["id"], role="head")
        self.assertEqual((a.header("ETag"), b.header("ETag")), ('"1"', '"1"'))
        r = self.call("PATCH", f"/api/v1/clients/{c['id']}", {"city": "Kaunas", "notes": "A"},
                      role="manager", headers={"If-Match": a.header("ETag")})
        self.assertEqual(r.status, 200, r.describe())
        self.assertEqual(r.header("ETag"), '"2"')
        r = self.call("PATCH", f"/api/v1/clients/{c['id']}", {"phone": "8 600 11122"},
                      role="head", headers={"If-Match": b.header("ETag")})
        j = self.assertProblem(r, 412)
        cur = j.get("current")
        self.assertIsInstance(cur, dict, r.describe())
        self.assertEqual((cur["id"], cur["version"], cur["city"], cur["notes"], cur["phone"]),
                         (c["id"], 2, "Kaunas", "A", None))
        # Nothing of the refused change was written.
        now = self.card(c["id"], role="head")
        self.assertEqual(now.header("ETag"), '"2"')
        self.assertIsNone(now.json()["phone"])
        # The second editor applies his change on the current version: both survive.
        r = self.call("PATCH", f"/api/v1/clients/{c['id']}", {"phone": "8 600 11122"},
                      role="head", headers={"If-Match": now.header("ETag")})
        self.assertEqual(r.status, 200, r.describe())
        final = self.card(c["id"]).json()
        self.assertEqual((final["city"], final["notes"], final["phone"], final["version"]),
                         ("Kaunas", "A", "+37060011122", 3))
        updates = [h for h in self.history(c["id"]) if h["action"] == "update"]
        self.assertEqual(len(updates), 2, updates)

    def test_patch_and_delete_need_if_match(self):
        c = self.create({"name": "Be If-Match"})
        path = f"/api/v1/clients/{c['id']}"
        self.assertProblem(self.call("PATCH", path, {"city": "Utena"}, role="manager"), 428)
        self.assertProblem(self.call("DELETE", path, role="manager"), 428)
        self.assertProblem(self.call("DELETE", path, role="manager",
                                     headers={"If-Match": '"9"'}), 412)
        self.assertProblem(self.patch(c["id"], {"city": "Utena"}, 9), 412)
        now = self.card(c["id"])
        self.assertEqual(now.status, 200, now.describe())
        self.assertEqual((now.json()["version"], now.json()["city"]), (1, None))

    def test_history_shows_each_field_change_with_who_from_and_to(self):
        c = self.create({"name": "Istorija", "city": "Vilnius", "segment": "small"})
        r = self.patch(c["id"], {"city": "Kaunas", "segment": "large"}, 1)
        self.assertEqual(r.status, 200, r.describe())
        r = self.call("POST", f"/api/v1/clients/{c['id']}/contacts", {"name": "Jonas Istorikas"},
                      role="manager")
        self.assertEqual(r.status, 201, r.describe())
        k = r.json()
        r = self.call("PATCH", f"/api/v1/contacts/{k['id']}", {"position": "Direktorius"},
                      role="head", headers={"If-Match": r.header("ETag")})
        self.assertEqual(r.status, 200, r.describe())
        hist = self.history(c["id"], role="manager")
        upd = [h for h in hist if h["entity"] == "client" and h["action"] == "update"]
        self.assertEqual(len(upd), 1, hist)
        self.assertEqual(upd[0]["user_id"], self.ids["manager"])
        self.assertTrue(upd[0]["user_name"])
        self.assertEqual(sorted((x["field"], x["from"], x["to"]) for x in upd[0]["changes"]),
                         [("city", "Vilnius", "Kaunas"), ("segment", "small", "large")])
        kc = [h for h in hist if h["entity"] == "contact" and h["action"] == "update"]
        self.assertEqual(len(kc), 1, hist)
        self.assertEqual((kc[0]["entity_id"], kc[0]["user_id"]), (k["id"], self.ids["head"]))
        self.assertEqual([(x["field"], x["from"], x["to"]) for x in kc[0]["changes"]],
                         [("position", None, "Direktorius")])
        self.assertIn("create", [h["action"] for h in hist if h["entity"] == "client"])
        # Newest first.
        self.assertEqual([h["id"] for h in hist], sorted((h["id"] for h in hist), reverse=True))

    def test_soft_delete_and_restore_by_a_head_not_by_a_manager(self):
        c = self.create({"name": "Ištrinamas Kvarcelis", "company_code": code()})
        r = self.call("DELETE", f"/api/v1/clients/{c['id']}", role="manager",
                      headers={"If-Match": '"1"'})
        self.assertEqual(r.status, 204, r.describe())
        for role in ("manager", "head", "admin"):
            self.assertProblem(self.card(c["id"], role=role), 404)
        live = [x["id"] for x in self.list_all("/api/v1/clients", auth=self.bearer("head"))]
        self.assertNotIn(c["id"], live)
        self.assertEqual(self.search_ids("kvarcelis", role="head"), [])
        deleted = self.list_all("/api/v1/clients?deleted=1", auth=self.bearer("head"))
        self.assertIn(c["id"], [x["id"] for x in deleted])
        self.assertTrue(all(x["deleted_at"] for x in deleted), deleted)
        self.assertProblem(self.call("GET", "/api/v1/clients?deleted=1", role="manager"), 403)
        r = self.call("POST", f"/api/v1/clients/{c['id']}/restore", role="manager")
        self.assertProblem(r, 403)
        self.assertProblem(self.card(c["id"]), 404)
        r = self.call("POST", f"/api/v1/clients/{c['id']}/restore", role="head")
        self.assertEqual(r.status, 200, r.describe())
        self.assertIsNone(r.json()["deleted_at"])
        back = self.card(c["id"])
        self.assertEqual(back.status, 200, back.describe())
        self.assertEqual(back.json()["company_code"], c["company_code"])
        self.assertEqual(self.search_ids("kvarcelis", role="manager"), [c["id"]])
        deleted = self.list_all("/api/v1/clients?deleted=1", auth=self.bearer("head"))
        self.assertNotIn(c["id"], [x["id"] for x in deleted])
        actions = [h["action"] for h in self.history(c["id"])]
        self.assertIn("delete", actions)
        self.assertIn("restore", actions)

    def test_restore_is_refused_after_90_days_or_while_the_code_is_taken(self):
        cc = code()
        old = self.create({"name": "Senai ištrintas", "company_code": cc})
        r = self.call("DELETE", f"/api/v1/clients/{old['id']}", role="manager",
                      headers={"If-Match": '"1"'})
        self.assertEqual(r.status, 204, r.describe())
        # Deleted, its code is free for a new card; restoring the old one then conflicts.
        new = self.create({"name": "Naujas su tuo pačiu kodu", "company_code": cc})
        r = self.call("POST", f"/api/v1/clients/{old['id']}/restore", role="head")
        j = self.assertProblem(r, 409, field="company_code")
        self.assertEqual(j.get("existing_id"), new["id"])
        self.assertProblem(self.card(old["id"]), 404)
        r = self.call("DELETE", f"/api/v1/clients/{new['id']}", role="manager",
                      headers={"If-Match": f'"{new["version"]}"'})
        self.assertEqual(r.status, 204, r.describe())
        # 91 days after the delete the card is gone for good.
        con = sqlite3.connect(self.db, timeout=30)
        try:
            con.execute("UPDATE clients SET deleted_at = deleted_at - 91 * 86400 WHERE id = ?",
                        (old["id"],))
            con.commit()
        finally:
            con.close()
        r = self.call("POST", f"/api/v1/clients/{old['id']}/restore", role="head")
        self.assertProblem(r, 409)
        self.assertProblem(self.card(old["id"]), 404)
        r = self.call("POST", f"/api/v1/clients/{new['id']}/restore", role="admin")
        self.assertEqual(r.status, 200, r.describe())

    def test_merge_by_a_head_moves_contacts_history_activities_and_empty_fields(self):
        into = self.create({"name": "Sujungimas Tikslas"})
        src_code = code()
        src = self.create({"name": "Sujungimas Šaltinis", "company_code": src_code,
                           "city": "Panevėžys"})
        r = self.patch(src["id"], {"notes": "prieš sujungimą"}, 1)
        self.assertEqual(r.status, 200, r.describe())
        r = self.call("POST", f"/api/v1/clients/{src['id']}/contacts",
                      {"name": "Rūta Sujungtoji", "emails": ["ruta@sujungimas.lt"]},
                      role="manager")
        self.assertEqual(r.status, 201, r.describe())
        contact = r.json()
        r = self.call("POST", "/api/v1/activities",
                      {"client_id": src["id"], "type": "call", "outcome": "reached"},
                      role="manager")
        self.assertEqual(r.status, 201, r.describe())
        activity = r.json()
        r = self.call("POST", f"/api/v1/clients/{into['id']}/merge", {"from_id": src["id"]},
                      role="manager")
        self.assertProblem(r, 403)
        self.assertEqual(self.card(src["id"]).status, 200, "a refused merge retired the card")
        r = self.call("POST", f"/api/v1/clients/{into['id']}/merge", {"from_id": src["id"]},
                      role="head")
        self.assertEqual(r.status, 200, r.describe())
        merged = r.json()
        self.assertEqual((merged["company_code"], merged["city"], merged["notes"]),
                         (src_code, "Panevėžys", "prieš sujungimą"))
        for role in ("manager", "head"):
            self.assertProblem(self.card(src["id"], role=role), 404)
        moved = self.contacts(into["id"])
        self.assertEqual([(k["id"], k["client_id"]) for k in moved], [(contact["id"], into["id"])])
        r = self.call("GET", f"/api/v1/contacts/{contact['id']}", role="manager")
        self.assertEqual(r.status, 200, r.describe())
        hist = self.history(into["id"])
        self.assertIn("merge", [h["action"] for h in hist])
        moved_hist = [h for h in hist if h["entity"] == "client" and h["entity_id"] == src["id"]
                      and h["action"] == "update"]
        self.assertEqual([(x["field"], x["to"]) for h in moved_hist for x in h["changes"]],
                         [("notes", "prieš sujungimą")],
                         f"the retired card's history did not move: {hist}")
        self.assertIn(contact["id"], [h["entity_id"] for h in hist if h["entity"] == "contact"])
        r = self.call("GET", f"/api/v1/activities?client_id={into['id']}", role="manager")
        self.assertEqual(r.status, 200, r.describe())
        self.assertIn(activity["id"], [a["id"] for a in r.json()["items"]])
        # The surviving card is found by the retired card's code.
        self.assertEqual(self.search_ids(src_code), [into["id"]])


class OwnersAndIssue(ClientsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.bearer("admin")
        depts = harness.request(cls.port, "GET", "/api/v1/departments?limit=200",
                                auth=admin).json()["items"]
        other = [d for d in depts if d["name"] != "Didmeninė prekyba"][0]
        r = harness.request(cls.port, "POST", "/api/v1/users",
                            {"login": "svetimas", "name": "Svetimas Vadybininkas",
                             "role": "manager", "department_id": other["id"],
                             "password": "svetimas-password-1"}, auth=admin)
        if r.status != 201:
            raise AssertionError(r.describe())
        cls.ids["outsider"] = r.json()["id"]

    def test_card_issue_sets_issue_time_and_notifies_the_head(self):
        r = self.admin("PATCH", "/api/v1/settings", {"card_issue_notify": [self.ids["director"]]})
        self.assertEqual(r.status, 200, r.describe())
        try:
            head_before = {n["id"] for n in self.notifications("head")}
            dir_before = {n["id"] for n in self.notifications("director")}
            c = self.create({"name": "Išduodama kortelė", "company_code": code(),
                             "city": "Klaipėda", "address": "Taikos pr. 1",
                             "price_type": "dealer", "payment_terms_days": 30,
                             "industry": "construction"})
            self.assertEqual((c["issued"], c["issued_at"], c["issue_seconds"], c["missing"]),
                             (False, None, None, ["contacts"]))
            self.assertEqual({n["id"] for n in self.notifications("head")}, head_before)
            r = self.call("POST", f"/api/v1/clients/{c['id']}/contacts",
                          {"name": "Kostas Išduotasis", "phones": ["8 611 22233"]},
                          role="manager")
            self.assertEqual(r.status, 201, r.describe())
            card = self.card(c["id"]).json()
            self.assertTrue(card["issued"], card)
            self.assertEqual(card["missing"], [])
            self.assertRegex(card["issued_at"] or "", r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
            self.assertIsInstance(card["issue_seconds"], int)
            self.assertGreaterEqual(card["issue_seconds"], 0)
            self.assertLess(card["issue_seconds"], 600)
            for role, before in (("head", head_before), ("director", dir_before)):
                new = [n for n in self.notifications(role) if n["id"] not in before]
                self.assertEqual([(n["kind"], n["entity_id"]) for n in new],
                                 [("client_issued", c["id"])], f"{role}: {new}")
            self.assertNotIn(c["id"], [n.get("entity_id") for n in self.notifications("manager")])
            # Issued once: a later change does not issue again or notify again.
            r = self.patch(c["id"], {"notes": "po išdavimo"}, card["version"])
            self.assertEqual(r.status, 200, r.describe())
            self.assertEqual(r.json()["issued_at"], card["issued_at"])
            again = [n for n in self.notifications("head") if n["entity_id"] == c["id"]]
            self.assertEqual(len(again), 1)
            # A retail card may be reached through its own phone: issued at once.
            retail = self.create({"name": "Jonas Mažmeninis", "type": "retail",
                                  "city": "Alytus", "address": "Vilties g. 2",
                                  "price_type": "retail", "payment_terms_days": 0,
                                  "phone": "8 612 77788"}, role="retail")
            self.assertTrue(retail["issued"], retail)
            self.assertEqual(retail["missing"], [])
            self.assertIn(retail["id"], [n["entity_id"] for n in self.notifications("head")])
        finally:
            self.admin("PATCH", "/api/v1/settings", {"card_issue_notify": []})

    def test_a_manager_cannot_reassign_the_owner_a_head_can_within_his_department(self):
        c = self.create({"name": "Perduodamas klientas"})
        r = self.patch(c["id"], {"owner_id": self.ids["manager2"]}, 1)
        self.assertProblem(r, 403, field="owner_id")
        self.assertEqual(self.card(c["id"]).json()["owner_id"], self.ids["manager"])
        self.assertProblem(self.card(c["id"], role="manager2"), 404)
        r = self.patch(c["id"], {"owner_id": self.ids["outsider"]}, 1, role="head")
        self.assertProblem(r, 400, field="owner_id")
        r = self.patch(c["id"], {"owner_id": self.ids["manager2"]}, 1, role="head")
        self.assertEqual(r.status, 200, r.describe())
        self.assertProblem(self.card(c["id"], role="manager"), 404)
        self.assertEqual(self.card(c["id"], role="manager2").status, 200)
        moves = [h for h in self.history(c["id"]) if h["action"] == "reassign"]
        self.assertEqual(len(moves), 1)
        self.assertEqual(moves[0]["user_id"], self.ids["head"])
        self.assertIn({"field": "owner_id", "from": self.ids["manager"],
                       "to": self.ids["manager2"]}, moves[0]["changes"])
        # The director may give it to anyone who sells.
        r = self.patch(c["id"], {"owner_id": self.ids["outsider"]}, 2, role="director")
        self.assertEqual(r.status, 200, r.describe())
        self.assertProblem(self.card(c["id"], role="head"), 404)
        # A manager creating a card for someone else: 403 on owner_id too.
        r = self.call("POST", "/api/v1/clients",
                      {"name": "Svetimas kūrinys", "owner_id": self.ids["manager2"]},
                      role="manager")
        self.assertProblem(r, 403, field="owner_id")

    def test_segment_rule_keeps_a_retail_manager_from_business_clients_unless_turned_off(self):
        c = self.create({"name": "Verslo klientas segmentui", "type": "business"})
        r = self.patch(c["id"], {"owner_id": self.ids["retail"]}, 1, role="head")
        self.assertProblem(r, 400, field="owner_id")
        self.assertEqual(self.card(c["id"]).json()["owner_id"], self.ids["manager"])
        r = self.call("POST", "/api/v1/clients", {"name": "Verslas mažmenininkei",
                                                  "type": "business"}, role="retail")
        self.assertProblem(r, 400, field="owner_id")
        # The owner's type follows the client's: a business manager's card cannot turn retail.
        r = self.patch(c["id"], {"type": "retail"}, 1)
        self.assertProblem(r, 400, field="owner_id")
        r = self.admin("PATCH", "/api/v1/settings", {"segment_rule": False})
        self.assertEqual(r.status, 200, r.describe())
        try:
            self.assertIs(r.json()["segment_rule"], False)
            r = self.patch(c["id"], {"owner_id": self.ids["retail"]}, 1, role="head")
            self.assertEqual(r.status, 200, r.describe())
            self.assertEqual(self.card(c["id"], role="retail").status, 200)
            self.create({"name": "Verslas mažmenininkei leistas", "type": "business"},
                        role="retail")
        finally:
            r = self.admin("PATCH", "/api/v1/settings", {"segment_rule": True})
            self.assertEqual(r.status, 200, r.describe())
        self.create({"name": "Mažmeninis klientas", "type": "retail"}, role="retail")
        # A manager who declares no segment keeps to the type of the clients he has.
        self.create({"name": "Pirmas svetimo verslo klientas", "type": "business",
                     "owner_id": self.ids["outsider"]}, role="director")
        r = self.call("POST", "/api/v1/clients", {"name": "Svetimo mažmena", "type": "retail",
                                                  "owner_id": self.ids["outsider"]},
                      role="director")
        self.assertProblem(r, 400, field="owner_id")


class SearchAndLists(ClientsCase):
    def test_search_folds_diacritics_and_case_and_matches_prefixes(self):
        z = self.create({"name": "UAB „Žalgiris ir partneriai“", "city": "Kėdainiai",
                         "email": "pardavimai@zalgiris-partneriai.lt"})
        for text in ("zalgiris", "ŽALG", "Žalgiris", "zALGir", "zalgiris partner",
                     "kedainiai", "pardavimai@zalgiris-partneriai.lt"):
            with self.subTest(q=text):
                self.assertIn(z["id"], self.search_ids(text, role="manager"))
                r = self.call("GET", "/api/v1/clients?q=" + q(text), role="manager")
                self.assertIn(z["id"], [c["id"] for c in r.json()["items"]], r.describe())
        for text in ("zalgirisx", "algiris", "zalgiris kaunas"):
            with self.subTest(q=text):
                self.assertNotIn(z["id"], self.search_ids(text, role="manager"))
        c = self.create({"name": "ООО «Северный ветер»"})
        r = self.call("POST", f"/api/v1/clients/{c['id']}/contacts",
                      {"name": "Иван Петрович Кузнецов", "phones": ["+370 699 88877"]},
                      role="manager")
        self.assertEqual(r.status, 201, r.describe())
        ivan = r.json()
        for text in ("ива", "ИВАН", "кузн", "иван петр", "северн"):
            with self.subTest(q=text):
                r = self.call("GET", "/api/v1/search?q=" + q(text), role="manager")
                self.assertEqual(r.status, 200, r.describe())
                items = r.json()["items"]
                self.assertIn(c["id"], [i["id"] for i in items if i["kind"] == "client"])
                if text != "северн":
                    self.assertIn(ivan["id"], [i["id"] for i in items if i["kind"] == "contact"])
        self.assertNotIn(c["id"], self.search_ids("иванов", role="manager"))

    def test_a_search_with_many_matches_answers_the_best_50(self):
        made = {self.create({"name": f"Plačioji paieška {n:02d}", "city": "Plungė",
                             "owner_id": self.ids["manager"]}, role="head")["id"]
                for n in range(60)}
        for role in ("admin", "head", "manager"):
            for path in ("/api/v1/search?q=pla%C4%8Dioji", "/api/v1/clients?q=placioji",
                         "/api/v1/clients?q=PLA%C4%8C&type=business"):
                try:
                    r = self.call("GET", path, role=role)
                except OSError:
                    if not self.server.died():
                        raise
                    self.death_reported = True
                    self.fail(f"GET {path} as {role}: {self.server.death_report()}")
                with self.subTest(role=role, path=path):
                    self.assertEqual(r.status, 200, r.describe())
                    ids = [i["id"] for i in r.json()["items"] if i.get("kind", "client")
                           == "client"]
                    self.assertEqual(len(ids), 50, r.describe()[:300])
                    self.assertEqual(len(set(ids)), 50)
                    self.assertTrue(set(ids) <= made)

    def test_a_phone_in_any_format_finds_its_client(self):
        c = self.create({"name": "Telefonų paieška", "phone": "+370 612 09876"})
        r = self.call("POST", f"/api/v1/clients/{c['id']}/contacts",
                      {"name": "Petras Numerauskas", "phones": ["8 698 76543"]}, role="manager")
        self.assertEqual(r.status, 201, r.describe())
        for text in ("+37061209876", "+370 612 09876", "8 612 09876", "861209876",
                     "61209876", "(8-612) 09-876", "00370 612 09876",
                     "+370 698 76543", "8 698 76543", "69876543"):
            with self.subTest(q=text):
                self.assertIn(c["id"], self.search_ids(text, role="manager"))
        self.assertNotIn(c["id"], self.search_ids("8 612 09877", role="manager"))

    def test_a_short_word_with_digits_matches_whole_words_only(self):
        # Below 6 characters a word with a digit is a whole word (a house number, a code):
        # as a prefix "3706" would match every Lithuanian mobile number and "info1" every
        # numbered mailbox. From 6 characters it is a prefix again.
        c = self.create({"name": "Skaitmenų paieška", "address": "Liepų g. 12",
                         "email": "info12345@skaitmenys.lt"})
        for text, found in (("12", True), ("1", False), ("info1", False),
                            ("info12345", True), ("info12", True), ("liepu 12", True),
                            ("liepu 123", False), ("skaitm", True)):
            with self.subTest(q=text):
                self.assertEqual(c["id"] in self.search_ids(text, role="manager"), found)

    def test_filters_return_exactly_the_matching_clients(self):
        everything = self.list_all("/api/v1/clients")
        self.assertGreater(len(everything), 100)
        filters = [("type", "retail"), ("segment", "large"), ("status", "lost"),
                   ("owner_id", self.ids["manager2"]), ("city", "Kaunas"),
                   ("industry", "retail")]
        for key, value in filters:
            with self.subTest(filter=key):
                want = {c["id"] for c in everything if c[key] == value}
                self.assertTrue(0 < len(want) < len(everything), f"{key}={value}: {len(want)}")
                got = self.list_all(f"/api/v1/clients?{key}={q(str(value))}", limit=17)
                self.assertEqual({c["id"] for c in got}, want)
                self.assertEqual(len(got), len(want))
        got = self.list_all("/api/v1/clients?type=business&status=active&city=Kaunas")
        self.assertEqual({c["id"] for c in got},
                         {c["id"] for c in everything if (c["type"], c["status"], c["city"])
                          == ("business", "active", "Kaunas")})
        for key, value in (("type", "wholesale"), ("segment", "huge"), ("status", "x"),
                           ("sort", "colour"), ("limit", "0"), ("limit", "201"),
                           ("cursor", "garbage!")):
            with self.subTest(bad=key):
                r = self.admin("GET", f"/api/v1/clients?{key}={value}")
                self.assertProblem(r, 400, field=key)

    def test_sorting_both_ways_and_paging_without_duplicates_or_gaps(self):
        everything = self.list_all("/api/v1/clients")
        self.assertGreater(len(everything), 100)
        for sort in ("name", "-name", "created", "-created", "updated", "-updated"):
            with self.subTest(sort=sort):
                whole = self.list_all(f"/api/v1/clients?sort={sort}")
                paged = self.list_all(f"/api/v1/clients?sort={sort}", limit=9)
                ids = [c["id"] for c in paged]
                self.assertEqual(len(ids), len(set(ids)), "a client on two pages")
                self.assertEqual(ids, [c["id"] for c in whole], "pages differ from one list")
                self.assertEqual(set(ids), {c["id"] for c in everything})
                key = sort.lstrip("-")
                if key != "name":
                    col = f"{key}_at"
                    pairs = [(c[col], c["id"]) for c in whole]
                    self.assertEqual(pairs, sorted(pairs, reverse=sort.startswith("-")))
        asc = [c["id"] for c in self.list_all("/api/v1/clients?sort=name")]
        desc = [c["id"] for c in self.list_all("/api/v1/clients?sort=-name")]
        self.assertEqual(asc, desc[::-1])
        # Names sort the way a Lithuanian reads them: case and diacritics do not split them.
        names = ["UAB Gama", "UAB Čiauškė", "uab alfa", "UAB Delta", "UAB Ąžuolas", "UAB Beta"]
        for n in names:
            self.create({"name": n, "city": "Rūšiavimas"})
        got = [c["name"] for c in self.list_all("/api/v1/clients?city=R%C5%AB%C5%A1iavimas&"
                                                "sort=name", limit=2)]
        self.assertEqual(got, ["uab alfa", "UAB Ąžuolas", "UAB Beta", "UAB Čiauškė",
                               "UAB Delta", "UAB Gama"])
        # A cursor belongs to its sort.
        r = self.admin("GET", "/api/v1/clients?sort=name&limit=5")
        cursor = r.json()["next_cursor"]
        self.assertTrue(cursor)
        self.assertProblem(self.admin("GET", f"/api/v1/clients?sort=created&cursor={cursor}"),
                           400, field="cursor")

    def test_paging_by_name_moves_on_past_a_long_cyrillic_name(self):
        # A name may have 300 characters; in Cyrillic that is 600 bytes.
        long = "Щ" * 290
        made = [self.create({"name": f"{long} {s}", "city": "Ilgavardė"})["id"]
                for s in ("А", "Б", "В")]
        seen, cursor = [], None
        for _ in range(6):
            path = "/api/v1/clients?city=Ilgavard%C4%97&sort=name&limit=1"
            r = self.admin("GET", path + (f"&cursor={cursor}" if cursor else ""))
            self.assertEqual(r.status, 200, r.describe())
            seen += [c["id"] for c in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if not cursor:
                break
        self.assertEqual(seen, made, "paging by name repeated or skipped a client")
