"""The case review's sentences: who it covers, its headline, what its summary table hides, time
to close, capability and notes."""

from __future__ import annotations

import pandas as pd

from workbook_helpers.present.story.counting import (
    agreeing_word, count_words, hidden_count_words, kept_back, sentence_case, share_text,
)
from workbook_helpers.privacy import audience
from workbook_helpers.data.teams import chosen_team
from workbook_helpers.formatting import esc, fmt_date, fmt_hours, fmt_int, fmt_number, fmt_pct


def case_scope(cohort: str | None, team: str | None, cases: int, closed: bool = False) -> str:
    """Who a case review covers: "all 67 cases", "the 32 after cases", "the 12 cases of the
    Experiment team"; ``closed`` when the review leaves cases still open out: "the 64 closed
    cases", "the 32 closed after cases"."""
    def chosen(value):
        return None if value is None or str(value).strip().lower() in {"", "all"} else str(value).strip()

    cohort, team = chosen(cohort), chosen_team(team)
    if team and not team.casefold().endswith(" team"):  # not "the Experiment team team"
        team += " team"
    hidden = kept_back(cases)  # a public report does not say there are 1 to 4
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
            f"The {count_words(finished, 'case', hidden=closed_hidden)} that "
            f"{agreeing_word(finished, 'has', 'have', closed_hidden)} closed took a "
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
            f"There were {count_words(repeats, 'repeat assessment', hidden=hide['repeat_assessments'])} in "
            f"all; {which} had {count_words(worst[1], 'repeat assessment', hidden=hide['repeat_assessments'])}."
        )
    else:
        parts.append("No case was assessed twice.")
    returning = overall.get("predicted_return", {}).get("pooled")
    if returning is not None and returning == returning:
        judged = int(overall["predicted_return"]["cases"])
        expected = share_text(returning, judged, overall["predicted_return"].get("total"))
        parts.append(
            (f"Of the {count_words(judged, 'case')} with a judgement recorded at closure, "
             if not kept_back(judged) else
             f"Of the cases with a judgement recorded at closure ({count_words(judged, 'case')}), ")
            + f"practitioners expected **{expected}** to come back."
        )
    if review.open_cases:
        open_hidden = hide["open_cases"]
        parts.append(f"{count_words(review.open_cases, 'case', hidden=open_hidden)} "
                     f"{agreeing_word(review.open_cases, 'is', 'are', open_hidden)} still open, "
                     "included with "
                     f"{agreeing_word(review.open_cases, 'its journey', 'their journeys', open_hidden)} so far.")
    left_out = review.open_left_out
    if left_out:
        hidden = kept_back(left_out)
        parts.append(
            f"{count_words(left_out, 'case', hidden=hidden)} still open "
            f"{agreeing_word(left_out, 'is', 'are', hidden)} left out of these figures, as "
            f"{agreeing_word(left_out, 'its journey is', 'their journeys are', hidden)} not complete."
        )
    return " ".join(sentence_case(part) for part in parts)


def summary_note(table: pd.DataFrame) -> str:
    """The sentence under a case review's summary table saying what ``[c]`` means ("" when
    nothing is hidden): ``table`` as ``CaseReview.summary_table()`` gives it (or its shown
    frame), with the cells it hides in ``attrs["hidden"]``."""
    hidden = table.attrs.get("hidden")
    if hidden is None or not hidden.to_numpy().any():
        return ""
    k = audience.suppress_below()
    counts = hidden[["cases", "total"]].to_numpy()
    values = table[["cases", "total"]].apply(pd.to_numeric, errors="coerce").to_numpy()
    small = counts & (values >= 1) & (values < k)
    return audience.suppression_note(k, primary=bool(small.any()), secondary=bool((counts & ~small).any()),
                                     rates=bool(hidden["mean"].any()))


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
            said += f" ({count_words(open_now, 'case')} still open)"
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
            f" {sentence_case(count_words(len(special), 'case'))} fell outside that pattern (special-cause variation), "
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
        notes.append(f"Only {count_words(closed, 'case', hidden=closed_hidden)} {where}: process limits need about "
                     "15 to 20 points to be trusted, so treat them with care.")
    if review.outside_dates:
        notes.append(f"{sentence_case(count_words(review.outside_dates, 'case'))} {agreeing_word(review.outside_dates, 'has', 'have')} "
                     "activity before its opening date or after its closing date; its end-to-end time "
                     "uses the dates in the cases file.")
    if cases < 20:
        notes.append(
            f"These are {count_words(cases, 'case')}: a small number, so medians and averages can move a lot "
            "with one unusual case."
        )
    notes += [esc(w) for w in file_warnings]
    return [sentence_case(note) for note in notes]
