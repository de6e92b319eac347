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


class QuotasOnPostgres(test_daily.Quotas, harness.PgServerCase):
    pass


class TodayAndTasksOnPostgres(test_daily.TodayAndTasks, harness.PgServerCase):
    pass


if __name__ == "__main__":
    unittest.main()
