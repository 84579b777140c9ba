"""Write throw-away copies of the project for the build benchmark (see ``bench/README.md``).

``ours``: the project as it is (mkdocs.yml, docs, overrides, locales, data with its schema,
regions and categories), but with N synthetic platform files instead of the real ones. The files
are valid (``optout_atlas.dataset.load_dataset`` accepts them; this script checks) and about as
large as the real ones: 30-60 sources, 3-7 mechanisms with web and app steps, about 15 events,
4-11 data uses, defaults for several regions, disputes, sharing.

``baseline``: the same pages as plain Markdown files, built without the plugin's data work.
Every page the atlas plugin generates is rendered here by the plugin itself (``AtlasPlugin.pages``),
in every language built, and written to ``docs/`` in the suffix structure; the
``<!-- atlas:… -->`` markers of the hand-written pages are filled by the plugin too
(``AtlasPlugin.fill_markers``). Its ``mkdocs.yml`` is the same but sets the plugin's
``generate: false`` (no data check, generated pages, markers, feeds, badges or export; the
plugin's other work stays) and keeps the generated pages out of the navigation with
``not_in_nav``, as the plugin does with ``InclusionLevel.NOT_IN_NAV``. The page templates
(``overrides/atlas/``) are left out: the plugin removes them from the site, MkDocs would
otherwise copy them.

Usage: ``python bench/generate.py TARGET --platforms N [--languages en|all] [--seed S]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import posixpath
import random
import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# The date every build of the benchmark is pinned to (OPTOUT_ATLAS_TODAY): freshness, "ago" and
# "not in the future" checks must give the same result when the baseline is rendered here and
# when the plugin renders in the build.
TODAY = dt.date(2026, 11, 22)

PROJECT_PARTS = ("mkdocs.yml", "docs", "overrides", "locales")
DATA_PARTS = ("schema", "regions.yml", "categories.yml")

# Regions the synthetic platforms name: about as many as the real data (so about as many region
# pages), plus a few more countries.
REGION_POOL = ("EU", "EEA", "GB", "CH", "CA", "HK", "US", "BR", "AU", "ID", "JP", "IN")
# Icons bundled with Material, as the real platforms use them.
BRAND_ICONS = (
    "fontawesome/brands/linkedin",
    "fontawesome/brands/meta",
    "fontawesome/brands/reddit",
    "fontawesome/brands/x-twitter",
    "fontawesome/brands/youtube",
    "fontawesome/brands/tiktok",
)
DEFAULT_GROUPS = (("EU", "EEA"), ("GB",), ("CH",), ("CA",), ("HK",), ("US",), ("BR",), ("AU",), ("ID",))

_WORDS = tuple(
    " ".join(
        (
            "the platform uses public posts comments profile data for training its generative models",
            "members can switch off setting in privacy menu before new terms take effect regulator",
            "said company announced that content shared since account holders may object through",
            "form legal basis legitimate interest consent applies only future training already",
            "trained models keep information about activity photos videos messages groups jobs",
            "feedback minors region users europe united states policy update help centre page explains",
            "which categories are excluded report says source copy archive statement court decision",
            "licence partners licensing deal select open tap choose confirm save review visible",
            "others opt out request data protection authority investigation paused resumed changed",
            "default status option available web app",
        )
    ).split()
)


# ---------------------------------------------------------------------------------------------
# Synthetic data
# ---------------------------------------------------------------------------------------------


class _Text:
    """Plain English-looking text of a chosen length, deterministic for a seed."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def sentence(self, low: int, high: int) -> str:
        length = self.rng.randint(low, high)
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < length:
            words.append(self.rng.choice(_WORDS))
        text = " ".join(words)
        return text[:1].upper() + text[1:] + "."

    def step(self, label: str | None) -> str:
        verb = self.rng.choice(("Select", "Open", "Tap", "Choose", "Switch off", "Confirm"))
        target = label or self.rng.choice(("Settings", "Privacy", "Your account", "Data settings", "Menu"))
        rest = self.sentence(20, 70)
        return f"{verb} **{target}**, then {rest[:1].lower()}{rest[1:]}"

    def title(self) -> str:
        return self.sentence(25, 55).rstrip(".")


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _partial(rng: random.Random, start: dt.date, end: dt.date) -> str:
    day = _date(rng, start, end)
    return day.strftime("%Y-%m") if rng.random() < 0.3 else day.isoformat()


