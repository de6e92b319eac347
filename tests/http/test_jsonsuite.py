# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_jsonsuite.py - every must-reject case of JSONTestSuite (n_*.json) as the body of
POST /api/v1/users (admin, bearer): a 400 problem every time, no user created, and the
server still healthy afterwards.

The suite is looked for in $JSONTESTSUITE_DIR, else ../shared/testdata/JSONTestSuite from
the repository; the test is skipped, saying so, only when that directory is absent."""

import glob
import os
import unittest

import harness

SUITE_DIR = os.environ.get("JSONTESTSUITE_DIR") or os.path.join(
    harness.REPO, "..", "shared", "testdata", "JSONTestSuite")


def cases():
    return sorted(glob.glob(os.path.join(SUITE_DIR, "**", "n_*.json"), recursive=True))


@unittest.skipUnless(os.path.isdir(SUITE_DIR),
                     f"JSONTestSuite not found at {os.path.abspath(SUITE_DIR)} "
                     f"(set JSONTESTSUITE_DIR)")
class JSONTestSuite(harness.ServerCase):
    def test_every_n_case_is_refused_with_400(self):
        files = cases()
        self.assertGreater(len(files), 100, f"only {len(files)} n_*.json files in {SUITE_DIR}")
        before = self.list_all("/api/v1/users")
        for path in files:
            name = os.path.basename(path)
            with open(path, "rb") as f:
                body = f.read()
            with self.subTest(case=name):
                r = self.admin("POST", "/api/v1/users", body)
                self.assertProblem(r, 400)
        after = self.list_all("/api/v1/users")
        self.assertEqual(after, before, "a rejected body created or changed a user")
        r = self.call("GET", "/healthz")
        self.assertEqual(r.status, 200, r.describe())
