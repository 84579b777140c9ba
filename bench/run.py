"""Build benchmark: the site built by the atlas plugin against the same pages as plain Markdown files.

For each number of platforms and each language setting, ``bench/generate.py`` writes a project
copy with synthetic platforms (``ours``) and its baseline (the same pages as Markdown files, the
plugin's ``generate: false``). Each is built several times, alternately, as a separate
``python -m mkdocs build`` process; the child's wall time, CPU time (user + system) and peak RSS
come from ``os.wait4``, which reports that child alone. The results go to ``bench/results.md``.
See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import html.parser
import importlib.metadata
import json
import os
import platform
import posixpath
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate

BENCH = Path(__file__).resolve().parent
DEFAULT_SIZES = (4, 40, 400)
# Language settings: ATLAS_LANGUAGE=en builds English only; unset builds all ten languages.
LANGUAGE_SETTINGS = {1: "en", 10: None}
# Cases left out of the default run because they take too long (see README); --full adds them.
SLOW_CASES = {(400, 10)}
VARIANTS = ("ours", "baseline")
# The atlas plugin's handlers that do the work the baseline skips (its ``generate: false``), as
# bench/instrumented.py names them.
PLUGIN = "atlas "
DATA_HANDLERS = tuple(
    f"{PLUGIN}{name}"
    for name in (
        "_check_data",
        "_add_generated_pages",
        "_fill_generated_pages",
        "page_markdown",
        "_announce_feed",
        "_write_language_files",
    )
)


@dataclass
class Run:
    wall: float
    cpu: float
    max_rss_kb: int
    html_pages: int
    bytes_written: int
    html_bytes: int


@dataclass
class Case:
    platforms: int
    languages: int
    runs: dict[str, list[Run]] = field(default_factory=lambda: {v: [] for v in VARIANTS})
    check: dict | None = None
    weights: dict | None = None
    counts: dict | None = None

    def median(self, variant: str, attribute: str) -> float:
        return statistics.median(getattr(run, attribute) for run in self.runs[variant])

    def spread(self, variant: str, attribute: str) -> tuple[float, float]:
        values = [getattr(run, attribute) for run in self.runs[variant]]
        return min(values), max(values)


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------


def build(project: Path, site_dir: Path, *, language: str | None, log: Path) -> Run:
    """One ``mkdocs build`` as a child process, measured on its own."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "OPTOUT_ATLAS_TODAY": generate.TODAY.isoformat()}
    for name in ("SITE_URL", "ATLAS_LANGUAGE"):
        env.pop(name, None)
    if language:
        env["ATLAS_LANGUAGE"] = language
    if site_dir.exists():
        shutil.rmtree(site_dir)
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml")]
    command += ["-d", str(site_dir)]
    with log.open("wb") as output:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=project, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8", errors="replace")
    if child.returncode != 0 or re.search(r"(?m)^(WARNING|ERROR)", text):
        raise SystemExit(f"build of {project} failed or warned (exit {child.returncode}):\n{text[-3000:]}")
    html_pages = html_bytes = total = 0
    for path in site_dir.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total += size
            if path.suffix == ".html":
                html_pages += 1
                html_bytes += size
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, html_pages, total, html_bytes)


