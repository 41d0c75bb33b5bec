"""The case review's summary table: each measure's cases, mean, median and total (or pooled
share), per cohort, written for the report, and which of its cells and of the figures across all
the cases a public report hides, so that no hidden figure can be worked out from the others.

:class:`workbook_helpers.workbooks.case_review.CaseReview` gives it for its selection
(``summary_table``, ``shown_summary``, ``hidden_overall``).
"""

from __future__ import annotations

import pandas as pd

from workbook_helpers.formatting import NOT_APPLICABLE, fmt_int, fmt_number, fmt_pct
from workbook_helpers.privacy import audience, disclosure

SHARE_LABELS = {
    "face_to_face_share": "Face-to-face share of time (all hours together)",
    "predicted_return": "Share predicted to return (of cases with a yes or no)",
}
SUMMARY_MEASURES = [
    "assessments", "repeat_assessments", "referrals", "people_involved", "organisations_involved",
    "handoffs", "total_hours", "face_to_face_share", "end_to_end_days", "predicted_return",
]
# Measures whose total over cases is a count (of assessments, referrals, people, handoffs): in a
# public report a small total is hidden, like the number of cases.
COUNT_MEASURES = {"assessments", "repeat_assessments", "referrals", "people_involved",
                  "organisations_involved", "handoffs"}


def table(summary: pd.DataFrame, cohorts: list[str]) -> pd.DataFrame:
    """Rows of measures with mean, median and total (or pooled share), per cohort, and the
    same written for the report (``cases_shown``, ``mean_shown``, ``median_shown``,
    ``total_shown``), with ``[c]`` where a public report hides them (see
    :func:`hidden_cells`; ``attrs["hidden"]`` says which, ``attrs["overall"]`` which figures
    across all the cases).

    ``summary``: the review's :func:`workbook_helpers.measures.case_summaries.cohort_summary`, by cohort
    when there are several; ``cohorts``: the cohorts present, in the review's order."""
    table = summary[summary["measure"].isin(SUMMARY_MEASURES)].copy()
    # A measure the data cannot give (no organisation column, no closed cases) is left out.
    known = table.groupby("measure")["cases"].transform("sum") > 0
    table = table[known.to_numpy()]
    shares = table["measure"].isin(["face_to_face_share", "predicted_return"]).to_numpy()
    hours = table["measure"].isin(["total_hours"]).to_numpy()
    table["label"] = table["measure"].map(SHARE_LABELS).fillna(table["label"])

    def shown(values, as_share=False, places=1):
        return [NOT_APPLICABLE if pd.isna(v) else fmt_pct(v) if as_share else fmt_number(v, places)
                for v in values]

    table["mean_shown"] = [
        shown([p], as_share=True)[0] if share else shown([m])[0]
        for m, p, share in zip(table["mean"], table["pooled"], shares)
    ]
    table["median_shown"] = [NOT_APPLICABLE if share else shown([m])[0] for m, share in zip(table["median"], shares)]
    table["total_shown"] = [
        NOT_APPLICABLE if share and measure != "predicted_return" else shown([t], places=1 if hour else 0)[0]
        for t, share, hour, measure in zip(table["total"], shares, hours, table["measure"])
    ]
    order = {m: i for i, m in enumerate(SUMMARY_MEASURES)}
    cohort_order = {name: i for i, name in enumerate(cohorts)}
    table["order"] = table["measure"].map(order)
    table["group_order"] = table["group"].map(cohort_order)
    table = table.sort_values(["order", "group_order"]).reset_index(drop=True)
    table["cases_shown"] = [fmt_int(v) for v in table["cases"]]
    hidden, overall = hidden_cells(table, len(cohorts) > 1)
    for column, shown in (("cases", "cases_shown"), ("mean", "mean_shown"), ("total", "total_shown")):
        table[shown] = table[shown].mask(hidden[column].to_numpy(), disclosure.SUPPRESSED)
    table.attrs["hidden"] = hidden
    table.attrs["overall"] = overall
    return table


def columns(several_cohorts: bool) -> dict[str, tuple[str, str]]:
    """The columns the report shows of :func:`table`: (heading, kind), with the cohort when
    there are several."""
    columns = {"label": ("Measure", "text")}
    if several_cohorts:
        columns["group"] = ("Cohort", "text")
    # Cases are counts, hidden when small in a public report; they are written here
    # already ("figure"), as hiding them must also allow for the cohorts adding up to all
    # the cases, and the cases with a value and without adding up to them (see hidden_cells),
    # which a table of counts alone cannot declare.
    columns.update({"cases_shown": ("Cases", "figure"), "mean_shown": ("Mean (or share)", "figure"),
                    "median_shown": ("Median", "figure"), "total_shown": ("Total", "figure")})
    return columns


