"""The typed model past the loader: translation, the export and the cited addresses all read the
loaded objects, and agree with the files they came from."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
import yaml
from conftest import EXAMPLE, TODAY, line_of, with_archive

from optout_atlas import export, translation
from optout_atlas.dataset import cited_urls, load_dataset
from optout_atlas.translation import Untranslated

# The example platform with every optional field of the data filled in: each translatable
# field, each address and each optional key of the export appears at least once.
RICH = (
    with_archive(EXAMPLE)
    .replace("products: [Example]\n", "icon: material/shield\nproducts: [Example]\n")
    .replace(
        "last_verified: 2025-11-03\ndefaults:",
        "last_verified: 2025-11-03\nreview_interval_days: 60\ndefaults:",
    )
    .replace(
        "    legal_basis: Legitimate interest\n",
        "    legal_basis: Legitimate interest\n    note: Paused in **GB** for now.\n",
    )
    .replace(
        "  - category: posts\n    status: used\n",
        "  - category: posts\n    status: used\n    regions: [EU, EEA]\n",
    )
    .replace(
        "    label: Use my data for AI\n",
        "    label: Use my data for AI\n"
        "    localized_labels:\n"
        "      de:\n"
        "        text: Meine Daten für KI verwenden\n"
        "        sources: [example-help]\n",
    )
    .replace(
        "    url: https://example.com/settings/ai\n",
        "    url: https://example.com/settings/ai\n    url_note: From the help page, not the app.\n",
    )
    .replace(
        "disputes:\n",
        "  - date: 2025-11-03\n"
        "    type: training_started\n"
        "    regions: [OTHER]\n"
        "    text: Example starts training elsewhere too.\n"
        "    sources: [example-help]\n"
        "sharing:\n"
        "  - recipient: Example's other apps\n"
        "    purpose: ai_training\n"
        "    regions: [EEA]\n"
        "    text: Posts are shared with the owner's other apps.\n"
        "    sources: [example-help]\n"
        "myths:\n"
        "  - text: A notice on your profile stops the training.\n"
        "    sources: [example-help]\n"
        "disputes:\n",
    )
    .replace("    kind: regulator\n", "    kind: regulator\n    note: Read in a copy.\n")
    + "watch:\n"
    "  - document: Example Terms of Service\n"
    "    url: https://example.com/legal/terms\n"
    "    archive: none\n"
)

# Every translatable string of RICH, in the catalogs' order: the model's description of its
# translatable fields, read by extraction and by localisation alike.
RICH_CONTEXTS = [
    "summary",
    "defaults.EU+EEA+GB.note",
    "defaults.EU+EEA+GB.legal_basis",
    "data.posts@EU+EEA",
    "data.private_messages",
    "events.2025-11-03.training_started",
    "events.2024-09.announced",
    "events.2025-11-03.training_started.2",
    "mechanisms.ai-setting.title",
    "mechanisms.ai-setting.label",
    "mechanisms.ai-setting.url_note",
    "mechanisms.ai-setting.covers",
    "mechanisms.ai-setting.does_not_cover",
    "mechanisms.ai-setting.steps.web",
    "mechanisms.ai-setting.steps.web",
    "mechanisms.ai-setting.steps.app",
    "mechanisms.ai-setting.caveats",
    "sharing.0.recipient",
    "sharing.0.text",
    "myths.0",
    "disputes.0.topic",
    "disputes.0.text",
    "sources.regulator-note.note",
]


@pytest.fixture
def rich(data_dir):
    (data_dir / "platforms" / "example.yml").write_text(RICH, encoding="utf-8")
    return load_dataset(data_dir, today=TODAY)


def test_extraction_lists_every_translatable_field_in_the_files_order(rich):
    messages = [m for m in translation.data_messages(rich) if m.context.startswith("example|")]
    assert [m.context.removeprefix("example|") for m in messages] == RICH_CONTEXTS
    assert all(m.file == rich.data_dir / "platforms" / "example.yml" for m in messages)
    by_context = {m.context: m for m in messages}
    # Proper names and the documents' own titles stay as written: no message for them.
    texts = {m.text for m in messages}
    assert not {"Example", "Example Corp", "Control AI training", "Meine Daten für KI verwenden"} & texts
    assert by_context["example|mechanisms.ai-setting.label"].comment == translation.COMMENT_LABEL
    assert by_context["example|defaults.EU+EEA+GB.note"].comment == translation.COMMENT_BOLD
    assert by_context["example|summary"].comment == ""


def test_localisation_translates_what_the_catalog_has_and_marks_the_rest(rich, tmp_path):
    locales = tmp_path / "locales"
    path = translation.catalog_path(locales, "de", "data")
    template = translation.extract_data(rich, root=tmp_path)
    catalog = translation.update_catalog(template, path, "de")
    german = {
        "example|mechanisms.ai-setting.title": "KI-Training ausschalten",
        "example|mechanisms.ai-setting.label": "Meine Daten für KI verwenden",
        "example|sources.regulator-note.note": "In einer Kopie gelesen.",
        "category.posts.name": "Öffentliche Beiträge",
    }
    for message in catalog:
        if message.context in german:
            message.string = german[message.context]
    translation.write_catalog(catalog, path)

    localized = translation.localize(rich, "de", locales)

    assert localized.language == "de"
    platform = localized.platform("example")
    mechanism = platform.mechanism("ai-setting")
    assert mechanism.title == "KI-Training ausschalten"
    assert not isinstance(mechanism.title, Untranslated)
    # The label stays the platform's English; its meaning goes beside it.
    assert mechanism.label == "Use my data for AI"
    assert mechanism.label_translation == "Meine Daten für KI verwenden"
    assert platform.sources["regulator-note"].note == "In einer Kopie gelesen."
    # A data use shows its category as translated.
    assert next(u for u in platform.data if u.category.id == "posts").category.name == "Öffentliche Beiträge"
    assert localized.categories["posts"].name == "Öffentliche Beiträge"
    # What the catalog lacks stays English, marked as such.
    assert platform.summary.text == rich.platform("example").summary.text
    assert isinstance(platform.summary.text, Untranslated)
    assert all(isinstance(step, Untranslated) for step in mechanism.steps["web"])
    # Everything else is untouched: ids, dates, addresses, the order of events.
    english = rich.platform("example")
    assert [e.date for e in platform.events] == [e.date for e in english.events]
    assert platform.sources["regulator-note"].url == english.sources["regulator-note"].url
    assert platform.watch == english.watch
    # The English dataset itself is not changed.
    assert rich.platform("example").mechanism("ai-setting").title == "Turn off AI training"


def test_english_is_the_dataset_itself(rich, tmp_path):
    assert translation.localize(rich, "en", tmp_path / "locales") is rich


def test_cited_urls_name_file_line_and_field(rich):
    found = [(c.url, c.file, c.line, c.platform, c.field) for c in cited_urls(rich)]
    file = "data/platforms/example.yml"
    archived_via = next(line for line in RICH.splitlines() if "contrib-versions/blob" in line)
    assert [(url, field) for url, _, _, _, field in found] == [
        ("https://example.com/settings/ai", "mechanisms[0].url"),
        ("https://example.com/help/ai", "sources[0].url"),
        ("https://regulator.example.org/statement", "sources[1].url"),
        ("https://copy.example.net/statement", "sources[1].via"),
        ("https://example.com/terms", "sources[2].url"),
        (archived_via.split("via: ")[1], "sources[2].via"),
    ]
    for url, shown_file, line, platform, _ in found:
        assert shown_file.endswith(file) and platform == "example"
        assert url in RICH.splitlines()[line - 1]
    assert found[0][2] == line_of(RICH, "url: https://example.com/settings/ai")
    # The watch list is the maintainers' tooling, not something the pages cite.
    assert "https://example.com/legal/terms" in RICH
    assert "https://example.com/legal/terms" not in [url for url, *_ in found]


def _as_written(value):
    """A YAML value as the export writes it: dates as text."""
    if isinstance(value, dict):
        return {key: _as_written(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_written(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_export_writes_every_field_of_the_file_and_matches_the_schema(rich):
    document = export.export_document(rich, generated=TODAY)
    validator = jsonschema.Draft202012Validator(
        export.export_schema(rich.data_dir / "schema"), format_checker=jsonschema.FormatChecker()
    )
    assert list(validator.iter_errors(document)) == []
    written = _as_written(yaml.safe_load(RICH))
    del written["watch"]  # the maintainers' tooling, not part of the export
    assert document["platforms"] == [written]
    assert [g["id"] for g in document["region_groups"]] == list(rich.regions.groups)
    assert [c["id"] for c in document["categories"]] == list(rich.categories)


def test_export_leaves_out_optional_fields_the_file_leaves_out(data_dir):
    document = export.export_document(load_dataset(data_dir, today=TODAY), generated=TODAY)
    platform = document["platforms"][0]
    assert "icon" not in platform and "review_interval_days" not in platform and "sharing" not in platform
    assert platform == _as_written(yaml.safe_load(EXAMPLE))


def test_translated_export_matches_the_schema(rich, tmp_path):
    german = translation.localize(rich, "de", tmp_path / "locales")
    document = export.export_document(german, generated=TODAY)
    validator = jsonschema.Draft202012Validator(
        export.export_schema(rich.data_dir / "schema"), format_checker=jsonschema.FormatChecker()
    )
    assert list(validator.iter_errors(document)) == []
    mechanism = document["platforms"][0]["mechanisms"][0]
    assert list(mechanism)[-1] == "label_translation"
    assert json.loads(export.dumps(document)) == document  # plain JSON values only
