"""The last good site survives everything: real `mkdocs build` processes, interrupted by
signals, run two at a time, stopped by file-system errors and by bad data.

Every build here is of English and German (``ATLAS_LANGUAGE=de``): the German pages are built by
the i18n plugin inside the English build's last event, which is where a build used to be taken
for finished too early. The previous site of each test is one such build, made once per module
and hard-linked into each test's copy of the project (builds never write into ``site/``).
"""

from __future__ import annotations

import fcntl
import functools
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.build

PROJECT_PARTS = ("mkdocs.yml", "docs", "overrides", "data", "locales")


# -------------------------------------------------------------------------------------------
# Running builds
# -------------------------------------------------------------------------------------------


def _as_from_a_terminal(then: Callable[[], None] | None) -> None:
    """In the child, before the build starts: the signals a reader sends from a terminal get
    their default disposition, whatever the test run inherited. A shell starts a job in the
    background with SIGINT and SIGQUIT ignored, and a CI runner may start the tests that way; the
    build rightly leaves an ignored signal ignored (as under nohup), so Ctrl-C would never reach
    it. ``then``: the test's own preparation (nohup, a file-size limit), run afterwards."""
    for number in (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    if then is not None:
        then()


class Build:
    """One `mkdocs build --strict` of a project into its ``site/``, as a process of its own."""

    def __init__(
        self,
        project: Path,
        *,
        site_dir: Path | None = None,
        preexec_fn: Callable[[], None] | None = None,
        **environ: str,
    ):
        self.project = project
        self.log = project.parent / f"build-{time.monotonic_ns()}.log"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "ATLAS_LANGUAGE": "de", **environ}
        for name in ("OPTOUT_ATLAS_TODAY", "ATLAS_BUILD_LOCK_TIMEOUT"):
            if name not in environ:
                env.pop(name, None)
        site_dir = site_dir or project / "site"
        with self.log.open("wb") as output:  # a file, not a pipe: a full pipe would stall the build
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "mkdocs",
                    "build",
                    "--strict",
                    "-f",
                    "mkdocs.yml",
                    "-d",
                    str(site_dir),
                ],
                cwd=project,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                preexec_fn=functools.partial(_as_from_a_terminal, preexec_fn),
            )

    def wait(self, timeout: float = 300) -> tuple[int, str]:
        code = self.process.wait(timeout)
        return code, self.log.read_text(encoding="utf-8", errors="replace")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def build(project: Path, **options) -> tuple[int, str]:
    return Build(project, **options).wait()


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def snapshot(site: Path) -> tuple[bytes, list[str]]:
    """What "the same site" means here: the same home page and the same files."""
    return (site / "index.html").read_bytes(), sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()
    )


def lock_is_free(project: Path) -> bool:
    with open(project / "site.lock", "rb") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
    return True


def no_traceback(output: str) -> None:
    assert "Traceback" not in output, output
    assert 'File "' not in output, output


# -------------------------------------------------------------------------------------------
# Fixtures
# -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with a good site: English and German, strict, the real data on the real date."""
    project = tmp_path_factory.mktemp("good") / "project"
    project.mkdir()
    for part in PROJECT_PARTS:
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / part)
    code, output = build(project)
    assert code == 0, output
    assert "WARNING" not in output, output
    return project


@pytest.fixture
def project(tmp_path: Path, good_build: Path) -> Path:
    """A copy of the good project, with its site hard-linked (and no lock file yet)."""
    target = tmp_path / "project"
    target.mkdir()
    for part in PROJECT_PARTS:
        source = good_build / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / part)
    shutil.copytree(good_build / "site", target / "site", copy_function=os.link)
    return target


@pytest.fixture
def reference(good_build: Path) -> tuple[bytes, list[str]]:
    return snapshot(good_build / "site")


def assert_kept(project: Path, reference) -> None:
    """The previous site is there as it was, and nothing of the failed build is left."""
    assert snapshot(project / "site") == reference
    assert not (project / "site.partial").exists()
    assert not (project / "site.previous").exists()
    assert lock_is_free(project)


# -------------------------------------------------------------------------------------------
# Signals
# -------------------------------------------------------------------------------------------

# (signal, what to wait for before sending it, expected exit status)
SIGNALS = {
    "sigint-while-english-is-written": (signal.SIGINT, "site.partial", 1),
    "sigint-during-the-german-build": (signal.SIGINT, "site.partial/de", 1),
    "sigterm-while-english-is-written": (signal.SIGTERM, "site.partial", 128 + signal.SIGTERM),
    "sigterm-during-the-german-build": (signal.SIGTERM, "site.partial/de", 128 + signal.SIGTERM),
    "sighup-during-the-german-build": (signal.SIGHUP, "site.partial/de", 128 + signal.SIGHUP),
}


