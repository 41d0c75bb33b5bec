"""The before/after comparison's sentences: the headline (how many measures changed, and what
chance alone could do), a measure's sentence where a report hides its figures, what was done with
cases still open, the time to close, the change at a glance, and the notes and cautions.

Each function takes the figures it words: rows of
:func:`workbook_helpers.measures.comparison.compare_cohorts`, and what the view
(:class:`workbook_helpers.workbooks.comparison.ComparisonView`) worked out from them, such as which
figures the report hides.
"""

from __future__ import annotations

import re

import pandas as pd

from workbook_helpers.formatting import esc, fmt_date, fmt_int, fmt_number, fmt_pct, is_finite, join_words, plural
from workbook_helpers.measures.comparison import MIN_CASES_FOR_INTERVAL
from workbook_helpers.measures.comparison_measures import TIME_TO_CLOSE
from workbook_helpers.measures.comparison_sentences import confidence_words
from workbook_helpers.present.notebook import count_text
from workbook_helpers.present.story.counting import count_words
from workbook_helpers.privacy import audience
from workbook_helpers.privacy.bounds import share_bound
from workbook_helpers.privacy.disclosure import SUPPRESSED

#: Each direction of :func:`workbook_helpers.measures.comparison.comparison_direction` as the
#: table and the change at a glance name it.
VERDICT_WORDS = {
    "better": "better",
    "worse": "worse",
    "no clear change": "no clear change",
    "too few cases": "too few cases to judge",
    "neutral": "not judged: no direction set",
}

# What each kind of measure compares, for the notes.
_MEANING = {
    "count": "the mean number per case, compared as a percentage change",
    "hours": "the mean hours per case, compared as a percentage change",
    "days": "the mean days from start to finish per case, compared as a percentage change",
    "hours_share": "the cohort's hours of this kind over all its hours (pooled), compared in percentage points",
    "share": "the mean of the cases' own shares, compared in percentage points",
    "yes_no": "the share of cases with a recorded yes or no that say yes, compared in percentage points",
    "time_to_close": "the first day by which half the cohort's cases had closed, counting cases still "
                     "open as open for at least as long as they have been (Kaplan–Meier), compared as "
                     "a percentage change",
}
# Where the data say which cases are still open, in the report's words.
_OPEN_SOURCES = {
    "cases file": "a case with no closing date in the cases file is still open",
    "closure events": "there is no cases file with closing dates, so a case with no closure among its "
                      "activities is taken to be still open",
}

# A count of cases or pairs in a caution from compare_cohorts ("3 cases with no partner", "the
# after cohort has 4 with a known value", "2 pairs with this measure blank", "3 matched pairs");
# not the thresholds ("Fewer than 10 cases").
_CAUTION_COUNT = re.compile(
    r"(?<!Fewer than )(?<![\w,.])(\d[\d,]*) (cases?|pairs?|matched pairs|with a known value)\b"
)


# ---- headline -------------------------------------------------------------------------------


def comparison_headline(
    judged: list[tuple[str, dict]], hidden: int, *, before_label: str, after_label: str, n_before: int,
    n_after: int, closed_only: bool, opened: str, confidence: float, paired: bool,
) -> str:
    """The opening paragraph: the cases compared, what was done with those still open
    (``opened``, :func:`open_sentence`), how many measures changed (:func:`verdict_sentences`)
    and how many measures the report gives without their interval.

    ``judged``: (direction, comparison row) of each measure whose change the report shows;
    ``hidden``: how many measures' changes it hides; ``closed_only``: whether only closed cases
    are compared."""
    case = "closed case" if closed_only else "case"
    parts = [
        f"Cases worked the **{esc(after_label)}** ({count_text(n_after, case)}) against "
        f"cases worked the **{esc(before_label)}** ({count_text(n_before, case)})."
    ]
    if opened:
        parts.append(opened)
    parts += verdict_sentences(judged, confidence, paired)
    if hidden:
        parts.append(f"{plural(hidden, 'measure')} {'is' if hidden == 1 else 'are'} given without "
                     f"{'its interval' if hidden == 1 else 'their intervals'} (at most as a bound): "
                     f"{'it rests' if hidden == 1 else 'each rests'} on a count too small for a public "
                     "report; the sentences below say which way.")
    return " ".join(parts)


