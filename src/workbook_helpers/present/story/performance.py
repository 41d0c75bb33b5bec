"""The team-performance workbook's sentences: its headline, spending against budget and method
notes, from the figures and tables :class:`workbook_helpers.workbooks.team_performance.TeamPerformance`
gathers.

``team`` is the one team a report is of, or None for the whole service. Team names and labels
are not escaped here: the notebook escapes what it says.
"""

from __future__ import annotations

import pandas as pd

from workbook_helpers.data.performance_measures import measure
from workbook_helpers.formatting import fmt_date, fmt_int, fmt_money, fmt_pct, join_words, plural
from workbook_helpers.present.story import counting
from workbook_helpers.spc import xmr as spc


def fmt_month(month: str | pd.Timestamp) -> str:
    """``2025-10`` (or a date in it) as ``October 2025``."""
    return pd.Timestamp(month).strftime("%B %Y")


def year_to_date(month: str | pd.Timestamp, lead: str = "", first: str | pd.Timestamp | None = None) -> str:
    """The financial year to ``month`` in words: "April to October 2025", "April 2025 to
    January 2026", or "in April 2025". ``first`` is the first month the figures cover when the
    data starts after April ("June to October 2025"); ``lead`` goes before a range."""
    month = pd.Timestamp(month)
    start_year = month.year if month.month >= 4 else month.year - 1
    first = pd.Timestamp(start_year, 4, 1) if first is None else pd.Timestamp(first)
    if (first.year, first.month) == (month.year, month.month):
        return f"in {fmt_month(month)}"
    start = f"{first:%B}" if first.year == month.year else fmt_month(first)
    return f"{lead}{start} to {fmt_month(month)}"


def period_word(period: str) -> str:
    """The name of one of the charts' periods: "month" or "week"."""
    return "month" if period == "month" else "week"


def headline_sentence(figures: dict, judged: pd.DataFrame, team: str | None = None) -> str:
    """The first sentence a director reads: open and overdue work, then what the charts say.

    ``figures`` as ``TeamPerformance.figures()`` gives them; ``judged``: the summary matrix of the
    teams shown (``TeamPerformance.matrix_table()``: team, measure, variation, assurance)."""
    f = figures
    word = period_word(f["period"])
    as_at = fmt_date(f["as_at"])
    who = f"Across {plural(f['teams'], 'team')}" if team is None else f"In {team}"
    parts = []
    if f.get("open_items") is not None:
        # In a public report a small count is said as its bound, as on the cards ("fewer than 5").
        open_items, overdue = f["open_items"], f["overdue_items"]
        parts.append(
            f"{who}, {counting.count_words(open_items, 'work item')} "
            f"{counting.agreeing_word(open_items, 'was', 'were')} open on {as_at}, "
            + (f"{counting.number_words(overdue)} of them overdue." if overdue else "none of them overdue.")
        )
    improving = judged.loc[judged["variation"].str.startswith("improvement")]
    concerning = judged.loc[judged["variation"].str.startswith("concern")]
    failing = judged.loc[judged["assurance"] == "consistent_fail"]
    flat = int((judged["variation"] == "no_variation").sum())
    charts = len(judged)
    if not charts:
        parts.append(
            f"No measure can be charted yet: a chart needs at least {spc.MIN_POINTS} complete "
            f"{word}s up to {as_at}."
        )
        return " ".join(parts)
    if team is None:
        measures = judged["measure"].nunique()
        opening = (f"Of {fmt_int(charts)} charts ({plural(measures, 'measure')} for "
                   f"{plural(f['teams'], 'team')})")
    else:
        opening = f"Of its {plural(charts, 'measure')}"
    parts.append(
        f"{opening}, {_count_words(len(improving))} "
        f"{'shows' if len(improving) == 1 else 'show'} special-cause improvement and "
        f"{_count_words(len(concerning))} special-cause concern in the latest "
        f"{word}, judged against each chart's own record."
    )
    if flat:
        parts.append(
            f"In {_count_words(flat)} of {'them' if charts > 1 else 'it'} the value hardly "
            f"changes from {word} to {word}, so there is no variation "
            "to judge limits from."
        )
    if len(failing):
        named = [_chart_name(row, team) for row in failing.itertuples()]
        parts.append(
            f"As things stand, {plural(len(failing), 'target')} will not be met: "
            f"{join_words(named[:4])}{' and others' if len(named) > 4 else ''}."
        )
    return " ".join(parts)


def _chart_name(row, team: str | None) -> str:
    label = measure(row.measure).label.lower()
    return label if team is not None else f"{row.team} ({label})"


