"""The demand study's sentences: its scope, headline, capacity lost, comparisons and the
weekly charts' variation."""

from __future__ import annotations

import pandas as pd

from workbook_helpers.present.story.counting import (
    count_words, kept_back, number_words, pct_or_hidden, sentence_case, share_text,
)
from workbook_helpers.data.teams import chosen_team
from workbook_helpers.formatting import (
    esc, fmt_date, fmt_hours, fmt_int, fmt_pct, fmt_period, join_words, plural,
)

RULE_WORDS = {
    "outside_limits": "a week outside the process limits",
    "shift": "7 or more weeks in a row on one side of the average",
    "trend": "7 or more weeks rising or falling in a row",
    "two_of_three": "2 of 3 weeks close to a process limit",
}


def scope_phrase(team: str | None, service: str | None) -> str:
    """What a report covers, in words: "all teams", "the Revenues team", "Council tax". ``team``
    as the workbook's parameter gives it (``"team:All"`` is the team called All)."""
    team_name = chosen_team(team)
    service_all = service is None or str(service).strip().lower() in {"", "all"}
    if team_name is None and service_all:
        return "all teams and services"
    if team_name is None:
        return str(service).strip()
    # A team already called "... Team" is not called "... Team team".
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


def headline(
    figures: dict, failure_types: pd.DataFrame, scope: str, kinds_hidden: pd.Series | None = None,
    max_handling_minutes: float | None = None,
) -> str:
    """The opening paragraph: demand, failure share, largest failure types, one-stop, hours lost.

    ``figures`` as :func:`workbook_helpers.measures.demand.headline_figures` gives them, or with hidden
    ones as ``"[c]"`` (``workbooks.demand_study.protect_breakdowns(...).figures``); ``kinds_hidden``: which failure
    types' shares the report hides (``protect_breakdowns(...).failure_kinds.shares_hidden``).
    Small counts and shares resting on few are ``[c]`` in a public report either way.
    ``max_handling_minutes``: the ceiling the capacity sentence names (:func:`capacity_sentence`)."""
    length = period_length(figures)
    parts = [
        f"Between {fmt_date(figures['period_start'])} and {fmt_date(figures['period_end'])} "
        f"({length}), {esc(scope)} received "
        f"**{count_words(figures['total_demand'], 'demand')}**."
    ]
    share = figures["failure_demand_share"]
    if share is not None:
        # The share is of classified demand; say so when that is not all of it.
        unclassified = figures.get("unclassified_demand") or 0
        classified = figures.get("classified_demand")
        if classified is None:
            classified = figures["value_demand"] + figures["failure_demand"]
        shown_share = share_text(share, classified, figures.get("failure_demand"))
        of_them = (
            f"Of the {number_words(classified)} classified so far, **{shown_share} were"
            if unclassified else f"**{shown_share} of them were"
        )
        if shown_share == "not shown":  # too few demands for even a bound
            parts.append("The share of it that was failure demand is not shown: it rests on too few demands.")
        else:
            parts.append(
                f"{of_them} failure demand**: demand caused by a failure to do "
                "something, or to do something right, for the person."
            )
        recorded = failure_types[failure_types["failure_type"] != "not recorded"].head(3)
        if len(recorded):
            if kinds_hidden is None:
                kinds_hidden = failure_types["demand"].map(kept_back)
            kinds = [
                f"{esc(row.failure_type)} ({pct_or_hidden(row.share, kinds_hidden.get(index, False))})"
                for index, row in zip(recorded.index, recorded.itertuples())
            ]
            word = "kind" if len(kinds) == 1 else f"{len(kinds)} largest kinds"
            parts.append(f"The {word} of failure demand: {join_words(kinds)}.")
    else:
        parts.append("The demand has not been classified as value or failure demand yet.")
    if figures.get("one_stop_share") is not None:
        one_stop = share_text(figures["one_stop_share"], figures.get("one_stop_recorded"))
        parts.append(f"{one_stop} of value demand was resolved at the first contact.")
    capacity = capacity_sentence(figures, max_handling_minutes)
    if capacity:
        parts.append(capacity)
    return " ".join(parts)


def days_of_data(figures: dict) -> str:
    """The days a short period covers, in words: "5 working days", "2 days" (a weekend), or
    "7 days (5 working days)"."""
    days = figures.get("days")
    if days is None:
        days = (pd.Timestamp(figures["period_end"]) - pd.Timestamp(figures["period_start"])).days + 1
    working = figures.get("working_days")
    if working is None or working == days:
        return plural(days, "working day" if working == days else "day")
    if working == 0:
        return plural(days, "day")
    return f"{plural(days, 'day')} ({plural(working, 'working day')})"