def synthetic_platform(index: int, *, seed: int, categories: list[str], extra_fields: set[str]) -> dict:
    """One valid platform file's value, sized like the real ones."""
    rng = random.Random(seed * 1_000_003 + index)
    text = _Text(rng)
    platform_id = f"p{index:04d}"
    past = TODAY - dt.timedelta(days=4 * 365)

    sources = []
    for position in range(rng.randint(30, 60)):
        source = {
            "id": f"src-{position:02d}",
            "title": text.title(),
            "publisher": text.sentence(8, 30).rstrip("."),
            "url": f"https://source{position}.example.org/{platform_id}/{rng.randrange(10**6)}",
            "accessed": _date(rng, TODAY - dt.timedelta(days=200), TODAY).isoformat(),
            "kind": rng.choice(("platform", "regulator", "press", "third_party")),
        }
        if rng.random() < 0.6:
            source["published"] = _partial(rng, past, TODAY - dt.timedelta(days=30))
        if rng.random() < 0.15:
            source["via"] = f"https://archive.example.net/{platform_id}/{position}"
        if rng.random() < 0.1:
            source["note"] = text.sentence(60, 160)
        sources.append(source)
    ids = [s["id"] for s in sources]

    def cite(low: int = 1, high: int = 4) -> list[str]:
        return rng.sample(ids, rng.randint(low, min(high, len(ids))))

    groups = list(DEFAULT_GROUPS)
    rng.shuffle(groups)
    defaults = []
    for codes in [*groups[: rng.randint(1, 6)], ("OTHER",)]:
        default = {
            "regions": list(codes),
            "status": rng.choice(("opt_out", "opt_in", "no_choice", "not_trained", "paused", "unclear")),
            "sources": cite(1, 5),
        }
        if rng.random() < 0.5:
            default["since"] = _partial(rng, past, TODAY)
        if rng.random() < 0.4:
            default["legal_basis"] = rng.choice(("Legitimate interest", "Consent", "Contract"))
        if rng.random() < 0.8:
            default["note"] = text.sentence(120, 400)
        defaults.append(default)

    data = []
    for category in rng.sample(categories, rng.randint(4, min(11, len(categories)))):
        use = {
            "category": category,
            "status": rng.choices(("used", "excluded", "disputed"), weights=(6, 3, 1))[0],
            "text": text.sentence(60, 250),
            "sources": cite(1, 3),
        }
        if rng.random() < 0.15:
            use["regions"] = rng.sample(REGION_POOL, rng.randint(1, 2))
        data.append(use)

    events = []
    for _ in range(rng.randint(12, 18)):
        event = {
            "date": _partial(rng, past, TODAY),
            "type": rng.choice(
                (
                    "announced",
                    "training_started",
                    "paused",
                    "resumed",
                    "terms_changed",
                    "setting_changed",
                    "licensing_deal",
                    "regulator_action",
                    "lawsuit",
                )
            ),
            "regions": rng.sample([*REGION_POOL, "OTHER"], rng.randint(1, 3)),
            "text": text.sentence(120, 350),
            "sources": cite(1, 4),
        }
        if rng.random() < 0.1:
            event["approximate"] = True
        events.append(event)

    mechanisms = []
    kinds = ("ads_setting", "privacy_setting", "make_private", "delete_content", "data_request")
    for position in range(rng.randint(3, 7)):
        kind = rng.choice(("setting", "objection_form")) if position < 2 else rng.choice(kinds)
        label = text.title()[:40].strip() if rng.random() < 0.6 else None
        mechanism: dict = {
            "id": f"mechanism-{position + 1}",
            "kind": kind,
            "title": text.title(),
        }
        if label:
            mechanism["label"] = label
        if rng.random() < 0.7:
            mechanism["url"] = f"https://www.{platform_id}.example.com/settings/{position}"
        if rng.random() < 0.1:
            mechanism["url_note"] = text.sentence(60, 150)
        mechanism["regions"] = ["OTHER"] if rng.random() < 0.4 else rng.sample(REGION_POOL, rng.randint(1, 5))
        if rng.random() < 0.8:
            mechanism["minutes"] = rng.randint(1, 30)
        mechanism["covers"] = [text.sentence(40, 160) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.7:
            mechanism["does_not_cover"] = [text.sentence(40, 160) for _ in range(rng.randint(1, 3))]
        mechanism["retroactive"] = rng.random() < 0.2
        steps = {"web": [text.step(label if i == 0 else None) for i in range(rng.randint(3, 10))]}
        if rng.random() < 0.15:
            steps["ios"] = [text.step(None) for _ in range(rng.randint(2, 8))]
            steps["android"] = [text.step(None) for _ in range(rng.randint(2, 8))]
        elif rng.random() < 0.8:
            steps["app"] = [text.step(None) for _ in range(rng.randint(2, 9))]
        mechanism["steps"] = steps
        if rng.random() < 0.7:
            mechanism["caveats"] = [
                {"text": text.sentence(80, 300), "sources": cite(1, 3)} for _ in range(rng.randint(1, 5))
            ]
        if label and rng.random() < 0.2:
            mechanism["localized_labels"] = {"de": {"text": text.title()[:40].strip(), "sources": cite(1, 1)}}
        if rng.random() < 0.8:
            mechanism["last_verified"] = _date(rng, TODAY - dt.timedelta(days=200), TODAY).isoformat()
        mechanism["sources"] = cite(2, 7)
        mechanisms.append(mechanism)

    value: dict = {
        "id": platform_id,
        "name": f"Platform {index:04d}",
        "owner": f"{text.title()[:30].strip()} Inc.",
        "products": [f"Product {index}-{k}" for k in range(rng.randint(1, 5))],
        "summary": {"text": text.sentence(150, 400), "sources": cite(2, 6)},
        "last_verified": _date(rng, TODAY - dt.timedelta(days=150), TODAY).isoformat(),
    }
    if rng.random() < 0.3:
        value["review_interval_days"] = rng.choice((30, 60, 90, 180))
    value.update(defaults=defaults, data=data, mechanisms=mechanisms, events=events)
    value["sharing"] = [
        {
            "recipient": text.title()[:30].strip(),
            "purpose": rng.choice(("ai_training", "advertising")),
            "text": text.sentence(100, 250),
            "sources": cite(1, 3),
        }
        for _ in range(rng.randint(0, 2))
    ]
    value["disputes"] = [
        {"topic": text.title(), "text": text.sentence(200, 600), "sources": cite(2, 4)}
        for _ in range(rng.randint(5, 12))
    ]
    if "icon" in extra_fields:  # optional fields the schema may have grown
        value["icon"] = rng.choice(BRAND_ICONS)
    if "myths" in extra_fields:
        value["myths"] = [
            {"text": text.sentence(80, 200), "sources": cite(1, 2)} for _ in range(rng.randint(0, 2))
        ]
    value["sources"] = sources

    # Every source must be cited somewhere (the validator says so): cite the rest on events.
    cited = {s for claim in _claims(value) for s in claim["sources"]}
    for source_id in ids:
        if source_id not in cited:
            event = rng.choice(events)
            event["sources"].append(source_id)
    return value


def _claims(value: dict):
    yield value["summary"]
    for key in ("defaults", "data", "events", "sharing", "disputes", "myths"):
        yield from value.get(key, ())
    for mechanism in value["mechanisms"]:
        yield mechanism
        yield from mechanism.get("caveats", ())
        yield from mechanism.get("localized_labels", {}).values()


def write_platforms(data_dir: Path, count: int, *, seed: int) -> None:
    schema = json.loads((data_dir / "schema" / "platform.schema.json").read_text(encoding="utf-8"))
    categories = [c["id"] for c in yaml.safe_load((data_dir / "categories.yml").read_text())["categories"]]
    platforms = data_dir / "platforms"
    platforms.mkdir(parents=True, exist_ok=True)
    for index in range(1, count + 1):
        value = synthetic_platform(
            index, seed=seed, categories=categories, extra_fields=set(schema["properties"])
        )
        body = yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=100)
        (platforms / f"{value['id']}.yml").write_text(
            "# yaml-language-server: $schema=../schema/platform.schema.json\n" + body, encoding="utf-8"
        )


