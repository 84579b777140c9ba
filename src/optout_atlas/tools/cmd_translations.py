"""``optout-atlas translations``: the state of every catalog, and keeping catalogs in sync.

- no option: per language, how many messages are translated, fuzzy (the English changed since
  they were translated) and missing; ``--list`` names them;
- ``--update``: re-extract the templates from the YAML and the page templates, and bring every
  catalog in line (run it after editing the data; changed English becomes fuzzy);
- ``--init LANG``: start the catalogs of a new language;
- ``--check``: exit 1 when the templates or any catalog are out of sync with the YAML, or when a
  translation breaks the text policy (raw HTML, character references, control or bidirectional
  characters, line breaks or Markdown the English does not have: see ``optout_atlas.textpolicy``),
  breaks a placeholder or drops a **label** (on-screen names must stay in English), or when a
  translated hand-written page does not record the English page it was made from;
- ``--mark-translated PAGE``: record that ``PAGE`` (``docs/about.de.md``) now matches its
  English page (see ``optout_atlas.translated_pages``).

Translated pages whose English page changed since are listed as stale, like fuzzy messages. A
catalog file that is not valid gettext (a line Babel would silently skip, a string not closed, a
message twice) stops every mode with one ``file:line:col`` line per error, before anything is
read or written.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from optout_atlas import clock, translated_pages, translation
from optout_atlas.dataset import load_dataset
from optout_atlas.textpolicy import BOLD
from optout_atlas.tools.options import add_data_option


@dataclass
class Status:
    language: str
    domain: str
    path: Path
    total: int
    translated: list
    fuzzy: list
    missing: list


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("translations", help="translation status; --update, --check, --init LANG")
    add_data_option(parser)
    parser.add_argument("--locales", type=Path, default=Path("locales"), help="catalogs (default: locales)")
    parser.add_argument("--templates", type=Path, default=Path("overrides/atlas"), help="page templates")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="hand-written pages (default: docs)")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--update", action="store_true", help="re-extract and update every catalog")
    action.add_argument("--check", action="store_true", help="exit 1 when catalogs are out of sync")
    action.add_argument("--init", metavar="LANG", help="create the catalogs of a new language")
    action.add_argument(
        "--mark-translated",
        metavar="PAGE",
        type=Path,
        nargs="+",
        help="record that a translated page (docs/about.de.md) is up to date with its English page",
    )
    parser.add_argument("--list", action="store_true", help="name the fuzzy and missing messages")
    parser.set_defaults(handler=run)


def templates(args: argparse.Namespace) -> dict[str, Catalog]:
    """Freshly extracted templates of both domains."""
    root = Path.cwd()
    dataset = load_dataset(args.data, today=clock.today())
    python_dir = Path(translation.__file__).parent
    return {
        "ui": translation.extract_ui(args.templates, python_dir, root=root),
        "data": translation.extract_data(dataset, root=root),
    }


def run(args: argparse.Namespace) -> int:
    if args.mark_translated:
        return mark_translated(args)
    malformed = syntax_problems(args.locales)
    if malformed:
        for problem in malformed:
            print(problem)
        print(
            f"{len(malformed)} syntax error(s) in the catalogs: fix the lines above (each message is"
            ' msgid "English" then msgstr "translation", every string in double quotes)'
        )
        return 1
    fresh = templates(args)
    if args.update or args.init:
        languages = translation.catalog_languages(args.locales)
        if args.init:
            languages = sorted({*languages, args.init})
        for domain, template in fresh.items():
            translation.write_catalog(template, translation.template_path(args.locales, domain))
            for language in languages:
                path = translation.catalog_path(args.locales, language, domain)
                translation.write_catalog(translation.update_catalog(template, path, language), path)
        print(f"updated {len(fresh)} templates and {len(languages) * len(fresh)} catalogs in {args.locales}")

    problems = sync_problems(args.locales, fresh) + form_problems(args.locales, fresh) if args.check else []
    statuses = [
        status(args.locales, language, domain, fresh[domain])
        for language in translation.catalog_languages(args.locales)
        for domain in fresh
    ]
    report(statuses, listing=args.list)
    pages = translated_pages.translated_pages(args.docs, translation.catalog_languages(args.locales))
    report_pages(pages)
    if args.check:
        languages = translation.catalog_languages(args.locales)
        problems += [str(problem) for problem in translation.check_catalogs(args.locales, languages)]
        for status_ in statuses:
            problems += quality_problems(status_)
        problems += [
            f"{page.path}: does not record which version of {page.english} it translates;"
            f" run `optout-atlas translations --mark-translated {page.path}` once it matches"
            for page in pages
            if page.state == "untracked"
        ]
        for problem in problems:
            print(problem)
        if problems:
            print(
                f"{len(problems)} translation problem(s); run `optout-atlas translations --update`"
                " after editing the data, then translate the fuzzy and missing messages"
            )
            return 1
    return 0


def syntax_problems(locales: Path) -> list:
    """The syntax errors of every template and catalog file (see ``translation.parse_catalog``)."""
    paths = [translation.template_path(locales, domain) for domain in translation.DOMAINS]
    paths += [
        translation.catalog_path(locales, language, domain)
        for language in translation.catalog_languages(locales)
        for domain in translation.DOMAINS
    ]
    problems = []
    for path in paths:
        if path.exists():
            problems += translation.syntax_problems(path)
    return problems


def _keys(catalog: Catalog) -> set[tuple]:
    return {(message.context, message.id) for message in catalog if message.id}


def sync_problems(locales: Path, fresh: dict[str, Catalog]) -> list[str]:
    """Templates that differ from the YAML, and catalogs that differ from their template."""
    problems = []
    for domain, template in fresh.items():
        path = translation.template_path(locales, domain)
        if not path.exists():
            problems.append(f"{path}: missing template")
            continue
        committed = _keys(translation.read_catalog(path))
        new, gone = _keys(template) - committed, committed - _keys(template)
        for context, text in sorted(new, key=str):
            problems.append(f"{path}: not extracted yet: [{context}] {_short(text)}")
        for context, text in sorted(gone, key=str):
            problems.append(f"{path}: no longer in the source: [{context}] {_short(text)}")
        for language in translation.catalog_languages(locales):
            catalog_file = translation.catalog_path(locales, language, domain)
            if not catalog_file.exists():
                problems.append(f"{catalog_file}: missing catalog")
                continue
            keys = _keys(translation.read_catalog(catalog_file))
            if keys != _keys(template):
                missing, extra = len(_keys(template) - keys), len(keys - _keys(template))
                problems.append(
                    f"{catalog_file}: out of sync with the template ({missing} missing, {extra} obsolete)"
                )
    return problems


def form_problems(locales: Path, fresh: dict[str, Catalog]) -> list[str]:
    """Catalog files that the next `--update` would rewrite although nobody changed the
    English: files not in the form `--update` writes (the form of GNU gettext, Poedit and
    Weblate), and files whose references or comments are out of date. Either would put
    changes unrelated to a contributor's edit into their diff."""
    problems = []
    files: list[tuple[Path, str | None, str]] = [
        (translation.template_path(locales, domain), None, domain) for domain in fresh
    ]
    files += [
        (translation.catalog_path(locales, language, domain), language, domain)
        for language in translation.catalog_languages(locales)
        for domain in fresh
    ]
    for path, language, domain in files:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        catalog = translation.read_catalog(path, translation.babel_locale(language) if language else None)
        if translation.format_catalog(catalog, existing=text) != text:
            problems.append(
                f"{path}: not in the standard gettext form (wrapping, header or references);"
                " `optout-atlas translations --update` rewrites it"
            )
            continue
        updated = translation.update_catalog(fresh[domain], path, language) if language else fresh[domain]
        if _keys(updated) != _keys(catalog):
            continue  # out of sync: sync_problems says so
        if translation.format_catalog(updated, existing=text) != text:
            problems.append(
                f"{path}: references or comments out of date with the data and templates;"
                " `optout-atlas translations --update` rewrites it"
            )
    return problems


