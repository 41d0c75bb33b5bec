"""Sentences for the reports, computed from the figures so every number in the prose is traceable.

Data values (team, service and demand type names) are escaped here, so a sentence is safe to
show as Markdown or HTML whatever the data holds.

Sentences follow the report's audience (:mod:`workbook_helpers.privacy.policy`): in a public report a
count of people, cases, demands or assessments from 1 to ``suppress_below - 1`` is said as the
bound it implies ("fewer than 5 cases"), and a share that rests on few or would give a small
count away as the bound its denominator gives ("under 17%"). Sentences state no totals to
subtract from, so a count a table hides only to protect another is given (the headline does not
cascade), except where a sentence sits on a table's own figures and is passed its mask. The
words around a hidden count do not give it away either ("fewer than 5 cases are", never "case
is").
"""

from __future__ import annotations

import pandas as pd

from workbook_helpers.spc import xmr as spc
from workbook_helpers.privacy.disclosure import SUPPRESSED, count_bound
from workbook_helpers.present.formatting import (
    esc, fmt_date, fmt_hours, fmt_int, fmt_number, fmt_pct, fmt_period, join_words, plural,
)
from workbook_helpers.present.notebook import count_text
from workbook_helpers.privacy import audience
from workbook_helpers.data.teams import chosen_team

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


# --------------------------------------------------------------------------------------------
# counts and shares as a public report may give them


def _hidden(count: object, hidden: bool = False) -> bool:
    """Whether a sentence keeps a count back: small in a public report, or given as ``"[c]"``.

    ``hidden`` (a table or card set beside the sentence hides the count to protect another one)
    does not carry into prose: a sentence states no totals to subtract from, so it gives each
    count that is not itself small (the headline does not cascade). It is kept as a parameter
    so callers can pass a table's mask without caring which."""
    return (isinstance(count, str) and count == SUPPRESSED) or audience.hides(count)


def hidden_count_words(count: object) -> str:
    """How a sentence gives a count it keeps back: the bound it implies, "fewer than 5", or
    "an unstated number of" when all that is known is that it was hidden (a ``"[c]"``)."""
    bound = count_bound(count, audience.suppress_below())
    return bound.words() if bound is not None else "an unstated number of"


def sentence_case(sentence: str) -> str:
    """A sentence with its first letter a capital, for one that opens with a bound ("fewer
    than 5 cases are still open" -> "Fewer than 5 cases are still open")."""
    return sentence[:1].upper() + sentence[1:]


def count_words(count: object, singular: str, plural_form: str | None = None, hidden: bool = False) -> str:
    """A count in words, ``"3 cases"``, or in a public report ``"fewer than 5 cases"`` when the
    count is small (or ``"an unstated number of cases"`` when given as ``"[c]"``)."""
    if _hidden(count, hidden):
        return f"{hidden_count_words(count)} {plural_form or singular + 's'}"
    return count_text(count, singular, plural_form)


_count = count_words


def _number(count: object, hidden: bool = False) -> str:
    """A count as a bare number (``"1,204"``), or its bound ("fewer than 5") when kept back."""
    return hidden_count_words(count) if _hidden(count, hidden) else fmt_int(count)


def _agree(count: object, one: str, many: str, hidden: bool = False) -> str:
    """The word that goes with a count as shown: ``many`` after a bound, so the grammar does
    not tell whether the hidden count is 1."""
    return one if not _hidden(count, hidden) and fmt_int(count) == "1" else many


def headline_count(label: str, count: object, note: str = ""):
    """A headline card for a count (``notebook.count_card``), also when the count is given as
    ``"[c]"`` (hidden already, by a table it adds up with)."""
    from workbook_helpers.present.notebook import Card, count_card

    if isinstance(count, str) and count == SUPPRESSED:
        return Card(label, "not shown", note, "figure")
    return count_card(label, count, note)


def open_note(open_cases: object, left_out: object = None) -> str:
    """The note under a case review's count of cases: how many are still open (its bound when
    small in a public report), all closed, or not known (``None``); with ``left_out`` (cases
    still open that the review leaves out), how many were left out."""
    if open_cases is None:
        return "open or closed not known"
    if left_out:
        return f"{_number(left_out)} still open, left out"
    return f"{_number(open_cases)} still open" if open_cases else "all closed"


def share_text(share: object, denominator: object = None, numerator: object = None) -> str:
    """A share in words (``"57%"``), or in a public report the bound its denominator gives
    (``"under 17%"``, ``"over 83%"``) where it would rest on few or give a small count away
    (``numerator``, or share x denominator); "not shown" where given as ``"[c]"``, or resting
    on fewer than ``suppress_below``. Without a denominator the share is taken to rest on
    enough."""
    if isinstance(share, str) and share == SUPPRESSED:
        return "not shown"
    bound = audience.share_shown(share, denominator, numerator)
    if bound is not None:
        return bound.words(percent=True)
    return fmt_pct(share)