# ---------------------------------------------------------------------------------------------
# Project copies
# ---------------------------------------------------------------------------------------------


def write_project(target: Path, platforms: int, *, seed: int = 0, source: Path = ROOT) -> Path:
    """``target``: a copy of the project with ``platforms`` synthetic platform files."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in PROJECT_PARTS:
        path = source / part
        if path.is_dir():
            shutil.copytree(path, target / part, ignore=ignore)
        else:
            shutil.copy(path, target / part)
    (target / "data").mkdir()
    for part in DATA_PARTS:
        path = source / "data" / part
        (shutil.copytree if path.is_dir() else shutil.copy)(path, target / "data" / part)
    write_platforms(target / "data", platforms, seed=seed)
    check_data(target / "data")
    return target


def check_data(data_dir: Path) -> None:
    """Fail loudly when the synthetic data is not valid."""
    from optout_atlas.dataset import load_dataset
    from optout_atlas.problems import DataError

    try:
        load_dataset(data_dir, today=TODAY)
    except DataError as error:
        shown = "\n".join(str(p) for p in error.problems[:20])
        raise SystemExit(f"synthetic data is not valid ({len(error.problems)} problems):\n{shown}") from None


def _plugin(project: Path):
    """The project's configuration, after the start of a build (``on_config`` of every plugin:
    the atlas plugin has checked the data), and its atlas plugin."""
    from mkdocs.config import load_config

    from optout_atlas.plugin import AtlasPlugin

    config = load_config(str(project / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    plugin = config.plugins["atlas"]
    assert isinstance(plugin, AtlasPlugin)
    return config, plugin


def write_baseline(project: Path, target: Path, *, languages: list[str] | None = None) -> Path:
    """``target``: the pages of ``project`` as Markdown files, built without the plugin's data work.

    ``languages``: the languages whose pages are written (default: every language the i18n plugin
    builds). The hand-written pages of every language stay, as in the project."""
    from optout_atlas.plugin import site
    from optout_atlas.plugin.plugin import NOT_IN_NAV_PREFIXES

    os.environ.pop("SITE_URL", None)  # mkdocs.yml reads it: relative links, as in the benchmark
    config, plugin = _plugin(project)

    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for part in ("docs", "locales", "data"):
        shutil.copytree(project / part, target / part)
    shutil.copytree(
        project / "overrides", target / "overrides", ignore=shutil.ignore_patterns("atlas")
    )  # the page templates: only the plugin reads them, and it keeps them out of the site
    (target / "mkdocs.yml").write_text(
        _baseline_config((project / "mkdocs.yml").read_text(encoding="utf-8"), NOT_IN_NAV_PREFIXES),
        encoding="utf-8",
    )

    default = site.default_language(config)
    wanted = languages or site.languages(config)
    docs = target / "docs"
    for language in wanted:
        for src_uri, markdown in plugin.pages(config, language).items():
            uri = site.localized_uri(src_uri, language, default)
            path = docs / uri
            if path.exists():
                raise SystemExit(f"docs/{uri} exists, but the plugin generates that page")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(markdown, encoding="utf-8")
        _fill_markers(docs, language, default, config, plugin)
    return target


def _fill_markers(docs: Path, language: str, default: str, config, plugin) -> None:
    """Fill the markers of the language's hand-written pages, as the plugin does in a build
    (which renders them in the language being built: the page's own language here, since every
    page with a marker exists in every language)."""
    from mkdocs.exceptions import PluginError

    for path in sorted(docs.rglob("*.md")):
        src_uri = path.relative_to(docs).as_posix()
        if _language_of(src_uri, default) != language:
            continue
        markdown = path.read_text(encoding="utf-8")
        try:
            filled = plugin.fill_markers(markdown, config, language=language, src_uri=src_uri)
        except PluginError as error:
            raise SystemExit(str(error)) from None
        if filled != markdown:
            path.write_text(filled, encoding="utf-8")


def _language_of(src_uri: str, default: str) -> str:
    parts = posixpath.basename(src_uri).split(".")
    return parts[-2] if len(parts) > 2 else default


def _baseline_config(text: str, not_in_nav_prefixes: tuple[str, ...]) -> str:
    """mkdocs.yml with the atlas plugin's ``generate: false``, with the generated pages kept out
    of the navigation as the plugin keeps them (index pages stay in)."""
    text, found = re.subn(r"(?m)^(\s+)atlas:\n", r"\g<0>\1  generate: false\n", text, count=1)
    if not found:
        raise SystemExit("mkdocs.yml has no atlas plugin with options; extend bench/generate.py")
    lines = text.splitlines()
    if re.search(r"(?m)^not_in_nav:", text):
        raise SystemExit("mkdocs.yml has a not_in_nav of its own; extend bench/generate.py")
    patterns = []
    for prefix in not_in_nav_prefixes:
        patterns += [f"/{prefix}*", f"!/{prefix}index.md", f"!/{prefix}index.*.md"]
    block = "\n".join(["", "# bench/generate.py: as the atlas plugin's NOT_IN_NAV", "not_in_nav: |"])
    block += "".join(f"\n  {pattern}" for pattern in patterns)
    return "\n".join(lines) + "\n" + block + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, help="directory to write (replaced)")
    parser.add_argument("--platforms", "-n", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--languages",
        choices=("en", "all", "none"),
        default="all",
        help="languages of the baseline's pages (none: no baseline)",
    )
    args = parser.parse_args(argv)
    os.environ["OPTOUT_ATLAS_TODAY"] = TODAY.isoformat()
    project = write_project(args.target / "ours", args.platforms, seed=args.seed)
    print(f"wrote {project}")
    if args.languages != "none":
        languages = ["en"] if args.languages == "en" else None
        baseline = write_baseline(project, args.target / f"baseline-{args.languages}", languages=languages)
        print(f"wrote {baseline}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