def status(locales: Path, language: str, domain: str, template: Catalog) -> Status:
    path = translation.catalog_path(locales, language, domain)
    catalog = (
        translation.read_catalog(path, translation.babel_locale(language)) if path.exists() else Catalog()
    )
    by_key = {(m.context, m.id): m for m in catalog if m.id}
    translated, fuzzy, missing = [], [], []
    for message in template:
        if not message.id:
            continue
        found = by_key.get((message.context, message.id))
        if found is None or not found.string:
            missing.append((found or message, message))
        elif found.fuzzy:
            fuzzy.append((found, message))
        else:
            translated.append((found, message))
    return Status(
        language, domain, path, len(translated) + len(fuzzy) + len(missing), translated, fuzzy, missing
    )


def quality_problems(status_: Status) -> list[str]:
    """Translations that drop a **label** (placeholders: ``translation.catalog_problems``)."""
    problems = []
    for found, _template in status_.translated:
        where = f"{status_.path}:{found.lineno}" if getattr(found, "lineno", None) else str(status_.path)
        kept = set(BOLD.findall(found.string))
        for label in BOLD.findall(found.id):
            if label not in kept:
                problems.append(
                    f"{where}: [{found.context}] the label **{label}** must stay in English, in bold"
                )
    return problems


def report(statuses: list[Status], *, listing: bool) -> None:
    if not statuses:
        print("no catalogs yet: run `optout-atlas translations --init LANG`")
        return
    print(f"{'language':<10}{'domain':<6}{'translated':>12}{'fuzzy':>8}{'missing':>9}{'done':>8}")
    for s in statuses:
        done = 100 * len(s.translated) / s.total if s.total else 100
        print(
            f"{s.language:<10}{s.domain:<6}{len(s.translated):>12}{len(s.fuzzy):>8}{len(s.missing):>9}{done:>7.0f}%"
        )
        if listing:
            for label, items in (("fuzzy", s.fuzzy), ("missing", s.missing)):
                for found, message in items:
                    line = getattr(found, "lineno", None)
                    where = f"{s.path}:{line}" if line and found is not message else str(s.path)
                    print(f"  {where}: {label}: [{message.context}] {_short(message.id)}")


def report_pages(pages: list[translated_pages.TranslatedPage]) -> None:
    """Translated hand-written pages whose English page changed since they were translated."""
    stale = [page for page in pages if page.state == "stale"]
    if pages:
        print(f"hand-written pages: {len(pages)} translated, {len(stale)} stale")
    for page in stale:
        print(
            f"  {page.path}: stale: {page.english} changed since it was translated; update the"
            f" translation, then run `optout-atlas translations --mark-translated {page.path}`"
        )


def mark_translated(args: argparse.Namespace) -> int:
    languages = translation.catalog_languages(args.locales)
    status_ = 0
    for path in args.mark_translated:
        english = translated_pages.english_page(path, languages)
        if english is None or not path.is_file() or not english.is_file():
            print(f"{path}: not a translated page (expected docs/<page>.<language>.md beside docs/<page>.md)")
            status_ = 1
            continue
        value = translated_pages.mark_translated(path, english)
        print(f"{path}: translated from {english} as it is now ({translated_pages.KEY}: {value})")
    return status_


def _short(text: str, width: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"
