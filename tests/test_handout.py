"""The printed guide: the summary grouped by answer, and which surfaces' steps print."""

from __future__ import annotations

import dataclasses

from optout_atlas import handout, views
from optout_atlas.regions import OTHER


def _mechanism(dataset, platform_id: str, mechanism_id: str):
    return dataset.platform(platform_id).mechanism(mechanism_id)


def test_the_printed_summary_has_one_row_per_answer_with_every_region_that_shares_it(dataset):
    """On the real data: every default is in exactly one printed row, which says the same thing,
    and no two rows of the same plans say the same thing (Meta's seven rows are three)."""
    grouped = 0
    for platform in dataset.platforms:
        rows = views.region_rows(platform, dataset.regions)
        answers = handout.printed_answers(rows)
        keys = [(a.plans, a.status, a.retroactive) for a in answers]
        assert len(keys) == len(set(keys)), platform.id
        for row in rows:
            (answer,) = [a for a in answers if set(row.default.regions) <= set(a.regions) and a.plans == row.default.plans]
            assert answer.status == row.default.status
            assert answer.retroactive == (row.retroactive if row.can_stop else None)
            if answer.regions.count(OTHER):
                assert answer.regions[-1] == OTHER
        grouped += len(rows) - len(answers)
    assert grouped > 0  # the real data has regions that share an answer


def test_everywhere_only_when_no_other_printed_row_is_about_the_same_plans(fixture_dataset):
    regions = fixture_dataset.regions
    gamma = fixture_dataset.platform("gamma")
    answers = handout.printed_answers(views.region_rows(gamma, regions))
    by_plans = {a.plans: a for a in answers}
    # Free and Plus differ in Europe: their "other regions" row is not "everywhere".
    assert not by_plans[("free", "plus", "guest")].everywhere
    assert by_plans[("team", "school", "api")].everywhere
    (delta,) = handout.printed_answers(views.region_rows(fixture_dataset.platform("delta"), regions))
    assert delta.everywhere


def test_identical_steps_print_once_under_every_surface_name(fixture_dataset):
    setting = _mechanism(fixture_dataset, "alpha", "ai-training-setting")
    assert setting.surfaces == ("web", "ios", "android")
    same = dataclasses.replace(setting, steps={**setting.steps, "android": setting.steps["ios"]})
    printed = handout.printed_surfaces(same)
    assert printed["web"] == handout.PrintedSurface(printed=True, surfaces=("web",))
    assert printed["ios"] == handout.PrintedSurface(printed=True, surfaces=("ios", "android"))
    assert not printed["android"].printed
    # Different steps all print.
    assert all(p.printed for p in handout.printed_surfaces(setting).values())


def test_a_guide_too_long_for_a_page_prints_one_surface_and_names_the_others(fixture_dataset):
    alpha = fixture_dataset.platform("alpha")
    assert handout.fits_every_surface(alpha, summary_rows=3)
    setting = alpha.mechanism("ai-training-setting")
    long_steps = {surface: steps * 20 for surface, steps in setting.steps.items()}
    long_setting = dataclasses.replace(setting, steps=long_steps)
    long_alpha = dataclasses.replace(alpha, mechanisms=(long_setting, *alpha.mechanisms[1:]))
    assert not handout.fits_every_surface(long_alpha, summary_rows=3)
    printed = handout.printed_surfaces(long_setting, every_surface=False)
    assert printed["web"] == handout.PrintedSurface(printed=True, surfaces=("web",), online=("ios", "android"))
    assert not printed["ios"].printed and not printed["android"].printed
    assert handout.printed_lines(long_alpha, every_surface=False) < handout.printed_lines(long_alpha)


def test_wide_characters_count_twice_in_the_estimate(fixture_dataset):
    alpha = fixture_dataset.platform("alpha")
    setting = alpha.mechanism("ai-training-setting")

    def lines(step: str) -> int:
        mechanism = dataclasses.replace(setting, title="T", steps={"web": (step,)})
        return handout.printed_lines(dataclasses.replace(alpha, mechanisms=(mechanism,)))

    assert lines("設" * 60) > lines("a" * 60) > lines("a" * 10)