def counted_build(project: Path, site_dir: Path, *, language: str | None, work: Path) -> dict:
    """A build of ``ours`` in-process under ``bench/instrumented.py``: how often each step ran."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "OPTOUT_ATLAS_TODAY": generate.TODAY.isoformat()}
    for name in ("SITE_URL", "ATLAS_LANGUAGE"):
        env.pop(name, None)
    if language:
        env["ATLAS_LANGUAGE"] = language
    counts = work / "counts.json"
    command = [sys.executable, str(BENCH / "instrumented.py"), str(counts), "build", "-q"]
    command += ["-f", str(project / "mkdocs.yml"), "-d", str(site_dir)]
    subprocess.run(command, cwd=project, env=env, check=True, capture_output=True)
    shutil.rmtree(site_dir, ignore_errors=True)
    return json.loads(counts.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Checks and page weight
# ---------------------------------------------------------------------------------------------

_FEED_LINK = re.compile(r'<link rel="alternate" type="application/atom\+xml"[^>]*>\s*')


def compare_sites(ours: Path, baseline: Path) -> dict:
    """Do both builds hold the same pages? The only expected difference in HTML is the feed link
    that the atlas plugin adds to every page's head; the search index and sitemap list the
    same entries, in another order (generated files come after the files on disk)."""
    ours_html = {p.relative_to(ours).as_posix() for p in ours.rglob("*.html")}
    base_html = {p.relative_to(baseline).as_posix() for p in baseline.rglob("*.html")}
    differing = [
        path
        for path in sorted(ours_html & base_html)
        if _FEED_LINK.sub("", (ours / path).read_text(encoding="utf-8"))
        != (baseline / path).read_text(encoding="utf-8")
    ]
    search = "search/search_index.json"
    sitemap = "sitemap.xml"
    ours_files = {p.relative_to(ours).as_posix() for p in ours.rglob("*") if p.is_file()}
    base_files = {p.relative_to(baseline).as_posix() for p in baseline.rglob("*") if p.is_file()}
    return {
        "html_only_ours": sorted(ours_html - base_html),
        "html_only_baseline": sorted(base_html - ours_html),
        "html_compared": len(ours_html & base_html),
        "html_differing": differing,
        "search_same": _search_entries(ours / search) == _search_entries(baseline / search),
        "sitemap_same": _sitemap_urls(ours / sitemap) == _sitemap_urls(baseline / sitemap),
        "extra_files_ours": _summarise(sorted(ours_files - base_files)),
        "files_only_baseline": sorted(base_files - ours_files),
    }


def _search_entries(path: Path) -> tuple:
    index = json.loads(path.read_text(encoding="utf-8"))
    entries = sorted(json.dumps(entry, sort_keys=True, ensure_ascii=False) for entry in index["docs"])
    return json.dumps(index["config"], sort_keys=True), tuple(entries)


def _sitemap_urls(path: Path) -> list[str]:
    return sorted(re.findall(r"(?s)<url>.*?</url>", path.read_text(encoding="utf-8")))


def _summarise(paths: list[str]) -> dict[str, int]:
    """Files by what they are (api, badges, feed.xml…), whatever the language folder, with counts."""
    groups: dict[str, int] = {}
    for path in paths:
        parts = path.split("/")
        if len(parts) > 1 and re.fullmatch(r"[a-z]{2}(?:-[A-Za-z]+)?", parts[0]) and parts[0] != "api":
            parts = parts[1:]  # a language's copy
        groups[parts[0]] = groups.get(parts[0], 0) + 1
    return groups


def _sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=6, mtime=0))


def page_weights(site: Path) -> dict:
    """HTML bytes (raw and gzip) of each type of English page; for types with many pages, the
    median page and the largest."""

    def one(path: str) -> dict:
        raw, packed = _sizes(site / path)
        return {"pages": 1, "raw": raw, "gzip": packed, "max_raw": raw}

    def many(pattern: str) -> dict:
        sizes = [_sizes(p) for p in site.glob(pattern)]
        raws = [s[0] for s in sizes]
        return {
            "pages": len(sizes),
            "raw": int(statistics.median(raws)),
            "gzip": int(statistics.median(s[1] for s in sizes)),
            "max_raw": max(raws),
        }

    return {
        "home": one("index.html"),
        "guide": many("guides/p*/index.html"),
        "compare": one("compare/index.html"),
        "region": many("regions/[a-z][a-z]*/index.html"),
        "embed": many("embed/p*/index.html"),
        "timeline": one("timeline/index.html"),
        "guide assets": guide_assets(site),
        "search": lazy_assets(site),
    }


class _References(html.parser.HTMLParser):
    """What a page makes the browser fetch: stylesheets, icons, scripts, images."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.config = ""
        self._in_config = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        rel = (attributes.get("rel") or "").split()
        if tag == "link" and {"stylesheet", "icon", "preload", "modulepreload"} & set(rel):
            self.urls.append(attributes.get("href") or "")
        elif tag in ("script", "img", "source", "iframe") and attributes.get("src"):
            self.urls.append(attributes["src"])
        self._in_config = tag == "script" and "__config" in (attributes.get("class") or "")

    def handle_data(self, data):
        if self._in_config:
            self.config += data

    def handle_endtag(self, tag):
        self._in_config = False


