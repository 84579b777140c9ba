"""Preview benchmark: how long ``mkdocs serve`` takes to rebuild the site after a YAML edit.

The project, with its real data, is copied to a temporary folder; ``python -m mkdocs serve`` runs
there with ``ATLAS_LANGUAGE`` set (English only by default) on a free local port. After the first
build, a platform file is edited (a comment line added, then removed again) several times, and
each time the script waits for the rebuild to finish. Two times are kept per edit:

- *build*: what MkDocs reports ("Documentation built in 1.23 seconds"), from the start of the
  build to the site written: the number the project's target is about;
- *save to reload*: from the file's save until that line is printed, which adds the file
  watcher's delay and the configuration being read again: what a contributor waits for.

``--file`` names a platform file (``reddit.yml``) or any file of the project
(``locales/de/LC_MESSAGES/data.po``: a translator saving a catalog); several, comma-separated,
are measured one after the other. A catalog edit adds or removes a comment line at its top.

The results go to ``bench/preview.md``. Run by hand; see ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate
import run

BENCH = Path(__file__).resolve().parent
BUILT = re.compile(r"Documentation built in ([0-9.]+) seconds")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``mkdocs serve`` in a child process, its log read line by line in a thread."""

    def __init__(self, project: Path, language: str):
        env = {
            **os.environ,
            "ATLAS_LANGUAGE": language,
            "NO_MKDOCS_2_WARNING": "1",
            "PYTHONIOENCODING": "utf-8",
        }
        self.builds: list[tuple[float, float]] = []  # (seconds MkDocs reports, time the line came)
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{_free_port()}"],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            encoding="utf-8",
            errors="replace",
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            found = BUILT.search(line)
            with self._changed:
                self.lines.append(line.rstrip())
                if found:
                    self.builds.append((float(found.group(1)), time.perf_counter()))
                self._changed.notify_all()

    def wait_for_build(self, count: int, timeout: float = 300) -> tuple[float, float]:
        """The ``count``-th build's (seconds, time logged); TimeoutError if it does not come."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.builds) >= count, timeout=timeout):
                raise TimeoutError
            return self.builds[count - 1]

    def tail(self) -> str:
        with self._changed:
            return "\n".join(self.lines[-20:])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _edited_path(project: Path, name: str) -> Path:
    return project / name if "/" in name else project / "data" / "platforms" / name


def measure(project: Path, *, language: str, edits: int, platform_file: str) -> list[tuple[float, float]]:
    """(build seconds, save-to-reload seconds) for each edit."""
    server = Server(project, language)
    results = []
    try:
        try:
            server.wait_for_build(1)
        except TimeoutError:
            raise SystemExit("mkdocs serve did not build the site:\n" + server.tail()) from None
        path = _edited_path(project, platform_file)
        original = path.read_text(encoding="utf-8")
        for number in range(1, edits + 1):
            time.sleep(2)  # let the watcher settle, as between two saves by hand
            comment = f"# preview benchmark edit {number}\n"
            edited = f"{comment}{original}" if path.suffix in (".po", ".pot") else f"{original}{comment}"
            text = original if number % 2 == 0 else edited
            saved = time.perf_counter()
            path.write_text(text, encoding="utf-8")
            for _attempt in range(3):  # a save the watcher missed (rare) is saved again
                try:
                    seconds, logged = server.wait_for_build(number + 1, timeout=30)
                    break
                except TimeoutError:
                    os.utime(path)
            else:
                raise SystemExit(f"no rebuild after saving {path.name} three times:\n" + server.tail())
            results.append((seconds, logged - saved))
            print(f"edit {number}: build {seconds:.2f} s, save to reload {logged - saved:.2f} s", flush=True)
    finally:
        server.stop()
    return results


def report(results: dict[tuple[str, str], list[tuple[float, float]]], info: dict) -> str:
    out = [
        "# Preview benchmark results",
        "",
        "Written by `bench/preview.py` (see `bench/README.md`): `ATLAS_LANGUAGE=<language> mkdocs serve` "
        "on a copy of the project with its real data; the file named edited repeatedly. *build*: the "
        "time MkDocs reports for the rebuild; *save to reload*: from the save until the rebuild is "
        "done (adds the file watcher's delay and reading the configuration).",
        "",
        "| language setting | file edited | edits | build, median (min-max) "
        "| save to reload, median (min-max) |",
        "| --- | --- | ---: | --- | --- |",
    ]
    for (language, name), pairs in results.items():
        builds = [b for b, _ in pairs]
        waits = [w for _, w in pairs]
        shown = name if "/" in name else f"data/platforms/{name}"
        out.append(
            f"| `ATLAS_LANGUAGE={language}` | `{shown}` | {len(pairs)} | "
            f"{statistics.median(builds):.2f} s ({min(builds):.2f}-{max(builds):.2f}) | "
            f"{statistics.median(waits):.2f} s ({min(waits):.2f}-{max(waits):.2f}) |"
        )
    out += ["", "## Machine", "", "| | |", "| --- | --- |"]
    out += [f"| {key} | {value} |" for key, value in info.items()]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--languages", default="en", help="ATLAS_LANGUAGE values to measure (en or en,de)")
    parser.add_argument("--edits", type=int, default=9, help="edits per language setting (default 9)")
    parser.add_argument(
        "--file", default="reddit.yml", help="platform file(s) or project path(s) to edit, comma-separated"
    )
    parser.add_argument("--output", type=Path, default=BENCH / "preview.md")
    args = parser.parse_args(argv)
    if args.edits < 1:
        parser.error("--edits must be at least 1")

    results = {}
    with tempfile.TemporaryDirectory(prefix="atlas-preview-") as work:
        project = Path(work) / "project"
        project.mkdir()
        for part in (*generate.PROJECT_PARTS, "data"):
            source = generate.ROOT / part
            if source.is_dir():
                shutil.copytree(source, project / part)
            else:
                shutil.copy(source, project / part)
        names = [x for x in args.file.split(",") if x]
        for name in names:
            if not _edited_path(project, name).is_file():
                parser.error(f"--file: no {_edited_path(project, name).relative_to(project)}")
        for language in [x for x in args.languages.split(",") if x]:
            for name in names:
                if name.startswith("locales/") and f"/{language.replace('-', '_')}/" not in name:
                    continue  # a catalog is measured with its own language
                results[(language, name)] = measure(
                    project, language=language, edits=args.edits, platform_file=name
                )
    args.output.write_text(report(results, run.machine()), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
