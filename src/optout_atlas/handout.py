"""The printed guide: a one-page handout with every way to opt out and its steps.

On screen, a mechanism's steps are tabs, one per surface (web, app…); on paper every tab prints
one after the other. Three things keep that on one page:

- The answer per region prints once for all the regions (of the same plans) that share it: on
  paper the table has one row per answer, not one per default.
- Surfaces whose steps are word for word the same print once, under all their names.
- A guide whose steps would still not fit prints, for each mechanism, the steps of its first
  surface only, and names the surfaces whose steps are on the guide online. Whether they fit is
  an estimate of the printed lines of the steps (:func:`fits_every_surface`); the browser tests
  print every real guide in its longest languages and check that it stays on one page.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from optout_atlas.model import Mechanism, Platform
from optout_atlas.regions import OTHER
from optout_atlas.views import RegionRow

# Characters of running text on one line of a printed column (10 pt, two columns on A4), and
# the lines the two columns of a sheet hold below the title and the summary's heading.
LINE_CHARACTERS = 50
COLUMN_LINES = 130
# The lines a mechanism takes besides its title and steps: what kind it is, where and for which
# plans, when its steps were confirmed (two to four lines), and its address.
MECHANISM_LINES = 4


@dataclass(frozen=True)
class PrintedAnswer:
    """One row of the printed summary: the answer for every region (of some plans) that shares
    it, and whether opting out removes what was already used (``None``: nothing stops it)."""

    plans: tuple[str, ...]
    regions: tuple[str, ...]  # ``OTHER`` last
    status: str
    retroactive: bool | None
    everywhere: bool  # no other answer is about any of its plans: its regions are all there are


def printed_answers(rows: tuple[RegionRow, ...]) -> tuple[PrintedAnswer, ...]:
    """The rows of a guide's summary grouped by their answer, in the order of their first row;
    only rows of the same plans are grouped, so one plan's answer never reads as another's."""
    groups: dict[tuple[tuple[str, ...], str, bool | None], list[RegionRow]] = {}
    for row in rows:
        removes = row.retroactive if row.can_stop else None
        groups.setdefault((row.default.plans, row.default.status, removes), []).append(row)
    result = []
    for (plans, status, removes), members in groups.items():
        codes = dict.fromkeys(code for row in members for code in row.default.regions)
        ordered = tuple(sorted(codes, key=lambda code: code == OTHER))
        # As RegionRow.alone: no other row speaks for any of its plans.
        everywhere = not any(
            row not in members and (not plans or set(row.default.plans) & set(plans)) for row in rows
        )
        result.append(PrintedAnswer(plans, ordered, status, removes, everywhere))
    return tuple(result)


@dataclass(frozen=True)
class PrintedSurface:
    """How the steps of one surface of a mechanism print."""

    printed: bool  # whether its steps print (false: another surface prints the same steps)
    surfaces: tuple[str, ...] = ()  # when printed: the surfaces these steps are for, itself first
    online: tuple[str, ...] = ()  # surfaces whose steps do not print and differ (named beside)


def printed_surfaces(mechanism: Mechanism, *, every_surface: bool = True) -> dict[str, PrintedSurface]:
    """For each surface of ``mechanism``: whether its steps print, and under which names.
    Without ``every_surface``, only the first surface's steps print."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for surface in mechanism.surfaces:
        groups.setdefault(tuple(mechanism.steps[surface]), []).append(surface)
    firsts = [names[0] for names in groups.values()]
    shown = firsts if every_surface else firsts[:1]
    online = tuple(s for names in groups.values() if names[0] not in shown for s in names)
    result = {}
    for names in groups.values():
        for surface in names:
            if surface == names[0] and surface in shown:
                result[surface] = PrintedSurface(
                    printed=True,
                    surfaces=tuple(names),
                    online=online if surface == shown[0] else (),
                )
            else:
                result[surface] = PrintedSurface(printed=False)
    return result


def _width(text: str) -> int:
    """The width of ``text`` in Latin characters: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _lines(text: str) -> int:
    return max(1, math.ceil(_width(text) / LINE_CHARACTERS))


def printed_lines(platform: Platform, *, every_surface: bool = True) -> int:
    """An estimate of the lines of column that the printed guide's ways to opt out take, with
    their steps (every surface's, or without ``every_surface`` the first surface's only)."""
    lines = 0
    for mechanism in platform.mechanisms:
        lines += _lines(mechanism.title) + MECHANISM_LINES
        for surface, printed in printed_surfaces(mechanism, every_surface=every_surface).items():
            if printed.printed:
                lines += 1 + sum(_lines(step) for step in mechanism.steps[surface])
    return lines


def fits_every_surface(platform: Platform, summary_rows: int) -> bool:
    """Whether the steps of every surface of every mechanism fit on the printed page, below a
    summary of ``summary_rows`` rows (each takes about two lines of each column)."""
    return printed_lines(platform) + 4 * summary_rows <= COLUMN_LINES