def _local(base: str, url: str) -> str | None:
    if not url or re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE) or url.startswith(("//", "#")):
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), url.split("#")[0].split("?")[0]))


def guide_assets(site: Path) -> dict:
    """Every file a guide page loads on its own (CSS, their url()s, scripts, images, icons), with
    sizes; the search worker and index are fetched only when search is used: see lazy_assets."""
    guide = sorted(site.glob("guides/p*/index.html"))[0].relative_to(site).as_posix()
    parser = _References()
    parser.feed((site / guide).read_text(encoding="utf-8"))
    pending = [u for u in (_local(guide, url) for url in parser.urls) if u]
    seen: dict[str, tuple[int, int]] = {}
    while pending:
        path = pending.pop()
        if path in seen or not (site / path).is_file():
            continue
        seen[path] = _sizes(site / path)
        if path.endswith(".css"):
            css = (site / path).read_text(encoding="utf-8", errors="replace")
            for url in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", css):
                target = _local(path, url)
                if target:
                    pending.append(target)
    missing = [u for u in (_local(guide, url) for url in parser.urls) if u and not (site / u).is_file()]
    return {
        "page": guide,
        "files": dict(sorted(seen.items())),
        "raw": sum(s[0] for s in seen.values()),
        "gzip": sum(s[1] for s in seen.values()),
        "missing": missing,
    }


def lazy_assets(site: Path) -> dict:
    """The search worker and the search index: fetched when the reader opens search."""
    found = {}
    for path in sorted(site.glob("assets/javascripts/workers/search.*.js")):
        found[path.relative_to(site).as_posix()] = _sizes(path)
    index = site / "search" / "search_index.json"
    if index.is_file():
        found["search/search_index.json"] = _sizes(index)
    return found


# ---------------------------------------------------------------------------------------------
# The machine
# ---------------------------------------------------------------------------------------------


def machine() -> dict:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        match = re.search(r"MemTotal:\s+(\d+) kB", meminfo.read_text())
        memory = f"{int(match.group(1)) / 1024 / 1024:.1f} GiB" if match else ""
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = match.group(1).strip() if match else ""

    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
        or str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "mkdocs-material": version("mkdocs-material"),
        "mkdocs-static-i18n": version("mkdocs-static-i18n"),
        "Markdown": version("Markdown"),
        "pymdown-extensions": version("pymdown-extensions"),
        "Jinja2": version("Jinja2"),
        "Babel": version("Babel"),
        "jsonschema": version("jsonschema"),
        "jsonschema-rs": version("jsonschema_rs"),
        "PyYAML": version("PyYAML"),
    }


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def _s(seconds: float) -> str:
    return f"{seconds:.1f}" if seconds >= 10 else f"{seconds:.2f}"


def _mb(count: float) -> str:
    return f"{count / 1e6:.1f}"


def _kb(count: float) -> str:
    return f"{count / 1e3:.1f}"


