"""``linkcheck.yml``: the settings of the link checker and its rules by host.

The file is checked against ``linkcheck.schema.json`` (beside this module) with the same
JSON Schema library as the data, and every problem is reported at once, one line each with
its file, line and column. The schema's own ``errorMessage`` keyword gives the message where
the generic one (by the expected type) would not say enough.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jsonschema

from optout_atlas import yamlfile
from optout_atlas.problems import DataError, Problem

SCHEMA = Path(__file__).with_name("linkcheck.schema.json")


@dataclass(frozen=True)
class Settings:
    """How hard and how long to try; the ``settings`` of ``linkcheck.yml``."""

    concurrency: int = 8  # requests at a time, all hosts together
    per_host_limit: int = 2  # requests at a time to one host
    connect_timeout: float = 10.0  # seconds
    read_timeout: float = 20.0  # seconds
    deadline: float = 120.0  # seconds for all the requests of one URL, redirects and retries included
    retries: int = 2  # further attempts after a rate limit, a 5xx or a timeout
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    max_wait: float = 30.0  # cap on any wait, Retry-After included
    max_redirects: int = 10
    cache_hours: float = 24.0


@dataclass(frozen=True)
class HostRule:
    """What to do differently for one host (``hosts`` in ``linkcheck.yml``)."""

    skip: bool = False  # do not check this host at all
    blocked_statuses: frozenset[int] = frozenset()  # statuses that mean "bot wall", not broken
    per_host_limit: int | None = None
    timeout: float | None = None  # read timeout for this host
    head: bool = True  # False: ask with GET straight away (for hosts that mishandle HEAD)
    note: str = ""  # why the rule exists; shown with the results it affects


@dataclass(frozen=True)
class Config:
    """The whole of ``linkcheck.yml``: settings and the rules by host name."""

    settings: Settings = field(default_factory=Settings)
    hosts: dict[str, HostRule] = field(default_factory=dict)

    def rule(self, host: str) -> HostRule:
        """The rule for ``host``: its own, else the nearest ``*.parent`` one, else the default."""
        host = host.lower()
        if host in self.hosts:
            return self.hosts[host]
        labels = host.split(".")
        for start in range(1, len(labels)):
            wildcard = "*." + ".".join(labels[start:])
            if wildcard in self.hosts:
                return self.hosts[wildcard]
        return HostRule()

    def per_host_limit(self, host: str) -> int:
        return self.rule(host).per_host_limit or self.settings.per_host_limit


def load_config(path: Path) -> Config:
    """Read and validate ``linkcheck.yml``; raise :class:`DataError` with one line per problem."""
    document, problems = yamlfile.load(path)
    if problems:
        raise DataError(problems)
    problems = config_problems(document)
    if problems:
        raise DataError(problems)
    assert isinstance(document.value, dict)  # the schema says so
    settings = document.value.get("settings") or {}
    hosts = document.value.get("hosts") or {}
    rules = {host.lower(): _host_rule(rule or {}) for host, rule in hosts.items()}
    return Config(Settings(**settings), rules)


def _host_rule(rule: dict) -> HostRule:
    return HostRule(
        skip=rule.get("skip", False),
        blocked_statuses=frozenset(rule.get("blocked_statuses", ())),
        per_host_limit=rule.get("per_host_limit"),
        timeout=rule.get("timeout"),
        head=rule.get("head", True),
        note=rule.get("note", ""),
    )


# --------------------------------------------------------------------------------------------
# The schema's verdict, one line per problem
# --------------------------------------------------------------------------------------------

# YAML tells 2 from 2.0; so does the file: a whole number is an int, never a float.
_TYPES = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
    "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
)
_Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, type_checker=_TYPES)


@cache
def schema() -> dict:
    """The JSON Schema of ``linkcheck.yml``."""
    loaded = json.loads(SCHEMA.read_text(encoding="utf-8"))
    _Validator.check_schema(loaded)
    return loaded


def config_problems(document: yamlfile.YamlDocument) -> list[Problem]:
    """What is wrong with a ``linkcheck.yml`` document, each problem once, at its line."""
    problems: dict[tuple[yamlfile.Path_, str], Problem] = {}
    for error in _Validator(schema()).iter_errors(document.value):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = list(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in known:
                    message = f"unknown key '{key}': expected one of {', '.join(known)}"
                    place = (*path, key)
                    problems.setdefault((place, message), document.problem(place, message, at_key=True))
            continue
        message = _message(error)
        at_key = list(error.absolute_schema_path)[-2:-1] == ["propertyNames"]
        if at_key:  # a host name that is not one: ``error.instance`` is the key, under ``path``
            path = (*path, error.instance)
        problems.setdefault((path, message), document.problem(path, message, at_key=at_key))
    return list(problems.values())


def _message(error: jsonschema.ValidationError) -> str:
    schema_ = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance
    template = schema_.get("errorMessage")
    if template:
        return template.format(value=value, known=", ".join(schema_.get("properties", {})))
    match schema_.get("type"):
        case "integer" | "number" as kind:
            expected = "a whole number" if kind == "integer" else "a number"
            return f"{value!r} is not valid here: expected {expected} of at least {schema_['minimum']:g}"
        case "boolean":
            return f"{value!r} is not valid here: expected true or false"
        case "string":
            return "expected text"
    return error.message