@pytest.mark.parametrize(("number", "started", "status"), SIGNALS.values(), ids=SIGNALS.keys())
def test_a_signal_mid_build_keeps_the_previous_site(project, reference, number, started, status):
    running = Build(project)
    wait_for(lambda: (project / started).is_dir(), started)
    running.process.send_signal(number)
    code, output = running.wait()
    assert code == status, output
    no_traceback(output)
    assert f"Build stopped by {signal.Signals(number).name}: kept the previous site in 'site'." in output
    assert_kept(project, reference)


def test_a_build_under_nohup_survives_a_closed_terminal(project, reference):
    running = Build(project, preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    wait_for(lambda: (project / "site.partial/de").is_dir(), "the German build")
    running.process.send_signal(signal.SIGHUP)
    code, output = running.wait()
    assert code == 0, output
    assert "Build stopped" not in output
    assert snapshot(project / "site")[1] == reference[1]
    assert not (project / "site.partial").exists()


def test_a_second_ctrl_c_while_tidying_up_still_leaves_a_whole_site(project, reference):
    running = Build(project)
    wait_for(lambda: (project / "site.partial/de").is_dir(), "the German build")
    for _ in range(5):
        running.process.send_signal(signal.SIGINT)
        time.sleep(0.01)
    code, output = running.wait()
    # 1 ("Aborted!"), or -2 when a last Ctrl+C lands after the site was whole again and Python,
    # exiting, lets the signal end it: either way the build stopped and the site is intact.
    assert code in (1, -signal.SIGINT), output
    no_traceback(output)
    assert_kept(project, reference)


def test_sigkill_leaves_the_site_and_the_next_build_tidies_up(project, reference):
    running = Build(project)
    wait_for(lambda: (project / "site.partial/de").is_dir(), "the German build")
    running.process.kill()
    running.wait()
    assert snapshot(project / "site") == reference  # nothing could tidy, but nothing was swapped
    assert (project / "site.partial").is_dir()

    code, output = build(project, ATLAS_BUILD_LOCK_TIMEOUT="5")  # the dead build's lock is no lock
    assert code == 0, output
    assert "removed 'site.partial', left by an interrupted build" in output
    assert snapshot(project / "site")[1] == reference[1]
    assert not (project / "site.partial").exists()


def test_a_build_killed_between_the_two_renames_gets_its_site_back(project, reference):
    (project / "site").rename(project / "site.previous")  # what the fallback swap does first
    (project / "site.partial").mkdir()
    code, output = build(project)
    assert code == 0, output
    assert "put back the site that an interrupted build had moved to 'site.previous'" in output
    assert snapshot(project / "site")[1] == reference[1]
    assert sorted(p.name for p in project.iterdir() if p.name.startswith("site")) == ["site", "site.lock"]


# -------------------------------------------------------------------------------------------
# Two builds at once
# -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timeout", "second_status"),
    [(None, 0), ("1", 1)],
    ids=["the-second-waits-and-builds", "the-second-gives-up-with-one-line"],
)
def test_two_builds_at_once_end_with_a_whole_site(project, reference, timeout, second_status):
    shutil.rmtree(project / "site")  # no previous site at all: the worst case of the old bug
    first = Build(project)
    wait_for(lambda: (project / "site.partial").is_dir(), "the first build to start writing")
    second = Build(project, **({"ATLAS_BUILD_LOCK_TIMEOUT": timeout} if timeout else {}))
    first_code, first_output = first.wait()
    second_code, second_output = second.wait()
    assert first_code == 0, first_output
    assert second_code == second_status, second_output
    no_traceback(second_output)
    assert "Waiting for another build of 'site' to finish (process" in second_output
    if second_status:
        aborted = [line for line in second_output.splitlines() if line.startswith("Aborted")]
        assert len(aborted) == 1
        assert aborted[0].startswith("Aborted: another build of 'site' is still running (process ")
        assert aborted[0].endswith("gave up after 1 s (set ATLAS_BUILD_LOCK_TIMEOUT to wait longer)")
    assert snapshot(project / "site")[1] == reference[1]
    assert (project / "site" / "index.html").is_file() and (project / "site" / "de" / "index.html").is_file()
    assert not (project / "site.partial").exists()