def pct_or_hidden(share: object, hidden: object) -> str:
    """``fmt_pct(share)``, or "share not shown" when ``hidden`` (a cell of a table's or chart's
    mask), for inside brackets in a sentence."""
    return "share not shown" if bool(hidden) else fmt_pct(share)


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
        f"**{_count(figures['total_demand'], 'demand')}**."
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
            f"Of the {_number(classified)} classified so far, **{shown_share} were"
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
                kinds_hidden = failure_types["demand"].map(_hidden)
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
        sentence += (f" That includes {_count(over, 'failure demand')} recorded at {limit}: "
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
    if _hidden(busiest["demand"]):  # a bound only: its share would narrow it down
        return f"{busiest[by]} carries the most demand ({_number(busiest['demand'])})"
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
        notes.append(f"{_number(figures['failure_rows_without_minutes'])} failure demands had no handling "
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


# --------------------------------------------------------------------------------------------
# case review


def case_scope(cohort: str | None, team: str | None, cases: int, closed: bool = False) -> str:
    """Who a case review covers: "all 67 cases", "the 32 after cases", "the 12 cases of the
    Experiment team"; ``closed`` when the review leaves cases still open out: "the 64 closed
    cases", "the 32 closed after cases"."""
    def chosen(value):
        return None if value is None or str(value).strip().lower() in {"", "all"} else str(value).strip()

    cohort, team = chosen(cohort), chosen_team(team)
    if team and not team.casefold().endswith(" team"):  # not "the Experiment team team"
        team += " team"
    hidden = _hidden(cases)  # a public report does not say there are 1 to 4
    number = hidden_count_words(cases) if hidden else f"{cases:,}"
    noun = "case" if cases == 1 and not hidden else "cases"
    if closed:
        number = f"{number} closed"
        if not (cohort or team):
            return f"the {number} {noun}"
    if cohort and team:
        return f"the {number} {cohort} {noun} of the {team}"
    if cohort:
        return f"the {number} {cohort} {noun}"
    if team:
        return f"the {number} {noun} of the {team}"
    return f"all {number} {noun}" if noun == "cases" else "the one case"


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
    hide = review.hidden_overall()
    if overall["end_to_end_days"]["cases"]:
        finished = int(overall["end_to_end_days"]["cases"])
        closed_hidden = hide["closed_cases"]
        parts.append(
            f"The {_count(finished, 'case', hidden=closed_hidden)} that "
            f"{_agree(finished, 'has', 'have', closed_hidden)} closed took a "
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
        # A public report shows no case on its own, so it does not name the case.
        which = "the case with the most" if not audience.shows_each_case() else f"{worst[0]} alone"
        parts.append(
            f"There were {_count(repeats, 'repeat assessment', hidden=hide['repeat_assessments'])} in "
            f"all; {which} had {_count(worst[1], 'repeat assessment', hidden=hide['repeat_assessments'])}."
        )
    else:
        parts.append("No case was assessed twice.")
    returning = overall.get("predicted_return", {}).get("pooled")
    if returning is not None and returning == returning:
        judged = int(overall["predicted_return"]["cases"])
        expected = share_text(returning, judged, overall["predicted_return"].get("total"))
        parts.append(
            (f"Of the {_count(judged, 'case')} with a judgement recorded at closure, "
             if not _hidden(judged) else
             f"Of the cases with a judgement recorded at closure ({_count(judged, 'case')}), ")
            + f"practitioners expected **{expected}** to come back."
        )
    if review.open_cases:
        open_hidden = hide["open_cases"]
        parts.append(f"{_count(review.open_cases, 'case', hidden=open_hidden)} "
                     f"{_agree(review.open_cases, 'is', 'are', open_hidden)} still open, "
                     "included with "
                     f"{_agree(review.open_cases, 'its journey', 'their journeys', open_hidden)} so far.")
    left_out = review.open_left_out
    if left_out:
        hidden = _hidden(left_out)
        parts.append(
            f"{_count(left_out, 'case', hidden=hidden)} still open "
            f"{_agree(left_out, 'is', 'are', hidden)} left out of these figures, as "
            f"{_agree(left_out, 'its journey is', 'their journeys are', hidden)} not complete."
        )
    return " ".join(sentence_case(part) for part in parts)


def time_to_close_sentence(review) -> str:
    """What a case review's time-to-close chart says: each cohort's median days to close,
    counting the cases still open (Kaplan–Meier), and how many are still open ("" when no case
    is open)."""
    found = review.time_to_close()
    if found is None:
        return ""
    summary = found[1]
    still = review.open_by_cohort(protected=False)
    publishing = audience.hides_small_numbers()
    parts = []
    for _, row in summary.iterrows():
        who = "the cases" if row["group"] == "all cases" else f"the {esc(row['group'])} cases"
        median = row["median_days"]
        if median != median:
            said = f"more than half of {who} are still open, so there is no median yet"
        elif publishing and not row["median_shown"]:
            said = f"the median days to close of {who} is not shown: it rests on too few cases"
        else:
            said = f"half of {who} had closed by day {fmt_int(median)}"
        open_now = still.get(row["group"], row["still_open"])
        if open_now:
            said += f" ({_count(open_now, 'case')} still open)"
        parts.append(said)
    text = "; ".join(parts)
    sentence = (f"Counting the cases still open as open up to {fmt_date(review.as_at)}, the latest date in "
                f"the data (the Kaplan–Meier estimate), {text}.")
    if not found[0]["shown"].any():
        sentence += (f" The curves are not drawn: no cohort has {audience.suppress_below()} or more "
                     "cases, too few for a public report.")
    return sentence


def capability_sentence(points: pd.DataFrame) -> str:
    """What the end-to-end chart says the system will go on producing."""
    last = points.iloc[-1]
    if "no_variation" in points and bool(last["no_variation"]):
        sentence = (
            f"As the work is designed now, a case takes {fmt_int(last['mean'])} days on average; "
            "the cases' times hardly vary from one case to the next, so there is no variation to "
            "judge limits from."
        )
    else:
        sentence = (
            f"As the work is designed now, a case takes {fmt_int(last['mean'])} days on average, and "
            f"anything from {fmt_int(max(last['lpl'], 0))} to {fmt_int(last['upl'])} days is normal "
            "for this system."
        )
    special = points[points["special_cause"].astype(bool)]
    if len(special):
        sentence += (
            f" {sentence_case(_count(len(special), 'case'))} fell outside that pattern (special-cause variation), "
            "worth looking at one by one" + (" in the team's report." if not audience.shows_each_case() else ".")
        )
    return sentence


def case_notes(review, file_warnings: list[str]) -> list[str]:
    """Method notes and caveats for a case review. A public report shows no case on its own
    (no per-case table, timeline or end-to-end chart), and its notes say so instead of pointing
    to them."""
    cases = len(review.measures)
    across_cases = not audience.shows_each_case()
    hides_small = audience.hides_small_numbers()
    notes = [
        "Each activity on a case is one row of the case records. Assessments, referrals and the "
        "other kinds come from the activity names through the activity map; repeat assessments are "
        "those after a case's first.",
        "People involved are the distinct practitioners who recorded activity; a handoff is a change "
        "of practitioner between one activity and the next, in date order (activities on the same "
        "day in the order the file lists them).",
        "Face-to-face share \"all hours together\" is total face-to-face hours over total hours"
        + ("." if across_cases else "; the per-case table shows each case's own share."),
        "End-to-end days run from the case's opening date (or its first activity) to its closing "
        "date (or its last activity); a case still open has no end-to-end time yet.",
        "Names, case references and practitioners' names are left out of this report, and so is "
        "each case's own record: this report gives figures across cases only."
        if across_cases else
        "Cases are numbered in the order they began; names, case references and practitioners' "
        "names are left out of this report.",
    ]
    placed = ("end-to-end times of cases still open run to their last activity" if across_cases
              else "the end-to-end chart places cases by their last activity")
    if review.open_known == "closure events":
        notes.append(("No cases file was given" if not review.has_cases_file else
                      "The cases file has no closing dates")
                     + ", so a case with no closure among its activities is taken to be still open"
                     + (", and expected returns and opening dates are not known." if not review.has_cases_file
                        else "."))
    elif not review.has_cases_file:
        notes.append("No cases file was given, so open cases, expected returns and opening dates are "
                     f"not known; {placed}.")
    elif not review.closing_known:
        notes.append("The cases file has no closing dates, so which cases are still open is not known; "
                     f"{placed}.")
    if review.open_left_out:
        notes.append("Cases still open are left out of every figure, table and chart of this review "
                     "(except the time to close, which counts them), as their journeys are not complete; "
                     "a run with include_open_cases set reviews them with their journeys so far.")
    elif review.include_open and review.open_cases:
        notes.append("Cases still open are included with their journeys so far, as asked: their counts "
                     "and hours so far understate what they will take, and their days so far are not "
                     "taken for end-to-end times.")
    if review.time_to_close() is not None:
        notes.append("Time to close is the Kaplan–Meier estimate of the share of cases still open by days "
                     "since opening: on each day some close, the share falls by the fraction of the cases "
                     "open until then that closed, and a case still open counts as open up to the latest "
                     "date in the data. The median is the first day by which half had closed."
                     + (f" In a public report the curves stop where fewer than "
                        f"{audience.suppress_below()} cases of a cohort were still open." if hides_small else ""))
    closed = int(review.overall["end_to_end_days"]["cases"]) if review.closing_known else cases
    if 2 <= closed < 15:
        where = "behind the end-to-end process limits" if across_cases else "on the end-to-end chart"
        closed_hidden = review.hidden_overall()["closed_cases"] if review.closing_known else False
        notes.append(f"Only {_count(closed, 'case', hidden=closed_hidden)} {where}: process limits need about "
                     "15 to 20 points to be trusted, so treat them with care.")
    if review.outside_dates:
        notes.append(f"{sentence_case(_count(review.outside_dates, 'case'))} {_agree(review.outside_dates, 'has', 'have')} "
                     "activity before its opening date or after its closing date; its end-to-end time "
                     "uses the dates in the cases file.")
    if cases < 20:
        notes.append(
            f"These are {_count(cases, 'case')}: a small number, so medians and averages can move a lot "
            "with one unusual case."
        )
    notes += [esc(w) for w in file_warnings]
    return [sentence_case(note) for note in notes]
