"""Sentences for the reports, computed from the figures so every number in the prose is traceable.

Data values (team, service and demand type names) are escaped here, so a sentence is safe to
show as Markdown or HTML whatever the data holds.
"""

from __future__ import annotations

import pandas as pd

from . import spc
from .formatting import (
    esc, fmt_date, fmt_hours, fmt_int, fmt_number, fmt_pct, fmt_period, join_words, plural,
)

RULE_WORDS = {
    "outside_limits": "a week outside the process limits",
    "shift": "7 or more weeks in a row on one side of the average",
    "trend": "7 or more weeks rising or falling in a row",
    "two_of_three": "2 of 3 weeks close to a process limit",
}

VARIATION_WORDS = {
    "common_cause": "common-cause variation only (no sign of a change)",
    "improvement_high": "special-cause variation: improving (higher)",
    "improvement_low": "special-cause variation: improving (lower)",
    "concern_high": "special-cause variation: a concern (higher)",
    "concern_low": "special-cause variation: a concern (lower)",
    "neutral_high": "special-cause variation (higher)",
    "neutral_low": "special-cause variation (lower)",
}


def scope_phrase(team: str | None, service: str | None) -> str:
    """What a report covers, in words: "all teams", "the Revenues team", "Council tax"."""
    team_all = team is None or str(team).strip().lower() in {"", "all"}
    service_all = service is None or str(service).strip().lower() in {"", "all"}
    if team_all and service_all:
        return "all teams and services"
    if team_all:
        return str(service).strip()
    # A team already called "... Team" is not called "... Team team".
    team_name = str(team).strip()
    if not team_name.casefold().endswith(" team"):
        team_name += " team"
    if service_all:
        return f"the {team_name}"
    return f"{str(service).strip()}, {team_name}"


def period_length(figures: dict) -> str:
    """How long the period is, in words: "20 weeks", or in days under two weeks (a 3-day period
    is not "0 weeks", nor 10 days "1 week")."""
    days = (pd.Timestamp(figures["period_end"]) - pd.Timestamp(figures["period_start"])).days + 1
    return plural(days, "day") if days < 14 else plural(round(figures["weeks"]), "week")


def headline(figures: dict, failure_types: pd.DataFrame, scope: str) -> str:
    """The opening paragraph: demand, failure share, largest failure types, one-stop, hours lost."""
    length = period_length(figures)
    parts = [
        f"Between {fmt_date(figures['period_start'])} and {fmt_date(figures['period_end'])} "
        f"({length}), {esc(scope)} received "
        f"**{plural(figures['total_demand'], 'demand')}**."
    ]
    share = figures["failure_demand_share"]
    if share is not None:
        # The share is of classified demand; say so when that is not all of it.
        unclassified = figures.get("unclassified_demand") or 0
        classified = figures["value_demand"] + figures["failure_demand"]
        of_them = (
            f"Of the {fmt_int(classified)} classified so far, **{fmt_pct(share)} were"
            if unclassified else f"**{fmt_pct(share)} of them were"
        )
        parts.append(
            f"{of_them} failure demand**: demand caused by a failure to do "
            "something, or to do something right, for the person."
        )
        recorded = failure_types[failure_types["failure_type"] != "not recorded"].head(3)
        if len(recorded):
            kinds = [
                f"{esc(row.failure_type)} ({fmt_pct(row.share)})"
                for row in recorded.itertuples()
            ]
            word = "kind" if len(kinds) == 1 else f"{len(kinds)} largest kinds"
            parts.append(f"The {word} of failure demand: {join_words(kinds)}.")
    else:
        parts.append("The demand has not been classified as value or failure demand yet.")
    if figures.get("one_stop_share") is not None:
        parts.append(
            f"{fmt_pct(figures['one_stop_share'])} of value demand was resolved at the first contact."
        )
    if figures.get("failure_hours_per_week") is not None:
        fte = figures["full_time_equivalent_lost"]
        staff = f"about {fmt_int(fte)} full-time staff" if fte >= 1.5 else (
            "about one full-time member of staff" if fte >= 0.5 else "less than half a full-time post"
        )
        parts.append(
            f"Handling failure demand took about **{fmt_hours(figures['failure_hours_per_week'])} "
            f"a week**, the time of {staff}."
        )
    return " ".join(parts)


POINT_WORDS = {
    "special_cause_improvement": "an improvement",
    "special_cause_concern": "a concern",
    "special_cause_neutral_high": None,
    "special_cause_neutral_low": None,
}


