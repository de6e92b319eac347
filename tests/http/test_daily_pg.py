# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_daily_pg.py - the quota counts and the Today list of test_daily.py on PostgreSQL.

The store keeps each client's last contact, "ever called" and pending call-back on the
client row and counts live activities per UTC day (sql/postgres/0006_contact.sql), in
statements written for both backends: these classes run the same tests as on SQLite
against a throwaway PostgreSQL cluster (scripts/pg-test), skipped when none can start.
"""

import os
import shutil
import subprocess
import tempfile
import unittest

import harness
import test_daily


def _pg_test(*args):
    script = os.path.join(harness.REPO, "scripts", "pg-test")
    return subprocess.run([script, *args], capture_output=True, text=True, timeout=180)


class _PgServer(harness.Server):
    """`klientas serve` on a database URL instead of an SQLite path."""

    def command(self, port):
        cmd = super().command(port)
        cmd[cmd.index("--db") + 1] = self.db
        return cmd


class _OnPostgres(harness.ServerCase):
    """One PostgreSQL cluster with the demo base and one server per class."""

    pgdir = None

    @classmethod
    def setUpClass(cls):
        cls.dir = harness.tmpdir(cls.__name__)
        # Not under the run's private directory: the cluster runs as the postgres user.
        cls.pgdir = tempfile.mkdtemp(prefix="klientas-pg-")
        p = _pg_test("start", cls.pgdir)
        if p.returncode != 0:
            shutil.rmtree(cls.pgdir, ignore_errors=True)
            cls.pgdir = None
            raise unittest.SkipTest("PostgreSQL: scripts/pg-test could not start a cluster: "
                                    + (p.stderr.strip()[-300:] or f"exit {p.returncode}"))
        try:
            cls.db_url = p.stdout.strip()
            harness.cli_ok("demo", "--db", cls.db_url, timeout=180 * harness.SLOW)
            cls.tokens = {
                role: harness.cli_ok("token", "create", "--db", cls.db_url, "--login",
                                     harness.ROLE_LOGINS[role], "--name",
                                     "daily-pg").stdout.strip()
                for role in harness.ROLES}
            cls.server = _PgServer(cls.db_url, cls.dir).start()
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
            if cls.pgdir:
                _pg_test("stop", cls.pgdir)
                shutil.rmtree(cls.pgdir, ignore_errors=True)
                cls.pgdir = None


class QuotasOnPostgres(test_daily.Quotas, _OnPostgres):
    pass


class TodayAndTasksOnPostgres(test_daily.TodayAndTasks, _OnPostgres):
    pass


if __name__ == "__main__":
    unittest.main()
