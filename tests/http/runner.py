# SPDX-License-Identifier: AGPL-3.0-or-later
"""runner.py - runs the test files of the HTTP tier (tests/http/test_*.py) with unittest.

    runner.py [NAME...]     only the test files, classes or tests whose id contains NAME

Prints a line per test, then every failure with its details, and ends with exactly one
line "<tier>: N passed, N failed" (tier from TEST_TIER_NAME, default "http"); writes
"N N" to $KL_RESULTS_DIR/<tier>. A failing class or module fixture (a server that would
not start, a sanitizer report when a shared server stopped) counts as one failure.
Exits 1 when anything failed or nothing ran.
"""

import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402


class Result(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.passed = 0
        self.failed = []  # (name, kind, details), one per failure or failing subtest
        self.failed_ids = set()  # what counts: a test with failing subtests counts once
        self.skips = []
        self._t0 = {}

    def startTest(self, test):
        super().startTest(test)
        self._t0[test.id()] = time.monotonic()

    def _secs(self, test):
        return time.monotonic() - self._t0.get(test.id(), time.monotonic())

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1
        print(f"  ok    {test.id()} ({self._secs(test):.1f}s)", flush=True)

    def _fail(self, test, err, kind):
        name = test.id() if hasattr(test, "id") else str(test)
        details = self._exc_info_to_string(err, test)
        self.failed.append((name, kind, details))
        self.failed_ids.add(name)
        print(f"  {kind:5} {name} ({self._secs(test):.1f}s)", flush=True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test, err, "FAIL")

    def addError(self, test, err):
        super().addError(test, err)
        self._fail(test, err, "ERROR")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            kind = "FAIL" if issubclass(err[0], test.failureException) else "ERROR"
            details = self._exc_info_to_string(err, test)
            self.failed.append((subtest.id(), kind, details))
            if test.id() not in self.failed_ids:
                self.failed_ids.add(test.id())
                print(f"  {kind:5} {test.id()} (subtest {subtest._subDescription()})",
                      flush=True)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.skips.append((test.id(), reason))
        print(f"  skip  {test.id()}: {reason}", flush=True)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.passed += 1

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.failed.append((test.id(), "FAIL", "unexpected success"))
        self.failed_ids.add(test.id())


def select(suite, names):
    out = unittest.TestSuite()
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            sub = select(t, names)
            if sub.countTestCases():
                out.addTest(sub)
        elif any(n in t.id() for n in names):
            out.addTest(t)
    return out


def main(argv):
    tier = os.environ.get("TEST_TIER_NAME", "http")
    results_dir = os.environ.get("KL_RESULTS_DIR", os.path.join(harness.REPO, "build/test-results"))
    t0 = time.monotonic()
    print(f"{tier}: {harness.BIN_SOURCE}{' (sanitizers)' if harness.SANITIZED else ''}", flush=True)
    loader = unittest.TestLoader()
    suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    if argv:
        suite = select(suite, argv)
    result = Result()
    suite.run(result)
    if result.failed:
        print(f"\n{len(result.failed)} failure(s):", flush=True)
        for name, kind, details in result.failed:
            print(f"\n==== {kind}: {name}\n{details.rstrip()}")
    passed, failed = result.passed, len(result.failed_ids)
    if passed + failed == 0:
        failed = 1
        print("no tests ran")
    print(f"\n({time.monotonic() - t0:.0f}s)")
    os.makedirs(results_dir, exist_ok=True)
    with open(os.path.join(results_dir, tier), "w") as f:
        f.write(f"{passed} {failed}\n")
    print(f"{tier}: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
