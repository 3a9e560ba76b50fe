"""`make conformance`: modelsearch's backend conformance suite against the whoosh backend.

Runs the installed `modelsearch.tests.test_backends` (its backend loader tests, and the
`BackendTests` mixin through `test_whoosh_backend`) in a Wagtail-free project. Extra arguments
go to pytest. Exits with pytest's status; collecting no test at all is a failure.
"""

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def main(arguments: list[str]) -> int:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.conformance.settings"
    status = pytest.main(
        [
            "--rootdir",
            str(ROOT),
            # The project's pytest configuration points at the Wagtail settings; this run has
            # its own, and no cache in the working tree.
            "-c",
            os.devnull,
            "-p",
            "no:cacheprovider",
            "--ds=tests.conformance.settings",
            "-ra",
            "--strict-markers",
            # tests/conftest.py builds the Wagtail site; nothing of it applies here.
            "--noconftest",
            "--pyargs",
            "modelsearch.tests.test_backends",
            str(HERE / "test_whoosh_backend.py"),
            *arguments,
        ]
    )
    if status == pytest.ExitCode.NO_TESTS_COLLECTED:
        return 1
    return int(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