def variation_sentence(name: str, points: pd.DataFrame, measure: str, percent: bool = True) -> str:
    """A few lines on an XmR series of weeks: its average and limits, then each run of
    special-cause weeks in order (higher or lower than usual, and whether that is an improvement
    or a concern), then the rules they broke."""
    fmt = (lambda v: fmt_pct(v)) if percent else fmt_int
    last = points.iloc[-1]
    # Limits are shown within the values the measure can take: a count or share below 0, or a
    # share above 100%, cannot happen.
    upper = min(last["upl"], 1) if percent else last["upl"]
    sentence = (
        f"**{esc(name)}**: {measure} averaged {fmt(last['mean'])} a week (limits "
        f"{fmt(max(last['lpl'], 0))} to {fmt(upper)})."
    )
    special = points["special_cause"].astype(bool).to_numpy()
    if not special.any():
        return sentence + " Common-cause variation only: no sign of a change."
    runs = []
    for kind, run in _runs(points, special):
        side = "higher" if (run["value"] > run["mean"]).sum() * 2 >= len(run) else "lower"
        if kind == "special_cause_neutral_high":
            side = "higher"
        elif kind == "special_cause_neutral_low":
            side = "lower"
        meaning = POINT_WORDS.get(kind)
        weeks = (
            f"the week beginning {fmt_date(run['x'].iloc[0])}" if len(run) == 1
            else f"the {len(run)} weeks from {fmt_period(run['x'].iloc[0], run['x'].iloc[-1])}"
        )
        runs.append(f"{side} than usual{f' ({meaning})' if meaning else ''} in {weeks}")
    shown = runs[:3] + ([f"{plural(len(runs) - 3, 'other spell')}"] if len(runs) > 3 else [])
    sentence += " Special-cause variation: " + ", then ".join(shown) + "."
    rules = [
        RULE_WORDS[rule] for rule in RULE_WORDS
        if rule in set(points.loc[special, "special_cause_type"].dropna())
    ]
    if rules:
        sentence += f" ({'Rule' if len(rules) == 1 else 'Rules'}: {join_words(rules)}.)"
    return sentence


def _runs(points: pd.DataFrame, special):
    """Consecutive special-cause points of the same kind, as (point_type, rows) pairs."""
    kinds = points["point_type"].where(special)
    labels = (kinds != kinds.shift()).cumsum()
    for _, run in points[special].groupby(labels[special], sort=True):
        yield run["point_type"].iloc[0], run


def demand_notes(figures: dict, complete_weeks: int, data_notes: list[str]) -> list[str]:
    """Method notes and caveats for a demand study: what failure demand is, how shares and weeks
    are counted, the SPC rules, and what the data could not tell (``data_notes`` from
    :func:`workbook_helpers.demand.data_notes`, escaped here)."""
    notes = [
        "Failure demand is \"demand caused by a failure to do something or do something right for the "
        "customer\" (John Seddon). It is a symptom of how the work is designed. It should not become a "
        "target, or be used to judge individual staff.",
        f"The failure share is of classified demand (value plus failure). Weeks start on Monday; "
        f"week-by-week charts use the {plural(complete_weeks, 'complete week')} in the period.",
        "Process limits are the average plus or minus 2.66 times the average moving range; special causes "
        "follow NHS England's Making Data Count rules.",
    ]
    if complete_weeks < 15:
        notes.append(f"Only {plural(complete_weeks, 'complete week')} of data: process limits need about "
                     "15 to 20 points to be trusted, so treat the week-by-week charts with care.")
    if figures["failure_rows_without_minutes"]:
        notes.append(f"{fmt_int(figures['failure_rows_without_minutes'])} failure demands had no handling "
                     "time, so the hours lost are an underestimate.")
    return notes + [esc(note) for note in data_notes]


def what_matters_quotes(log: pd.DataFrame, demand_types: list[str], per_type: int = 3) -> str:
    """People's own words for each of ``demand_types``, up to ``per_type`` each, as Markdown with
    every quote escaped (for internal reports only). Empty when there are none."""
    if "what_matters" not in log.columns:
        return ""
    kinds = log["demand_type"].astype(str)
    parts = []
    for kind in demand_types:
        words = log.loc[(kinds == kind).to_numpy(), "what_matters"].dropna().head(per_type)
        if len(words):
            parts.append(f"**{esc(kind)}**\n\n" + "\n".join(f"> {esc(w)}\n" for w in words))
    return "\n\n".join(parts)


def period_phrase(figures: dict) -> str:
    return fmt_period(figures["period_start"], figures["period_end"])


# --------------------------------------------------------------------------------------------
# case review


def case_scope(cohort: str | None, team: str | None, cases: int) -> str:
    """Who a case review covers: "all 67 cases", "the 32 after cases", "the 12 cases of the
    Experiment team"."""
    def chosen(value):
        return None if value is None or str(value).strip().lower() in {"", "all"} else str(value).strip()

    cohort, team = chosen(cohort), chosen(team)
    noun = "case" if cases == 1 else "cases"
    if cohort and team:
        return f"the {cases:,} {cohort} {noun} of the {team} team"
    if cohort:
        return f"the {cases:,} {cohort} {noun}"
    if team:
        return f"the {cases:,} {noun} of the {team} team"
    return f"all {cases:,} {noun}" if cases != 1 else "the one case"