def test_a_held_lock_and_a_short_timeout_give_one_line_and_touch_nothing(project, reference):
    other_staging = project / "site.partial"
    other_staging.mkdir()
    (other_staging / "being-written.html").write_text("another build's work")
    with open(project / "site.lock", "wb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        start = time.monotonic()
        code, output = build(project, ATLAS_BUILD_LOCK_TIMEOUT="0.5")
        elapsed = time.monotonic() - start
    assert code == 1
    no_traceback(output)
    errors = [line for line in output.splitlines() if line.startswith(("Aborted", "ERROR"))]
    assert errors == [
        "Aborted: another build of 'site' is still running (a build holds 'site.lock'); gave up after 0.5 s"
        " (set ATLAS_BUILD_LOCK_TIMEOUT to wait longer)"
    ]
    assert elapsed < 30
    assert (other_staging / "being-written.html").read_text() == "another build's work"
    assert snapshot(project / "site") == reference


def test_ctrl_c_while_waiting_for_the_lock_leaves_the_other_build_alone(project, reference):
    other_staging = project / "site.partial"
    other_staging.mkdir()
    with open(project / "site.lock", "wb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        waiting = Build(project)
        wait_for(lambda: "Waiting for another build" in waiting.output(), "the build to wait")
        waiting.process.send_signal(signal.SIGINT)
        code, output = waiting.wait()
    assert code == 1
    no_traceback(output)
    assert other_staging.is_dir()
    assert snapshot(project / "site") == reference


def test_a_bad_lock_timeout_is_one_line(project, reference):
    code, output = build(project, ATLAS_BUILD_LOCK_TIMEOUT="soon")
    assert code == 1
    no_traceback(output)
    assert (
        "Aborted: ATLAS_BUILD_LOCK_TIMEOUT='soon' is not valid: give a number of seconds (0 or more)"
        in output
    )
    assert snapshot(project / "site") == reference


# -------------------------------------------------------------------------------------------
# Success is recorded at the very end, and the swap never leaves site/ missing
# -------------------------------------------------------------------------------------------


def test_a_german_page_failing_after_english_was_written_keeps_the_site(project, reference):
    about = project / "docs" / "about.de.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n[Kaputt](fehlt.md)\n", encoding="utf-8")
    code, output = build(project)
    assert code == 1
    no_traceback(output)
    assert "Aborted with 1 warnings in strict mode!" in output
    assert "Build failed: kept the previous site in 'site'." in output
    assert_kept(project, reference)


def test_site_index_is_there_at_every_moment_of_a_build_that_replaces_it(project, reference):
    missing: list[float] = []
    done = threading.Event()

    def watch() -> None:
        index = project / "site" / "index.html"
        while not done.is_set():
            if not index.exists():
                missing.append(time.monotonic())

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    code, output = build(project)
    done.set()
    watcher.join()
    assert code == 0, output
    assert missing == []
    assert snapshot(project / "site")[1] == reference[1]
    assert sorted(p.name for p in project.iterdir() if p.name.startswith("site")) == ["site", "site.lock"]


# -------------------------------------------------------------------------------------------
# File-system errors: one line, no traceback, the previous site kept
# -------------------------------------------------------------------------------------------


def _file_size_limit() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))  # the search index is larger


def _page_output_is_a_folder(project: Path) -> None:
    (project / "docs" / "about" / "index.html").mkdir(parents=True)
    (project / "docs" / "about" / "index.html" / "keep.txt").write_text("x")


def _page_folder_is_a_file(project: Path) -> None:
    (project / "docs" / "about").write_text("a file where about/ goes")


# id → (change to the project, site folder relative to it, preexec_fn, expected line start)
OS_ERRORS = {
    "file-size-limit": (
        None,
        "site",
        _file_size_limit,
        "Aborted: cannot write the site: File too large: ",
    ),
    "page-output-is-a-folder": (
        _page_output_is_a_folder,
        "site",
        None,
        "Aborted: cannot write the site: Is a directory: 'site.partial/about/index.html'"
        " (a folder is where a file should go); the previous site in 'site' was kept.",
    ),
    "page-folder-is-a-file": (
        _page_folder_is_a_file,
        "site",
        None,
        "Aborted: cannot write the site: File exists: 'site.partial/about'"
        " (a file is where a folder should go); the previous site in 'site' was kept.",
    ),
    "target-under-a-regular-file": (
        lambda project: (project / "notes.txt").write_text("x"),
        "notes.txt/site",
        None,
        "Aborted: cannot build into 'notes.txt/site': File exists: 'notes.txt'"
        " (a file is where a folder should go)",
    ),
    "target-deeper-under-a-regular-file": (
        lambda project: (project / "notes.txt").write_text("x"),
        "notes.txt/www/site",
        None,
        "Aborted: cannot build into 'notes.txt/www/site': Not a directory: 'notes.txt/www'"
        " (a part of the path is a file, not a folder)",
    ),
    "target-is-a-regular-file": (
        lambda project: (project / "notes.txt").write_text("x"),
        "notes.txt",
        None,
        "Aborted: 'notes.txt' is a file, not a folder: give the folder to build into (mkdocs build -d …)",
    ),
    "target-is-a-symbolic-link": (
        lambda project: (project / "www").symlink_to(project / "site"),
        "www",
        None,
        "Aborted: 'www' is a symbolic link: a build replaces the site folder whole;"
        " give the real folder (mkdocs build -d …)",
    ),
}