def verdict_sentences(judged: list[tuple[str, dict]], confidence: float, paired: bool = False) -> list[str]:
    """How many measures changed for the better or the worse, out of how many intervals, and
    how many such results chance alone could give (see docs/method.md: the count is of
    intervals as they are, with this caution, rather than adjusted for multiple comparisons).
    ``judged``: (direction, comparison row) of each measure the report shows."""
    directions = [d for d, _ in judged]
    better, worse = directions.count("better"), directions.count("worse")
    unclear, too_few = directions.count("no clear change"), directions.count("too few cases")
    no_interval = sum(1 for d, r in judged if d == "no clear change"
                      and not (is_finite(r["ci_low"]) and is_finite(r["ci_high"])))
    with_interval = better + worse + unclear - no_interval
    level = confidence_words(confidence)
    sentences = []
    if with_interval:
        opening = (f"Of the {plural(with_interval, 'measure')} with a {level} confidence interval and a "
                   "direction that counts as better, ")
        if better or worse:
            changed = []
            if better:
                changed.append(f"**{fmt_int(better)} changed for the better**")
            changed.append(f"**{fmt_int(worse)} for the worse**" if worse and better else
                           f"**{fmt_int(worse)} changed for the worse**" if worse else "none for the worse")
            sentences.append(opening + " and ".join(changed) + ": their intervals rule out no change.")
        else:
            sentences.append(opening + "none changed clearly for the better or the worse.")
        still = with_interval - better - worse
        if still:
            sentences.append(f"For {fmt_int(still)} of them the interval includes no change, so the "
                             "data cannot rule out that nothing changed.")
        if better or worse:
            sentences.append(chance_sentence(with_interval, confidence))
    if no_interval:
        sentences.append(f"For {plural(no_interval, 'measure')} no interval could be worked out.")
    if too_few:
        fewer = (f"fewer than {MIN_CASES_FOR_INTERVAL} matched pairs" if paired else
                 f"fewer than {MIN_CASES_FOR_INTERVAL} in a cohort")
        sentences.append(f"For {plural(too_few, 'measure')} there are too few cases to judge a change ({fewer}).")
    return sentences


def chance_sentence(intervals: int, confidence: float) -> str:
    """Each interval rules out no change by chance alone with probability 1 - confidence,
    when nothing changed: how many of ``intervals`` might, in words."""
    one_in = round(1 / (1 - confidence))
    expected = intervals * (1 - confidence)
    how_many = "one may" if expected < 1.5 else f"about {fmt_int(expected)} may"
    return (f"Each interval has about a 1 in {fmt_int(one_in)} chance of ruling out no change when "
            f"nothing changed, so among {fmt_int(intervals)} intervals {how_many} do so by chance alone.")


# ---- each measure's sentence ------------------------------------------------------------------


def measure_sentences(comparison: pd.DataFrame, hidden: pd.DataFrame, kinds: list[str]) -> list[str]:
    """The sentence for each row of ``comparison`` (not escaped): its own, or where the report
    hides the row's change (``hidden``, the view's mask), :func:`hidden_sentence`. ``kinds``:
    each row's kind of measure (``count``, ``yes_no``...)."""
    return [
        hidden_sentence(record, hidden.loc[index], kind) if hidden.loc[index, "change"] else record["sentence"]
        for (index, record), kind in zip(comparison.iterrows(), kinds)
    ]


def hidden_sentence(record, hidden: pd.Series, kind: str) -> str:
    """The sentence for a measure a public report hides: which way it moved and the bound
    each cohort's hidden figure allows ("fell from 71% to under 17%"), with no interval,
    which would narrow the hidden count down; or, where even a bound would say too much
    (a cohort of fewer than ``suppress_below``), that it is not shown.

    ``record``: the comparison row; ``hidden``: its row of the view's mask; ``kind``: its kind
    of measure."""
    k = audience.suppress_below()
    share = record["change_kind"] == "points"

    def figure(side: str) -> str | None:
        value = record[side]
        if value is None or value != value:
            return None
        if not hidden[side]:
            return fmt_pct(value) if share else fmt_number(value, 0 if record["measure"] == TIME_TO_CLOSE else 1)
        if kind != "yes_no" or hidden[f"n_{side}"]:
            return None
        bound = share_bound(value, record[f"n_{side}"], k)
        return None if bound is None or (bound.under is None and bound.over is None) else bound.words(percent=True)

    before, after = figure("before"), figure("after")
    change = record["change"]
    if before and after and change == change and change:
        verb = "rose" if change > 0 else "fell"
        return (f"{record['label']} {verb} from {before} to {after}: the interval is not shown, "
                f"as a count behind it is fewer than {k}.")
    return (f"{record['label']}: not shown, as it rests on fewer than {k} cases, too few for a "
            "public report.")