def case_headline(review, scope: str) -> str:
    """The opening paragraph of a case review: what a typical case went through, the time spent
    face to face, rework, and the cases expected back."""
    overall = review.overall
    measures = review.measures
    first, last = review.period

    def median(measure, word, words=None):
        number = fmt_number(overall[measure]["median"], 1).removesuffix(".0")
        return f"{number} {word if number == '1' else (words or word + 's')}"

    parts = [
        f"Between {fmt_date(first)} and {fmt_date(last)}, {esc(scope)} went through a median of "
        f"**{median('assessments', 'assessment')}**, {median('referrals', 'referral')}, "
        f"{median('people_involved', 'person', 'people')} and {median('handoffs', 'handoff')} each, "
        f"and took a median of **{median('total_hours', 'hour')}**."
    ]
    if overall["end_to_end_days"]["cases"]:
        finished = int(overall["end_to_end_days"]["cases"])
        parts.append(
            f"The {plural(finished, 'case')} that {'has' if finished == 1 else 'have'} closed took a "
            f"median of {median('end_to_end_days', 'day')} from start to finish."
            if review.open_cases else
            f"From start to finish a case took a median of {median('end_to_end_days', 'day')}."
        )
    share = overall["face_to_face_share"]["pooled"]
    if share is not None and share == share:
        parts.append(
            f"Of the {fmt_hours(overall['total_hours']['total'])} spent on them, {fmt_pct(share)} "
            "was face to face with the person."
        )
    worst = review.worst_rework()
    repeats = int(overall["repeat_assessments"]["total"])
    if worst:
        parts.append(
            f"There were {plural(repeats, 'repeat assessment')} in all; {worst[0]} alone had "
            f"{plural(worst[1], 'repeat assessment')}."
        )
    else:
        parts.append("No case was assessed twice.")
    returning = overall.get("predicted_return", {}).get("pooled")
    if returning is not None and returning == returning:
        judged = int(overall["predicted_return"]["cases"])
        parts.append(
            f"Of the {plural(judged, 'case')} with a judgement recorded at closure, practitioners "
            f"expected **{fmt_pct(returning)}** to come back."
        )
    if review.open_cases:
        parts.append(f"{plural(review.open_cases, 'case')} {'is' if review.open_cases == 1 else 'are'} still open.")
    return " ".join(parts)


def capability_sentence(points: pd.DataFrame) -> str:
    """What the end-to-end chart says the system will go on producing."""
    last = points.iloc[-1]
    sentence = (
        f"As the work is designed now, a case takes {fmt_int(last['mean'])} days on average, and "
        f"anything from {fmt_int(max(last['lpl'], 0))} to {fmt_int(last['upl'])} days is normal "
        "for this system."
    )
    special = points[points["special_cause"].astype(bool)]
    if len(special):
        sentence += (
            f" {plural(len(special), 'case')} fell outside that pattern (special-cause variation), "
            "worth looking at one by one."
        )
    return sentence


def case_notes(review, file_warnings: list[str]) -> list[str]:
    """Method notes and caveats for a case review."""
    cases = len(review.measures)
    notes = [
        "Each activity on a case is one row of the case records. Assessments, referrals and the "
        "other kinds come from the activity names through the activity map; repeat assessments are "
        "those after a case's first.",
        "People involved are the distinct practitioners who recorded activity; a handoff is a change "
        "of practitioner between one activity and the next, in date order (activities on the same "
        "day in the order the file lists them).",
        "Face-to-face share \"all hours together\" is total face-to-face hours over total hours; the "
        "per-case table shows each case's own share.",
        "End-to-end days run from the case's opening date (or its first activity) to its closing "
        "date (or its last activity, while still open).",
        "Cases are numbered in the order they began; names, case references and practitioners' "
        "names are left out of this report.",
    ]
    if not review.has_cases_file:
        notes.append("No cases file was given, so open cases, expected returns and opening dates are "
                     "not known; the end-to-end chart places cases by their last activity.")
    elif not review.closing_known:
        notes.append("The cases file has no closing dates, so which cases are still open is not known; "
                     "the end-to-end chart places cases by their last activity.")
    closed = int(review.overall["end_to_end_days"]["cases"]) if review.closing_known else cases
    if 2 <= closed < 15:
        notes.append(f"Only {plural(closed, 'case')} on the end-to-end chart: process limits need about "
                     "15 to 20 points to be trusted, so treat them with care.")
    if review.outside_dates:
        notes.append(f"{plural(review.outside_dates, 'case')} {'has' if review.outside_dates == 1 else 'have'} "
                     "activity before its opening date or after its closing date; its end-to-end time "
                     "uses the dates in the cases file.")
    if cases < 20:
        notes.append(
            f"These are {plural(cases, 'case')}: a small number, so medians and averages can move a lot "
            "with one unusual case."
        )
    notes += [esc(w) for w in file_warnings]
    return notes