def spending_sentence(figures: dict, team: str | None = None) -> str:
    """Spending against budget in the financial year so far, in one sentence (``figures`` as
    ``TeamPerformance.figures()`` gives them, with spending)."""
    f = figures
    variance, budget = f["spend_variance_ytd"], f["spend_budget_ytd"]
    who = "The service" if team is None else team
    to = year_to_date(f["spend_month"], "from ", first=f["spend_first_month"])
    if variance == 0:
        return f"{who} spent exactly its budget of {fmt_money(budget)} {to}."
    word = "over" if variance > 0 else "under"
    share = None if not budget else abs(variance) / budget
    return (
        f"{who} spent {fmt_money(f['spend_actual_ytd'])} against a budget of {fmt_money(budget)} "
        f"{to}: {fmt_money(abs(variance))} {word} budget"
        + (f" ({fmt_pct(share, 1)})." if share is not None else ".")
    )


def method_notes(performance) -> list[str]:
    """What a reader should know about how the figures of ``performance`` (a
    :class:`~workbook_helpers.workbooks.team_performance.TeamPerformance`) were made, in plain
    words: the method, rebasing and annotations, missing files, teams whose spending stops
    early, what the loader noticed in the spending file, and the notes the view gathered when
    it was built (dates after today, targets for teams not in the data...)."""
    word = period_word(performance.period)
    notes = [
        f"Figures are as at {fmt_date(performance.as_at)}. Charts show complete "
        + ("calendar months." if performance.period == "month" else "weeks, Monday to Sunday."),
        "Open work is counted at the end of each period's last day: an item closed that day is "
        "no longer open. Overdue means the due date or next review had passed; due in the next "
        "4 weeks means it falls on that day or within the 28 days after it.",
        "Completed on time is the share of the items closed in the "
        f"{word} that had a due date and were closed on or before it. Days to complete run "
        "from opening to closing.",
        "Spending is by month whatever the period chosen, all categories together; the financial "
        "year starts in April. Over budget is shown as a positive figure.",
        "Process limits sit at the mean plus or minus 2.66 times the average moving range, with "
        "unusually large moving ranges screened out. Special cause means a point outside the "
        "limits, 7 points in a row on one side of the mean, 7 points rising or falling, or 2 of "
        "3 points close to a limit. The icons judge the latest point.",
        "A chart whose value hardly changes (a count that is nearly always 0, say) has no "
        "variation to judge limits from: it has no limits, no point in it counts as special "
        "cause unless it is one of 7 rising or falling in a row, and no target is judged "
        "against it. A share or median with nothing to work it out from in a "
        f"{word} (no item closed, no action due) leaves a gap in its chart, and no moving "
        "range is taken across a gap.",
        "A target outside the limits on the bad side will not be met unless the process "
        "changes; on the good side it will be met every time; inside the limits it will be met "
        "and missed at random.",
    ]
    notes += performance.changes.describe(performance.shown_teams)
    notes += _annotations_not_drawn(performance)
    missing = [name for name, frame in (("spending", performance.spending), ("actions", performance.actions))
               if frame is None]
    if missing:
        notes.append(f"No {' or '.join(missing)} file was given, so "
                     f"{'those measures are' if len(missing) > 1 else 'its measures are'} absent.")
    behind = performance.spending_behind()
    if behind:
        notes.append(
            f"The spending file stops before {fmt_month(behind[0][1])} for "
            f"{join_words([team for team, _ in behind])}, so "
            f"{'its' if len(behind) == 1 else 'their'} spending is left out of the service's "
            "totals for the latest month and the year to date."
        )
    # What the loader noticed in the spending file (months of spending still to come). The
    # work items' and actions' dates after today are in the view's notes, with what they mean
    # for the as-at date.
    if performance.spending is not None:
        notes += [f"In the spending file, {w[:1].lower()}{w[1:]}"
                  for w in performance.spending.attrs.get("warnings", [])]
    return notes + list(performance.notes)


def _annotations_not_drawn(performance) -> list[str]:
    """Notes on annotations for the shown teams dated outside every chart's periods."""
    if performance.measures.empty:
        return []
    first = pd.Timestamp(performance.measures["period_start"].min())
    last = pd.Timestamp(performance.measures["period_end"].max())
    outside = sorted({a for team in performance.shown_teams for a in performance.annotations_for(team)
                      if not first <= a.date <= last}, key=lambda a: a.date)
    return [
        f"The annotation for {fmt_date(a.date)} (\u201c{a.text}\u201d) falls outside the "
        f"charts, which run from {fmt_date(first)} to {fmt_date(last)}, so it is not drawn."
        for a in outside
    ]


def _count_words(count: int) -> str:
    """Small counts in words, as house style writes them in sentences ("two", "none")."""
    words = ["none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    return words[count] if count < len(words) else fmt_int(count)