def capacity_sentence(figures: dict, max_handling_minutes: float | None = None) -> str:
    """What handling failure demand took, for the headline: hours a week from the complete weeks
    (Monday to Sunday) and the full-time staff that equals, or, for a period with no complete
    week, the hours handled in the days of data, saying there is no weekly figure (a day or a
    part week is never scaled up to a week). Adds a caution when failure demands were recorded
    as taking longer than the ceiling (``failure_rows_over_ceiling``, above
    ``max_handling_minutes``). Empty without handling minutes."""
    if figures.get("failure_hours") is None and figures.get("failure_hours_per_week") is None:
        return ""
    per_week = figures.get("failure_hours_per_week")
    if per_week is not None:
        fte = figures["full_time_equivalent_lost"]
        staff = f"about {fmt_int(fte)} full-time staff" if fte >= 1.5 else (
            "about one full-time member of staff" if fte >= 0.5 else "less than half a full-time post"
        )
        sentence = (f"Handling failure demand took about **{fmt_hours(per_week)} a week**, the time "
                    f"of {staff}.")
    else:
        sentence = (
            f"Handling failure demand took **{fmt_hours(figures['failure_hours'])}** in the "
            f"{days_of_data(figures)} of data. The period holds no complete week (Monday to "
            "Sunday), so there is no weekly figure."
        )
    over = figures.get("failure_rows_over_ceiling")
    if over:
        limit = (f"over {fmt_hours(max_handling_minutes / 60)} of handling" if max_handling_minutes
                 else "an unusually long handling time")
        sentence += (f" That includes {count_words(over, 'failure demand')} recorded at {limit}: "
                     "check them before relying on the figure.")
    return sentence


def capacity_card(figures: dict) -> tuple[str, str, str]:
    """The headline card for the time lost to failure demand: hours a week, or the hours in the
    days of data when the period holds no complete week."""
    if figures.get("failure_hours_per_week") is None and figures.get("failure_hours") is not None:
        return ("Lost to failure demand", fmt_hours(figures["failure_hours"]),
                f"in {days_of_data(figures)}, handling it")
    return ("Lost to failure demand", fmt_hours(figures.get("failure_hours_per_week")),
            "a week, handling it")


def too_few_weeks(complete_weeks: int, purpose: str) -> str | None:
    """Why a week-by-week section shows nothing, or None when the period has the complete weeks
    (Monday to Sunday) a chart needs: fewer than two give no moving range to set process limits
    from, so nothing can be said about how stable the weeks are. ``purpose``: what the weeks
    were for ("chart failure demand week by week")."""
    from workbook_helpers.measures.demand import MIN_WEEKS_TO_CHART

    if complete_weeks >= MIN_WEEKS_TO_CHART:
        return None
    held = "no complete week" if complete_weeks == 0 else "only 1 complete week"
    return f"The period holds {held} (Monday to Sunday): too few to {purpose}."


def weekly_intro(complete_weeks: int, what: str) -> str:
    """The paragraph opening a week-by-week chart (``what``: what the chart shows), with a
    caution when there are fewer complete weeks than process limits need to be trusted."""
    from workbook_helpers.measures.demand import WEEKS_TO_TRUST_LIMITS

    if complete_weeks < WEEKS_TO_TRUST_LIMITS:
        what += (f" With only {plural(complete_weeks, 'complete week')}, the process limits are a "
                 f"first estimate: they need about {WEEKS_TO_TRUST_LIMITS} to 20 weeks to be trusted.")
    return what


def failure_share_comparison(table: pd.DataFrame, by: str, hidden: pd.DataFrame | None = None) -> str:
    """Which group has the highest failure share, for a chart's description: from a
    :func:`workbook_helpers.measures.demand.value_failure_by` table (no row of totals) and, in a
    public report, the mask of the table shown beside it (only shares it shows are named).
    Group names are not escaped here (chart descriptions are text, not Markdown)."""
    known = table["failure_share"].notna().to_numpy()
    if not known.any():
        return "none of it is classified as value or failure demand yet"
    shown = known.copy()
    if hidden is not None:
        shown &= ~hidden["failure_share"].to_numpy(dtype=bool)
    several = len(table) > 1
    if not shown.any():
        return (("the failure share of each" if several else "its failure share")
                + " is not shown: it rests on few demands, or would give a hidden count away")
    candidates = table[shown].sort_values("failure_share", ascending=False, kind="stable")
    top = candidates.iloc[0]
    if not several:
        return f"its failure share is {fmt_pct(top['failure_share'])}"
    of_those = " of those shown" if shown.sum() < known.sum() else ""
    return f"{top[by]} has the highest failure share{of_those}, at {fmt_pct(top['failure_share'])}"


def busiest_phrase(table: pd.DataFrame, by: str, total: object, hidden: pd.DataFrame | None = None) -> str:
    """"phone carries the most demand (1,204, 28% of all)": the largest group of a
    :func:`workbook_helpers.measures.demand.value_failure_by` table, its count and its share of
    ``total``; in a public report a small count as its bound, without its share (``hidden``, the
    mask for the table's rows, is accepted but prose gives what is not itself small)."""
    busiest = table.iloc[0]
    if kept_back(busiest["demand"]):  # a bound only: its share would narrow it down
        return f"{busiest[by]} carries the most demand ({number_words(busiest['demand'])})"
    share = share_text(busiest["demand"] / total, total, busiest["demand"])
    return f"{busiest[by]} carries the most demand ({fmt_int(busiest['demand'])}, {share} of all)"