def hidden_cells(table: pd.DataFrame, several_cohorts: bool) -> tuple[pd.DataFrame, dict[str, bool]]:
    """Which cells of the summary table, and which figures across all cases, a published
    report hides (nothing when internal): a frame of ``cases``, ``mean`` and ``total`` row for
    row, and a dict of ``cases``, ``open_cases``, ``closed_cases``,
    ``predicted_return_judgements``, ``predicted_return_share`` and ``repeat_assessments``.

    Each measure's cases with a known value and those without (cases still open have no
    end-to-end time; cases with no judgement at closure no expected return) add up to the
    cohort's cases, and the cohorts add up to all the cases; for expected returns the
    cases judged likely to return and those judged not are counts too. Each measure's rows
    are protected as a table of those counts, with the cohort's cases as each row's total
    and, with several cohorts, a row of totals for all cases
    (:func:`workbook_helpers.privacy.disclosure.suppress_table`); the cohorts' sizes are protected
    first and the same ones are hidden in every measure. The total of a count measure
    (assessments, referrals...) is protected on its own against its overall total. A mean
    or share is hidden wherever a count it rests on is (a mean times the cases is the
    total); a pooled share of hours is not, as it gives no count away. Should a measure need
    to hide more of the cohorts' sizes (practically never), all its figures are hidden."""
    hidden = pd.DataFrame(False, index=table.index, columns=["cases", "mean", "total"])
    overall = dict.fromkeys(("cases", "open_cases", "closed_cases", "predicted_return_judgements",
                             "predicted_return_share", "repeat_assessments"), False)
    if not audience.hides_small_numbers() or table.empty:
        return hidden, overall
    k = audience.suppress_below()
    several = several_cohorts
    # A cohort's cases: those with a known value of the measure known for every case
    # (assessments, zero or more), so the most of any measure.
    sizes = pd.to_numeric(table["cases"], errors="coerce").fillna(0).groupby(
        table["group"].astype(str), sort=False).max().astype("int64")
    size_mask = audience.protect_grid(pd.DataFrame({"n": sizes.to_numpy()}, index=sizes.index), k, several)
    sizes_hidden = size_mask["n"]
    overall["cases"] = bool(sizes_hidden.iloc[-1])

    for measure, rows in table.groupby("measure", sort=False):
        groups = rows["group"].astype(str).to_numpy()
        n = sizes.reindex(groups, fill_value=0).to_numpy()
        cases = pd.to_numeric(rows["cases"], errors="coerce").fillna(0).astype("int64").to_numpy()
        if measure == "predicted_return":
            yes = pd.to_numeric(rows["total"], errors="coerce").fillna(0).round().astype("int64").to_numpy()
            grid = pd.DataFrame({"yes": yes, "no": cases - yes, "unknown": n - cases, "n": n}, index=groups)
        else:
            grid = pd.DataFrame({"cases": cases, "unknown": n - cases, "n": n}, index=groups)
        forced = sizes_hidden.reindex(list(groups) + ["__all__"], fill_value=bool(sizes_hidden.iloc[-1]))
        mask = audience.protect_grid(grid, k, several, row_total="n", forced=forced)
        if (mask["n"] & ~forced.reindex(mask.index).to_numpy()).any():
            mask.loc[:, :] = True  # (practically never) hide everything this measure shows
        if measure == "predicted_return":
            # The cases judged are the cohort's cases less those not judged, and those judged
            # likely to return plus those judged not to: shown only where that gives neither
            # away. The share (and so the mean) rests on both counts.
            judged_count = grid["yes"] + grid["no"]
            if several:
                judged_count.loc["__all__"] = judged_count.sum()
            small = (judged_count >= 1) & (judged_count < k)
            judged = mask["unknown"] | (mask["yes"] ^ mask["no"]) | small.reindex(mask.index).to_numpy()
            share = judged | mask["yes"] | mask["no"]
            hidden.loc[rows.index, "cases"] = judged.iloc[: len(rows)].to_numpy()
            hidden.loc[rows.index, "total"] = mask["yes"].iloc[: len(rows)].to_numpy()
            hidden.loc[rows.index, "mean"] = share.iloc[: len(rows)].to_numpy()
            overall["predicted_return_judgements"] = bool(judged.iloc[-1])
            overall["predicted_return_share"] = bool(share.iloc[-1])
            continue
        hidden.loc[rows.index, "cases"] = mask["cases"].iloc[: len(rows)].to_numpy()
        whole = mask.iloc[-1]  # all the cases: the row of totals, or the one group
        if measure == "end_to_end_days":
            overall["closed_cases"] = bool(whole["cases"])  # cases with an end-to-end time
            overall["open_cases"] = bool(whole["unknown"])  # those without: still open
        if measure in COUNT_MEASURES:
            totals = pd.to_numeric(rows["total"], errors="coerce").fillna(0).round().astype("int64").to_numpy()
            total_mask = audience.protect_grid(pd.DataFrame({"total": totals}, index=groups), k, several)
            hidden.loc[rows.index, "total"] = total_mask["total"].iloc[: len(rows)].to_numpy()
            if measure == "repeat_assessments":
                overall["repeat_assessments"] = bool(total_mask["total"].iloc[-1])
        if measure != "face_to_face_share":
            hidden.loc[rows.index, "mean"] = (hidden.loc[rows.index, "cases"]
                                              | hidden.loc[rows.index, "total"]).to_numpy()
    return hidden, overall