@pytest.mark.parametrize(
    ("change", "site_dir", "preexec", "expected"), OS_ERRORS.values(), ids=OS_ERRORS.keys()
)
def test_file_system_errors_are_one_line_and_keep_the_site(
    project, reference, change, site_dir, preexec, expected
):
    if change:
        change(project)
    code, output = build(project, site_dir=project / site_dir, preexec_fn=preexec)
    assert code == 1, output
    no_traceback(output)
    aborted = [line for line in output.splitlines() if line.startswith("Aborted")]
    assert len(aborted) == 1 and aborted[0].startswith(expected), output
    assert snapshot(project / "site") == reference
    assert not (project / "site.partial").exists()


def test_an_unwritable_folder_is_one_line(project, reference):
    target = project / "readonly"
    target.mkdir()
    if os.geteuid() == 0:  # root writes anywhere, except into an immutable folder
        if subprocess.run(["chattr", "+i", str(target)], capture_output=True).returncode != 0:
            pytest.skip("running as root on a file system without immutable folders")
    else:
        target.chmod(0o555)
    try:
        code, output = build(project, site_dir=target / "site")
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(target)], check=True)
        target.chmod(0o755)
    assert code == 1
    no_traceback(output)
    aborted = [line for line in output.splitlines() if line.startswith("Aborted")]
    assert len(aborted) == 1
    assert aborted[0].startswith("Aborted: cannot build into 'readonly/site': ")
    assert aborted[0].endswith(("(no permission)",))
    assert snapshot(project / "site") == reference


# -------------------------------------------------------------------------------------------
# Bad data: every problem listed, the site kept
# -------------------------------------------------------------------------------------------


def _edit(relative: str, old: str, new: str) -> Callable[[Path], None]:
    def change(project: Path) -> None:
        path = project / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


def _several(*changes: Callable[[Path], None]) -> Callable[[Path], None]:
    def change(project: Path) -> None:
        for one in changes:
            one(project)

    return change


def _platform_symlink(project: Path) -> None:
    path = project / "data" / "platforms" / "reddit.yml"
    path.unlink()
    path.symlink_to("/dev/zero")


# id → (change, how many ERROR lines, a fragment every ERROR line has)
DATA_PROBLEMS = {
    "several-problems-in-two-files": (
        _several(
            _edit("data/platforms/linkedin.yml", "url: https://", "url: http://"),
            _edit("data/platforms/linkedin.yml", "regions: [EU, EEA, CH, GB", "regions: [EU, EEA, CH, UK"),
            _edit("data/platforms/meta.yml", "\nname: ", "\nname: !!python/tuple\n  - "),
        ),
        3,
        "data/platforms/",
    ),
    "platform-symlink-to-dev-zero": (
        _platform_symlink,
        1,
        "data/platforms/reddit.yml:1:1: is a symbolic link",
    ),
    "platform-saved-as-yaml": (
        lambda project: shutil.copy(project / "data/platforms/x.yml", project / "data/platforms/x.yaml"),
        1,
        "data/platforms/x.yaml:1:1: not read: only files ending in .yml are platform files",
    ),
    "nul-byte-in-a-platform": (
        _edit("data/platforms/x.yml", "\nname: X", "\nname: X\x00"),
        1,
        "U+0000 (NUL) is not allowed in a YAML file",
    ),
}


@pytest.mark.parametrize(("change", "count", "fragment"), DATA_PROBLEMS.values(), ids=DATA_PROBLEMS.keys())
def test_bad_data_lists_every_problem_and_keeps_the_site(project, reference, change, count, fragment):
    change(project)
    code, output = build(project)
    assert code == 1
    no_traceback(output)
    errors = [line for line in output.splitlines() if line.startswith("ERROR")]
    assert len(errors) == count, output
    assert all(fragment in line for line in errors), errors
    assert f"Aborted: {count} problem{'s' if count > 1 else ''} in the data (listed above)" in output
    assert_kept(project, reference)