POINT_WORDS = {
    "special_cause_improvement": "an improvement",
    "special_cause_concern": "a concern",
    "special_cause_neutral_high": None,
    "special_cause_neutral_low": None,
}


def variation_sentence(
    name: str, points: pd.DataFrame, measure: str, percent: bool = True, note: str | None = None,
) -> str:
    """A few lines on an XmR series of weeks: its average and limits (or that there is no
    variation to judge limits from), the weeks with nothing to measure, then each run of
    special-cause weeks in order (higher or lower than usual, and whether that is an improvement
    or a concern), then the rules they broke. A rebased series gives the average and limits
    since its latest rebase. ``note`` (plain text, escaped here) is added at the end: the
    sentence of :func:`workbook_helpers.spc.process_changes.shift_note`, say."""
    sentence = _variation_words(name, points, measure, percent)
    return f"{sentence} {esc(note)}" if note else sentence


def _variation_words(name: str, points: pd.DataFrame, measure: str, percent: bool) -> str:
    fmt = (lambda v: fmt_pct(v)) if percent else fmt_int
    last = points.iloc[-1]
    no_variation = bool(last["no_variation"]) if "no_variation" in points else False
    since = ""
    if "rebase_group" in points and points["rebase_group"].max() > 0:
        first = points.loc[points["rebase_group"] == last["rebase_group"], "x"].iloc[0]
        since = f" from the week beginning {fmt_date(first)}, where the limits were rebased"
    sentence = f"**{esc(name)}**: {measure} averaged {fmt(last['mean'])} a week{since}"
    if no_variation:
        sentence += ", and there is no variation to judge limits from: it hardly changes from week to week."
    else:
        # Limits are shown within the values the measure can take: a count or share below 0,
        # or a share above 100%, cannot happen.
        upper = min(last["upl"], 1) if percent else last["upl"]
        sentence += f" (limits {fmt(max(last['lpl'], 0))} to {fmt(upper)})."
    gaps = int(points["value"].isna().sum())
    if gaps:
        sentence += (f" {plural(gaps, 'week')} had nothing to measure and "
                     f"{'is' if gaps == 1 else 'are'} left as {'a gap' if gaps == 1 else 'gaps'}.")
    special = points["special_cause"].astype(bool).to_numpy()
    if not special.any():
        if no_variation:
            return sentence + " No week can be called unusual."
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
    are counted, the SPC rules (only when there are weeks to chart), and what the data could not
    tell (``data_notes`` from :func:`workbook_helpers.measures.demand.data_notes`, escaped here)."""
    from workbook_helpers.measures.demand import MIN_WEEKS_TO_CHART, WEEKS_TO_TRUST_LIMITS

    notes = [
        "Failure demand is \"demand caused by a failure to do something or do something right for the "
        "customer\" (John Seddon). It is a symptom of how the work is designed. It should not become a "
        "target, or be used to judge individual staff.",
    ]
    if complete_weeks >= MIN_WEEKS_TO_CHART:
        notes += [
            "The failure share is of classified demand (value plus failure). Weeks start on Monday; "
            f"week-by-week charts and the hours a week use the {plural(complete_weeks, 'complete week')} "
            "in the period.",
            "Process limits are the average plus or minus 2.66 times the average moving range; special "
            "causes follow NHS England's Making Data Count rules.",
        ]
        if complete_weeks < WEEKS_TO_TRUST_LIMITS:
            notes.append(f"Only {plural(complete_weeks, 'complete week')} of data: process limits need "
                         f"about {WEEKS_TO_TRUST_LIMITS} to 20 points to be trusted, so treat the "
                         "week-by-week charts with care.")
    else:
        held = "no complete week" if complete_weeks == 0 else "only 1 complete week"
        notes.append(
            "The failure share is of classified demand (value plus failure). Weeks start on Monday; "
            f"the period holds {held} (Monday to Sunday), too few for week-by-week charts"
            + (", so the hours lost are those handled in the days of data, not a weekly figure."
               if complete_weeks == 0 else ".")
        )
    if figures.get("failure_rows_without_minutes"):
        notes.append(f"{number_words(figures['failure_rows_without_minutes'])} failure demands had no handling "
                     "time, so the hours lost are an underestimate.")
    part = figures.get("failure_hours_in_part_weeks")
    if part:
        notes.append(f"The hours a week are from the complete weeks only: {fmt_hours(part)} of failure "
                     "demand handled in the part weeks at the ends of the period are not in that figure.")
    return [sentence_case(note) for note in notes] + [esc(note) for note in data_notes]


def what_matters_quotes(log: pd.DataFrame, demand_types: list[str], per_type: int = 3) -> str:
    """People's own words for each of ``demand_types``, up to ``per_type`` each, as Markdown with
    every quote escaped (for team reports only). Empty when there are none."""
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