# ---- cases still open and the time to close ---------------------------------------------------


def _still_open(n: int, label: str) -> str:
    return f"none of the {esc(label)}" if n == 0 else f"{count_words(n, 'case')} of the {esc(label)}"


def open_sentence(
    counts: dict[str, int] | None, before_label: str, after_label: str, include_open: bool,
    open_unknown: bool = False,
) -> str:
    """What the comparison did with cases still open, in a sentence or two.

    ``counts``: cases still open in each cohort (``{"before": n, "after": n}``), or None when the
    data do not say; then ``open_unknown`` says that the table has an ``open`` column that could
    not be filled in (no closing dates, no closures), and "" is returned otherwise (a team's own
    table, which does not say). ``include_open``: whether those cases are compared."""
    if counts is None:
        if open_unknown:
            return ("Which cases are still open is not known (no closing dates, and no closure among "
                    "the activities), so every case is compared as it stands.")
        return ""
    which = f"{_still_open(counts['before'], before_label)} and {_still_open(counts['after'], after_label)}"
    if not any(counts.values()):
        return "Every case of both cohorts has closed, so every journey is complete."
    if include_open:
        return (f"Cases still open are included with their journeys so far ({which}), as asked: "
                "their counts and hours so far understate what they will take, and end-to-end time "
                "is compared as the median days to close, which allows for them.")
    return (f"Cases still open are left out, as their journeys are not complete: {which}. The time "
            "to close below counts them.")


def time_to_close_text(
    row, hidden: pd.Series, counts: dict[str, int], as_at: pd.Timestamp, before_label: str,
    after_label: str, nothing_drawn: bool = False,
) -> str:
    """What the time-to-close chart says: the comparison of the median days to close with its
    interval, and how many cases are still open.

    ``row``: the comparison row of the median days to close; ``hidden``: its row of the view's
    mask; ``counts``: cases still open in each cohort; ``as_at``: the latest date in the data;
    ``nothing_drawn``: a public report draws no cohort's curve."""
    if hidden["change"]:
        first = ("The median days to close is not shown: it rests on too few cases "
                 "for a public report.")
    else:
        first = esc(row["sentence"])
    second = (f"Still open at {fmt_date(as_at)}, the latest date in the data: "
              f"{_still_open(counts['before'], before_label)} and {_still_open(counts['after'], after_label)}. "
              "The median is the first day by which half a cohort's cases had closed; a case still "
              "open counts as open for at least as long as it has been (the Kaplan–Meier estimate), "
              "rather than as a journey that has ended.")
    if nothing_drawn:
        second += (f" The curves are not drawn: no cohort has {audience.suppress_below()} or more "
                   "cases, too few for a public report.")
    return f"{first} {second}"


# ---- the change at a glance ------------------------------------------------------------------


def change_words(change: float, kind: str) -> str:
    """A change as the chart writes it beside its dot, rounded as headlines are: "down 64%",
    "up 15 points", "+2.0" (a change in the measure's own units)."""
    if kind == "percent":
        rounded = round(abs(change) * 100)
        return "no change" if rounded == 0 else f"{'down' if change < 0 else 'up'} {rounded}%"
    if kind == "points":
        rounded = round(abs(change) * 100)
        return ("no change" if rounded == 0 else
                f"{'down' if change < 0 else 'up'} {rounded} {'point' if rounded == 1 else 'points'}")
    return f"{change:+,.1f}"


def change_note(left_out: list[str]) -> str:
    """Which measures the chart leaves out (``left_out``: their labels) and why ("" when none)."""
    if not left_out:
        return ""
    return (f"Not on the chart: {join_words(left_out)}, as {'it rests' if len(left_out) == 1 else 'each rests'} "
            "on too few cases for a public report (the table shows it as "
            f"{SUPPRESSED}).")


def change_description(frame: pd.DataFrame, before_label: str, after_label: str, level: str, note: str = "") -> str:
    """The change at a glance's text alternative: what it draws and how many measures of each
    verdict. ``frame``: what the chart draws (the view's ``change_frame``); ``level``: the
    confidence level in words ("95%"); ``note``: :func:`change_note`."""
    counts = frame["verdict"].value_counts()
    said = [f"{counts[v]} {v}" for v in ("better", "worse", "no clear change", "not judged: no direction set",
                                          "too few cases to judge") if v in counts]
    description = (
        f"Dot-and-interval chart of the change in each of {plural(len(frame), 'measure')}, the "
        f"{esc(after_label)} against the {esc(before_label)}, with its {level} confidence "
        "interval, against a line at no change; percentage changes and changes in percentage points "
        f"are on panels of their own. {'; '.join(said)}."
    )
    if note:
        description += f" {note}"
    return description