def report(cases: list[Case], info: dict, notes: dict) -> str:
    out = ["# Build benchmark results", ""]
    out += [
        "Written by `bench/run.py` (see `bench/README.md`). Times are medians of "
        f"{notes['runs']} builds per variant{notes['slow_runs']}, run alternately as separate processes; "
        "the spread is "
        "min-max. *CPU* is the child's user + system time (less sensitive than wall time to other "
        "load on the machine). *ours*: the atlas plugin generates every page from N synthetic "
        "platforms; *baseline*: the same pages as Markdown files, built by the same configuration "
        "with the plugin's `generate: false` (`bench/generate.py`).",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
    ]
    out += [f"| {key} | {value} |" for key, value in info.items()]
    out += [
        f"| load average at start / end | {notes['load_start']} → {notes['load_end']} (1/5/15 min) |",
        f"| benchmark duration | {notes['duration'] / 60:.1f} min "
        f"(generation {notes['generation'] / 60:.1f} min) |",
        "",
    ]
    if notes.get("skipped"):
        out += [f"Not run (use `--full`): {', '.join(notes['skipped'])}.", ""]

    out += [
        "## Build time",
        "",
        "| platforms | languages | pages | ours wall s | baseline wall s | **ratio wall** | ratio of mins "
        "| ours CPU s | baseline CPU s | **ratio CPU** | ours ms/page | baseline ms/page |",
        "| ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for case in cases:
        pages = int(case.median("ours", "html_pages"))
        ow, bw = case.median("ours", "wall"), case.median("baseline", "wall")
        oc, bc = case.median("ours", "cpu"), case.median("baseline", "cpu")
        owl, owh = case.spread("ours", "wall")
        bwl, bwh = case.spread("baseline", "wall")
        out.append(
            f"| {case.platforms} | {case.languages} | {pages} | {_s(ow)} ({_s(owl)}-{_s(owh)}) "
            f"| {_s(bw)} ({_s(bwl)}-{_s(bwh)}) | **{ow / bw:.2f}** | {owl / bwl:.2f} "
            f"| {_s(oc)} | {_s(bc)} | **{oc / bc:.2f}** "
            f"| {1000 * ow / pages:.0f} | {1000 * bw / pages:.0f} |"
        )
    out += ["", _marginal(cases), ""]

    out += [
        "## Memory and output",
        "",
        "| platforms | languages | ours peak RSS MB | baseline peak RSS MB | ratio | ours bytes written MB "
        "| baseline bytes written MB | ours HTML MB | baseline HTML MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for case in cases:
        orss, brss = case.median("ours", "max_rss_kb"), case.median("baseline", "max_rss_kb")
        out.append(
            f"| {case.platforms} | {case.languages} | {orss / 1024:.0f} | {brss / 1024:.0f} "
            f"| {orss / brss:.2f} | {_mb(case.median('ours', 'bytes_written'))} "
            f"| {_mb(case.median('baseline', 'bytes_written'))} "
            f"| {_mb(case.median('ours', 'html_bytes'))} | {_mb(case.median('baseline', 'html_bytes'))} |"
        )
    out += [
        "",
        "*ours* writes more than the baseline: the Atom feeds, the badges and the JSON export "
        "(`optout_atlas/plugin/outputs.py`), which the baseline does not generate.",
        "",
    ]

    counted = [c for c in cases if c.counts]
    if counted:
        out += [
            "## Work per build (ours, counted in-process by `bench/instrumented.py`)",
            "",
            "| platforms | languages | language builds | data loaded and validated | data fingerprints "
            "| translations (localize) | guides rendered |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for case in counted:
            counts = case.counts
            localize = sum(v for k, v in counts.items() if k.startswith("localize["))
            guides = sum(v for k, v in counts.items() if k.startswith("guide["))
            out.append(
                f"| {case.platforms} | {case.languages} | {counts.get('language builds', 0)} "
                f"| {counts.get('load_dataset', 0)} | {counts.get('_fingerprint', 0)} "
                f"| {localize} | {guides} |"
            )
        out += [
            "",
            "Translations: one per language other than English; guides: one per platform and language.",
            "",
            "Where the time of that build went, by event handler (own time; the i18n plugin's "
            "`on_post_build` runs the other languages' builds, so MkDocs' own work for them, "
            "outside any handler, counts there):",
            "",
            "| platforms | languages | build s | data handlers s (share) | by data handler "
            "| largest others |",
            "| ---: | ---: | ---: | ---: | --- | --- |",
        ]
        for case in counted:
            handlers = case.counts.get("handlers", {})
            ours = {k: v for k, v in handlers.items() if k in DATA_HANDLERS}
            others = [(k, v) for k, v in handlers.items() if k not in ours][:4]
            total = case.counts.get("seconds", 0) or 1
            out.append(
                f"| {case.platforms} | {case.languages} | {_s(total)} | {_s(sum(ours.values()))} "
                f"({100 * sum(ours.values()) / total:.0f}%) "
                f"| {', '.join(f'{k.removeprefix(PLUGIN)} {_s(v)}' for k, v in ours.items())} "
                f"| {', '.join(f'{k} {_s(v)}' for k, v in others)} |"
            )
        out.append("")

    checked = [c for c in cases if c.check]
    if checked:
        out += [
            "## Same pages? (ours against baseline, last build of each)",
            "",
            "| platforms | languages | HTML pages compared | differing (other than the feed link) "
            "| only in one | search index | sitemap | files only ours writes |",
            "| ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
        ]
        for case in checked:
            check = case.check
            only = len(check["html_only_ours"]) + len(check["html_only_baseline"])
            extra = ", ".join(f"{k} ({v})" for k, v in check["extra_files_ours"].items())
            out.append(
                f"| {case.platforms} | {case.languages} | {check['html_compared']} "
                f"| {len(check['html_differing'])} "
                f"| {only} | {'same entries' if check['search_same'] else '**differs**'} "
                f"| {'same URLs' if check['sitemap_same'] else '**differs**'} | {extra} |"
            )
        out.append("")

    weighed = [c for c in cases if c.weights]
    if weighed:
        out += [
            "## Page weight (English pages of ours; KB, raw / gzip)",
            "",
            "Guide, region and embed: the median page (and the largest, raw).",
            "",
            "| platforms | languages built | home | guide | compare | region | embed | timeline |",
            "| ---: | ---: | --- | --- | --- | --- | --- | --- |",
        ]
        for case in weighed:
            cells = []
            for kind in ("home", "guide", "compare", "region", "embed", "timeline"):
                w = case.weights[kind]
                cell = f"{_kb(w['raw'])} / {_kb(w['gzip'])}"
                if w["pages"] > 1:
                    cell += f" (max {_kb(w['max_raw'])}, {w['pages']} pages)"
                cells.append(cell)
            out.append(f"| {case.platforms} | {case.languages} | " + " | ".join(cells) + " |")
        last = weighed[-1].weights
        assets = last["guide assets"]
        out += [
            "",
            f"### What a guide page loads (`{assets['page']}`, {weighed[-1].platforms} platforms)",
            "",
            "| file | KB raw | KB gzip |",
            "| --- | ---: | ---: |",
        ]
        out += [
            f"| `{path}` | {_kb(raw)} | {_kb(packed)} |" for path, (raw, packed) in assets["files"].items()
        ]
        out += [
            f"| **total, besides the page itself** | **{_kb(assets['raw'])}** | **{_kb(assets['gzip'])}** |"
        ]
        if assets["missing"]:
            out += ["", f"Referenced but missing: {', '.join(assets['missing'])}"]
        out += [
            "",
            "Fonts: none (`theme.font: false`; icons are inline SVG). Search is loaded lazily, "
            "when the reader opens it:",
            "",
            "| platforms | languages built | file | KB raw | KB gzip |",
            "| ---: | ---: | --- | ---: | ---: |",
        ]
        for case in weighed:
            for path, (raw, packed) in case.weights["search"].items():
                out.append(f"| {case.platforms} | {case.languages} | `{path}` | {_kb(raw)} | {_kb(packed)} |")
        out.append("")
    return "\n".join(out) + "\n"


def _marginal(cases: list[Case]) -> str:
    """Cost of one more page between the smallest and the largest N (fixed start-up removed)."""
    lines = []
    for languages in sorted({c.languages for c in cases}):
        same = sorted((c for c in cases if c.languages == languages), key=lambda c: c.platforms)
        if len(same) < 2:
            continue
        small, large = same[0], same[-1]
        parts = []
        for variant in VARIANTS:
            pages = large.median(variant, "html_pages") - small.median(variant, "html_pages")
            seconds = large.median(variant, "wall") - small.median(variant, "wall")
            parts.append(f"{variant} {1000 * seconds / pages:.0f} ms")
        lines.append(
            f"Marginal time per page, {languages} language(s), {small.platforms} → {large.platforms} "
            f"platforms: {', '.join(parts)}."
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="platform counts (4,40,400)"
    )
    parser.add_argument("--languages", default="1,10", help="language settings to build: 1, 10 or 1,10")
    parser.add_argument("--runs", type=int, default=3, help="builds per variant and case (median; default 3)")
    parser.add_argument(
        "--full", action="store_true", help="also run the slow cases (400 platforms x 10 languages)"
    )
    parser.add_argument(
        "--slow-runs", type=int, help="builds per variant for the slow cases (default: --runs)"
    )
    parser.add_argument("--no-check", action="store_true", help="skip comparing ours with the baseline")
    parser.add_argument(
        "--count",
        choices=("smallest", "all", "none"),
        default="smallest",
        help="one more build of ours, in-process, counting and timing its steps: for the smallest "
        "size of each language setting (default), every case, or none",
    )
    parser.add_argument("--work", type=Path, help="working directory (default: a new temporary one, removed)")
    parser.add_argument("--output", type=Path, default=BENCH / "results.md")
    args = parser.parse_args(argv)
    if args.runs < 1 or (args.slow_runs is not None and args.slow_runs < 1):
        parser.error("--runs and --slow-runs must be at least 1")

    sizes = [int(x) for x in args.sizes.split(",") if x]
    settings = [int(x) for x in args.languages.split(",") if x]
    if any(s not in LANGUAGE_SETTINGS for s in settings):
        parser.error(f"--languages: use {', '.join(map(str, LANGUAGE_SETTINGS))}")
    wanted = [(n, s) for n in sizes for s in settings if args.full or (n, s) not in SLOW_CASES]
    skipped = [f"{n} platforms x {s} languages" for n in sizes for s in settings if (n, s) not in wanted]

    work = args.work or Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["OPTOUT_ATLAS_TODAY"] = generate.TODAY.isoformat()
    started = time.perf_counter()
    load_start = load_average()
    info = machine()
    cases: list[Case] = []
    generation = 0.0
    try:
        for platforms in sizes:
            settings_here = [s for s in settings if (platforms, s) in wanted]
            if not settings_here:
                continue
            t = time.perf_counter()
            root = work / f"n{platforms}"
            ours = generate.write_project(root / "ours", platforms)
            baselines = {}
            for languages in settings_here:
                language = LANGUAGE_SETTINGS[languages]
                baselines[languages] = generate.write_baseline(
                    ours, root / f"baseline-{languages}", languages=[language] if language else None
                )
            generation += time.perf_counter() - t
            print(f"[{_clock(started)}] generated {platforms} platforms", flush=True)
            for languages in settings_here:
                case = Case(platforms, languages)
                language = LANGUAGE_SETTINGS[languages]
                projects = {"ours": ours, "baseline": baselines[languages]}
                slow = (platforms, languages) in SLOW_CASES and args.slow_runs
                for number in range(args.slow_runs if slow else args.runs):
                    order = VARIANTS if number % 2 == 0 else VARIANTS[::-1]
                    for variant in order:
                        site = root / f"site-{variant}-{languages}"
                        run = build(projects[variant], site, language=language, log=root / f"{variant}.log")
                        case.runs[variant].append(run)
                        print(
                            f"[{_clock(started)}] {platforms} platforms x {languages} languages, {variant} "
                            f"#{number + 1}: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU, "
                            f"{run.max_rss_kb // 1024} MB, {run.html_pages} pages",
                            flush=True,
                        )
                ours_site = root / f"site-ours-{languages}"
                base_site = root / f"site-baseline-{languages}"
                if not args.no_check:
                    case.check = compare_sites(ours_site, base_site)
                case.weights = page_weights(ours_site)
                smallest = platforms == min(n for n, s in wanted if s == languages)
                if args.count == "all" or (args.count == "smallest" and smallest):
                    case.counts = counted_build(ours, root / "site-counted", language=language, work=root)
                    print(f"[{_clock(started)}] counted: {case.counts}", flush=True)
                shutil.rmtree(ours_site, ignore_errors=True)
                shutil.rmtree(base_site, ignore_errors=True)
                cases.append(case)
                notes = {
                    "runs": args.runs,
                    "slow_runs": (
                        f" ({args.slow_runs} for {', '.join(f'{n} x {s}' for n, s in sorted(SLOW_CASES))})"
                        if args.full and args.slow_runs
                        else ""
                    ),
                    "load_start": load_start,
                    "load_end": load_average(),
                    "duration": time.perf_counter() - started,
                    "generation": generation,
                    "skipped": skipped,
                }
                args.output.write_text(report(cases, info, notes), encoding="utf-8")  # after every case
            shutil.rmtree(root, ignore_errors=True)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"[{_clock(started)}] wrote {args.output}")
    return 0


def _clock(started: float) -> str:
    return f"{(time.perf_counter() - started) / 60:5.1f} min"


if __name__ == "__main__":
    sys.exit(main())
