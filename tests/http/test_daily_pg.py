# SPDX-License-Identifier: AGPL-3.0-or-later
"""test_daily_pg.py - the quota counts and the Today list of test_daily.py on PostgreSQL.

The store keeps each client's last contact, "ever called" and pending call-back on the
client row and counts live activities per UTC day (sql/postgres/0006_contact.sql), in
statements written for both backends: these classes run the same tests as on SQLite
against a throwaway PostgreSQL cluster (scripts/pg-test), skipped when none can start.
"""

import unittest

import harness
import test_daily


class _OnPostgres(harness.ServerCase):
    """One PostgreSQL cluster with the demo base and one server per class."""

    pgdir = None

    @classmethod
    def setUpClass(cls):
        cls.dir = harness.tmpdir(cls.__name__)
        cls.pgdir, cls.db_url = harness.pg_start()
        try:
            harness.cli_ok("demo", "--db", cls.db_url, timeout=180 * harness.SLOW)
            cls.tokens = {
                role: harness.cli_ok("token", "create", "--db", cls.db_url, "--login",
                                     harness.ROLE_LOGINS[role], "--name",
                                     "daily-pg").stdout.strip()
                for role in harness.ROLES}
            cls.server = harness.PgServer(cls.db_url, cls.dir).start()
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
            harness.pg_stop(cls.pgdir)
            cls.pgdir = None


class QuotasOnPostgres(test_daily.Quotas, _OnPostgres):
    pass


class TodayAndTasksOnPostgres(test_daily.TodayAndTasks, _OnPostgres):
    pass


if __name__ == "__main__":
    unittest.main()