# ---- notes and cautions ----------------------------------------------------------------------


def caution_as_shown(text: str) -> str:
    """A caution with its small counts of cases or pairs as their bound in a public report
    ("3 cases with no partner ... were left out" -> "fewer than 5 cases ... were left out")."""
    if not audience.hides_small_numbers():
        return text

    def hide(match: re.Match) -> str:
        number = match.group(1)
        if not audience.hides(int(number.replace(",", ""))):
            return match.group(0)
        noun = match.group(2)
        return f"fewer than {audience.suppress_below()} {noun if noun.endswith('s') or noun.startswith('with') else noun + 's'}"

    shown = _CAUTION_COUNT.sub(hide, text)
    shown = shown[:1].upper() + shown[1:]
    # "1 case ... was left out": the verb must not tell that the hidden count is 1.
    return shown.replace(" was left out", " were left out") if shown != text else shown


def cautions(comparison: pd.DataFrame) -> list[str]:
    """Each row's caution, after its label, as the report gives it (:func:`caution_as_shown`)."""
    return [caution_as_shown(f"{record['label']}: {record['caution']}")
            for record in comparison.to_dict(orient="records") if record.get("caution")]


def comparison_notes(
    comparison: pd.DataFrame, kinds: list[tuple[str, str]], *, confidence: float, paired: bool,
    before_label: str, open_known: str | None, include_open: bool, as_at: pd.Timestamp | None,
) -> list[str]:
    """The notes under the comparison: how measures compare, where the intervals come from, the
    cautions about reading them, what was done with cases still open and how the time to close is
    worked out, what each measure is, and each row's caution.

    ``kinds``: (label, kind of measure) of each row; ``open_known``: where the data say which
    cases are still open (``"cases file"``, ``"closure events"``), or None; ``as_at``: the
    latest date in the data."""
    methods = sorted({m for m in comparison.get("interval_method", pd.Series(dtype=str)).dropna()})
    level = confidence_words(confidence)
    resampled = ("the matched pairs (a person's two cases move together)" if paired
                 else "the cases in each cohort")
    notes = [
        "Counts and hours compare the mean per case, as a percentage change from the "
        f"{esc(before_label)}. Shares compare in percentage points: face-to-face time is all "
        "face-to-face hours over all hours in a cohort; yes/no measures are the share of cases "
        "with a recorded answer that say yes.",
        f"The {level} confidence intervals come from resampling {resampled} 9,999 times "
        f"(the bootstrap, {' and '.join(methods) if methods else 'BCa'} method), with a fixed seed so "
        "the report is the same each time it is run. An interval is the range of changes "
        "consistent with the data; one that includes no change means the data cannot rule it out.",
        "Fewer hours is not automatically better: time for a fair assessment and for reflection is "
        "not waste, so read hours beside the other measures.",
        "The cohorts were not assigned at random: a change shows what happened alongside the new "
        "way of working, and differences in the cases themselves may account for part of it.",
    ]
    if open_known:
        what = ("compares every case, those still open with their journeys so far; end-to-end "
                "time is compared as the median days to close instead of the mean days, as a case "
                "still open has not finished" if include_open else
                "compares closed cases only, whose journeys are complete; a run with "
                "include_open_cases set compares every case with its journey so far")
        notes.append(f"Which cases are still open: {_OPEN_SOURCES[open_known]}. The table {what}.")
        notes.append(
            "How long cases take to close is the Kaplan–Meier estimate of the share of each cohort's "
            "cases still open by days since opening: on each day some close, the share falls by the "
            "fraction of the cases open until then that closed. A case still open counts as open up "
            f"to {fmt_date(as_at)}, the latest date in the data. The median days to close is the "
            "first day by which the share still open is half or less, and its interval comes from "
            "the same resampling of cases as the other measures.")
        if audience.hides_small_numbers():
            notes.append(
                f"In a public report the time-to-close curves stop where fewer than "
                f"{audience.suppress_below()} cases of a cohort were still open, a median past "
                "that point is not shown, and no case is marked on its own.")
    notes += [f"{esc(label)}: {_MEANING[kind]}." for label, kind in kinds]
    notes += [esc(caution) for caution in cautions(comparison)]
    return notes
