"""The before/after comparison as the workbook shows it: the table directors remember, its
sentences, estimation charts, notes and summary, from :func:`workbook_helpers.comparison.compare_cohorts`.

Cases appear only as pseudonyms ("Case 07"); cohort and measure names from the data are escaped.

In a published report (:mod:`workbook_helpers.policy`) the number of cases (or pairs) behind a
measure is ``[c]`` when it is from 1 to ``suppress_below - 1``, and so is each figure that rests
on it: the cohort's mean or share, the change and its interval, and the sentence. A share of
cases saying yes (a yes/no measure) is also hidden where it would give a small count of yes or
no away. The workbook then shows no case on its own: the table is the view of the comparison
that may be shared, and the dot plots of each case are in the internal report.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML, display

from . import charts
from .comparison import comparison_direction, confidence_words, measure_config, measure_values
from .disclosure import SUPPRESSED
from .formatting import esc, fmt_number, fmt_pct, plural
from .policy import current_policy
from .privacy import stable_pseudonyms

# The word and its colour say whether a change is better or worse; the arrow says which way the
# measure moved (up, down, or level), so colour is never the only cue.
_VERDICTS = {
    "better": ("better", "sw-better"),
    "worse": ("worse", "sw-worse"),
    "no clear change": ("no clear change", "sw-unclear"),
    "neutral": ("neither better nor worse", "sw-unclear"),
}


def _arrow(change) -> str:
    if change is None or change != change or change == 0:
        return "&#9644;"  # level
    return "&#9650;" if change > 0 else "&#9660;"


_MEANING = {
    "count": "the mean number per case, compared as a percentage change",
    "hours": "the mean hours per case, compared as a percentage change",
    "days": "the mean days from start to finish per case, compared as a percentage change",
    "hours_share": "the cohort's hours of this kind over all its hours (pooled), compared in percentage points",
    "share": "the mean of the cases' own shares, compared in percentage points",
    "yes_no": "the share of cases with a recorded yes or no that say yes, compared in percentage points",
}


@dataclass
class ComparisonView:
    """What the comparison workbook shows, built from the per-case table and the comparison."""

    table: pd.DataFrame
    comparison: pd.DataFrame
    cohort_col: str
    before: str
    after: str
    before_label: str
    after_label: str
    confidence: float
    id_col: str | None = None
    paired: bool = False

    @property
    def groups(self) -> list[str]:
        return [str(self.before_label), str(self.after_label)]

    @property
    def n_before(self) -> int:
        return int(self.comparison["n_before"].max()) if len(self.comparison) else 0

    @property
    def n_after(self) -> int:
        return int(self.comparison["n_after"].max()) if len(self.comparison) else 0

    @property
    def period(self) -> tuple[str | None, str | None]:
        if {"start", "end"} <= set(self.table.columns):
            return (self.table["start"].min().date().isoformat(), self.table["end"].max().date().isoformat())
        return (None, None)

    def scope(self) -> str:
        return f"The {self.after_label} against the {self.before_label}"

    def directions(self) -> list[str]:
        return [comparison_direction(row) for row in self.comparison.to_dict(orient="records")]

    # ---- headline ---------------------------------------------------------------------------

    # ---- what a published report hides --------------------------------------------------------

    def hidden(self) -> pd.DataFrame:
        """Which figures of each comparison row a report hides under the current policy (all
        False when internal), row for row: ``n_before``, ``n_after`` (cases or pairs, hidden
        from 1 to ``suppress_below - 1``, and where the cases without a known value are: the
        cohort's size less them would give that count away), ``before``, ``after`` (a cohort's
        figure, hidden with its cases, and a yes/no share also where it gives a small count of
        yes or no away) and ``change`` (the change, its interval, the verdict and the sentence,
        hidden with either cohort's figure)."""
        from .notebook import _share_hidden

        columns = ["n_before", "n_after", "before", "after", "change"]
        mask = pd.DataFrame(False, index=self.comparison.index, columns=columns)
        policy = current_policy()
        if not policy.publishing or self.comparison.empty:
            return mask
        kinds = [kind for _, kind in self._kinds()]
        sizes = {side: int(self.comparison[f"n_{side}"].max()) for side in ("before", "after")}
        for position, (index, record) in enumerate(self.comparison.iterrows()):
            row = {}
            for side in ("before", "after"):
                n, value = record[f"n_{side}"], record[side]
                row[f"n_{side}"] = policy.hides(n) or policy.hides(sizes[side] - n)
                share_of_cases = kinds[position] == "yes_no" and value == value
                row[side] = row[f"n_{side}"] or bool(
                    share_of_cases and _share_hidden(value, n, None, policy.suppress_below))
            row["change"] = row["before"] or row["after"]
            mask.loc[index] = [row[column] for column in columns]
        return mask

    @property
    def shows_cases(self) -> bool:
        """Whether the report may show each case (its dots and slopes): only when internal."""
        return not current_policy().publishing

    def _hidden_note(self, mask: pd.DataFrame) -> str:
        from .notebook import suppression_note

        if not mask.to_numpy().any():
            return ""
        counts = mask[["n_before", "n_after"]].to_numpy().any()
        figures = mask[["before", "after"]].to_numpy().any()
        return suppression_note(current_policy().suppress_below, primary=bool(counts), rates=bool(figures))

    def _safe(self, text: str) -> str:
        """A caution with its small counts of cases or pairs as ``[c]`` in a published report
        ("3 cases with no partner ... were left out" -> "[c] cases ... were left out")."""
        policy = current_policy()
        if not policy.publishing:
            return text

        def hide(match: re.Match) -> str:
            number = match.group(1)
            if not policy.hides(int(number.replace(",", ""))):
                return match.group(0)
            noun = match.group(2)
            return f"{SUPPRESSED} {noun if noun.endswith('s') or noun.startswith('with') else noun + 's'}"

        shown = _CAUTION_COUNT.sub(hide, text)
        # "1 case ... was left out": the verb must not tell that the hidden count is 1.
        return shown.replace(" was left out", " were left out") if shown != text else shown

    # ---- headline ---------------------------------------------------------------------------

    def headline(self) -> str:
        from .notebook import count_text

        # A change the table hides is not counted as better or worse either.
        shown = ~self.hidden()["change"].to_numpy()
        directions = [d for d, show in zip(self.directions(), shown) if show]
        better, worse = directions.count("better"), directions.count("worse")
        unclear = directions.count("no clear change")
        hidden = int((~shown).sum())
        level = confidence_words(self.confidence)
        parts = [
            f"Cases worked the **{esc(self.after_label)}** ({count_text(self.n_after, 'case')}) against "
            f"cases worked the **{esc(self.before_label)}** ({count_text(self.n_before, 'case')})."
        ]
        summary = []
        if better:
            summary.append(f"**{plural(better, 'measure')} changed for the better**")
        if worse:
            summary.append(f"**{plural(worse, 'measure')} changed for the worse**")
        if summary:
            parts.append(" and ".join(summary) + f", with {level} confidence intervals that rule out no change.")
        if unclear:
            parts.append(f"For {plural(unclear, 'measure')} the data cannot rule out that nothing changed.")
        if hidden:
            parts.append(f"{plural(hidden, 'measure')} {'is' if hidden == 1 else 'are'} not shown "
                         f"({SUPPRESSED}): {'it rests' if hidden == 1 else 'each rests'} on too few cases "
                         "for a report that may be shared.")
        return " ".join(parts)

    def table_html(self) -> str:
        """The comparison table: measure, the two cohorts, the change, its interval, and an arrow
        whose shape and word (not only its colour) say whether the change is better or worse."""
        level = f"{confidence_words(self.confidence)} interval"
        head = (
            f'<th scope="col">Measure</th><th scope="col" class=num>{esc(self.before_label).capitalize()}</th>'
            f'<th scope="col" class=num>{esc(self.after_label).capitalize()}</th>'
            f'<th scope="col" class=num>Change</th><th scope="col" class=num>{level}</th>'
            f'<th scope="col">Better or worse</th><th scope="col" class=num>{"Pairs" if self.paired else "Cases"}</th>'
        )
        from .notebook import SUPPRESSED_HTML

        mask = self.hidden()
        rows = []
        for (_, hidden), record, direction in zip(
            mask.iterrows(), self.comparison.to_dict(orient="records"), self.directions()
        ):
            word, css = _VERDICTS[direction]
            arrow = _arrow(record["change"])

            def cell(text: str, hide: bool) -> str:
                return SUPPRESSED_HTML if hide else esc(text)

            verdict = (SUPPRESSED_HTML if hidden["change"] else
                       f'<span class="{css}" aria-hidden="true">{arrow}</span> {html.escape(word)}')
            sizes = " / ".join(cell(f"{int(record[n]):,}", bool(hidden[n])) for n in ("n_before", "n_after"))
            rows.append(
                f'<tr><th scope="row">{esc(record["label"])}</th>'
                f'<td class=num>{cell(self.confidence_words(record, "before"), hidden["before"])}</td>'
                f'<td class=num>{cell(self.confidence_words(record, "after"), hidden["after"])}</td>'
                f'<td class=num>{cell(self._change(record["change"], record["change_kind"]), hidden["change"])}</td>'
                f'<td class=num>{cell(self._interval(record), hidden["change"])}</td>'
                f'<td>{verdict}</td>'
                f'<td class=num>{sizes}</td></tr>'
            )
        unit = "pair" if self.paired else "case"
        caption = (f"Per {unit}, {esc(self.before_label)} and {esc(self.after_label)}; the last column "
                   f"gives how many {unit}s each row rests on (standard / new)")
        style = ("<style>.sw-better{color:#0072B2}.sw-worse{color:#B35900}.sw-unclear{color:#505a5f}</style>")
        note = self._hidden_note(mask)
        return (f'{style}<table class="sw-table"><caption>{caption}</caption><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table>"
                + (f'<p class="sw-suppression-note">{html.escape(note)}</p>' if note else ""))

    def show_table(self) -> None:
        display(HTML(self.table_html()))

    @staticmethod
    def _sizes(record: dict) -> str:
        return f"{int(record['n_before']):,} / {int(record['n_after']):,}"

    @staticmethod
    def confidence_words(record: dict, which: str) -> str:
        value = record[which]
        return fmt_pct(value, 1) if record["change_kind"] == "points" else fmt_number(value, 1)

    @staticmethod
    def _change(change: float, kind: str) -> str:
        # Tables carry one decimal place (house style); the sentences round to whole numbers.
        if change is None or change != change:
            return "[x]"
        way = "down " if change < 0 else "up " if change > 0 else "no change"
        if kind == "percent":
            return way + (fmt_pct(abs(change), 1) if change else "")
        if kind == "points":
            return way + (f"{abs(change) * 100:.1f} points" if change else "")
        return f"{change:+,.1f}"

    def _interval(self, record: dict) -> str:
        low, high = record["ci_low"], record["ci_high"]
        if low is None or high is None or low != low or high != high:
            return "[x]"
        if record["change_kind"] == "percent":
            return f"{low * 100:+.1f}% to {high * 100:+.1f}%"
        if record["change_kind"] == "points":
            return f"{low * 100:+.1f} to {high * 100:+.1f} points"
        return f"{low:+,.1f} to {high:+,.1f}"

    def sentences(self) -> list[str]:
        """The sentence for each measure; in a published report, where the row's figures are
        hidden, a sentence that says so instead."""
        return [esc(sentence) for sentence in self._sentences()]

    def _sentences(self) -> list[str]:
        mask = self.hidden()
        return [
            f"{label}: not shown ({SUPPRESSED}), as it rests on too few cases for a report that "
            "may be shared." if hidden else sentence
            for label, sentence, hidden in zip(self.comparison["label"], self.comparison["sentence"],
                                               mask["change"])
        ]

    # ---- charts -----------------------------------------------------------------------------

    def _labels(self) -> dict:
        keys = self.table["case_id"] if "case_id" in self.table.columns else pd.Series(self.table.index.astype(str), index=self.table.index)
        return stable_pseudonyms(keys.astype(str), prefix="Case")

    def case_values(self, measure: str) -> pd.DataFrame:
        """group, case (pseudonym), value: each case's own value of ``measure`` in both cohorts."""
        keys = self.table["case_id"] if "case_id" in self.table.columns else pd.Series(self.table.index.astype(str), index=self.table.index)
        labels = self._labels()
        cohort = self.table[self.cohort_col].astype(str)
        chosen = cohort.isin([self.before, self.after]).to_numpy()
        frame = pd.DataFrame({
            "group": cohort[chosen].map({self.before: self.before_label, self.after: self.after_label}),
            "case": keys.astype(str)[chosen].map(labels),
            "value": measure_values(self.table.loc[chosen, measure], measure,
                                 str(self.table[measure].dtype) in {"boolean", "bool", "object", "str"}),
        })
        return frame.dropna(subset=["value"]).reset_index(drop=True)

    def estimation_charts(self, measures: list[str] | None = None) -> list:
        shown = []
        for record in self.comparison.to_dict(orient="records"):
            if measures is not None and record["measure"] not in measures:
                continue
            if record["measure"] not in self.table.columns:
                continue
            points = record["change_kind"] == "points"
            low, high = record.get("difference_low"), record.get("difference_high")
            interval = None if low is None or low != low else (low, high)
            description = (
                f"Dot plot of each case's {record['label'].lower()} in both cohorts, and the "
                f"difference between them" + (" with its confidence interval." if interval else " (no interval: too few cases).")
            )
            if points:
                description += " Dots show each case's own share; the difference is of the pooled shares."
            shown.append(charts.estimation_chart(
                self.case_values(record["measure"]), self.groups, record["difference"],
                interval[0] if interval else None, interval[1] if interval else None,
                record["label"], description, record["label"],
                value_format=".0%" if points else ",.1f",
                difference_title="Difference (percentage points)" if points else "Difference per case",
            ))
        return shown

    def slope_charts(self) -> list:
        if not self.id_col or self.id_col not in self.table.columns:
            return []
        people = stable_pseudonyms(self.table[self.id_col].astype(str), prefix="Person")
        shown = []
        for record in self.comparison.to_dict(orient="records"):
            if record["measure"] not in self.table.columns:
                continue
            frame = self.table[self.table[self.cohort_col].astype(str).isin([self.before, self.after]).to_numpy()]
            pairs = pd.DataFrame({
                "pair": frame[self.id_col].astype(str).map(people),
                "group": frame[self.cohort_col].astype(str).map({self.before: self.before_label, self.after: self.after_label}),
                "value": pd.to_numeric(frame[record["measure"]].astype("Float64"), errors="coerce"),
            }).dropna()
            pairs = pairs[pairs.groupby("pair")["group"].transform("nunique") == 2]  # matched only
            shown.append(charts.slope_chart(
                pairs, self.groups, f"{record['label']}: each person before and after",
                f"Slope chart of {record['label'].lower()} for each person in both cohorts.", record["label"],
                value_format=".0%" if record["change_kind"] == "points" else ",.1f",
            ))
        return shown

    # ---- notes and summary ------------------------------------------------------------------

    def cautions(self) -> list[str]:
        return [self._safe(f"{record['label']}: {record['caution']}")
                for record in self.comparison.to_dict(orient="records") if record.get("caution")]

    def notes(self) -> list[str]:
        methods = sorted({m for m in self.comparison.get("interval_method", pd.Series(dtype=str)).dropna()})
        level = confidence_words(self.confidence)
        resampled = ("the matched pairs (a person's two cases move together)" if self.paired
                     else "the cases in each cohort")
        notes = [
            "Counts and hours compare the mean per case, as a percentage change from the "
            f"{esc(self.before_label)}. Shares compare in percentage points: face-to-face time is all "
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
        notes += [f"{esc(label)}: {_MEANING[kind]}." for label, kind in self._kinds()]
        notes += [esc(caution) for caution in self.cautions()]
        return notes

    def _kinds(self) -> list[tuple[str, str]]:
        config = measure_config()
        kinds = []
        for record in self.comparison.to_dict(orient="records"):
            measure = record["measure"]
            if measure in config.index:
                kind = config.loc[measure, "kind"]
            elif record["change_kind"] == "points" and measure in self.table.columns and (
                pd.api.types.is_bool_dtype(self.table[measure]) or str(self.table[measure].dtype) == "boolean"
            ):
                kind = "yes_no"  # a team's own yes/no column (see own_measures)
            else:
                kind = "count"
            kinds.append((record["label"], kind))
        return kinds

    def figures(self) -> dict:
        """The headline figures for the JSON summary: declare ``n_before`` and ``n_after`` as
        counts to ``record_summary``; a change the report hides is ``"[c]"`` here already."""
        mask = self.hidden()
        changes = {}
        for record, hidden in zip(self.comparison.to_dict(orient="records"), mask["change"]):
            changes[record["measure"]] = {
                "change": SUPPRESSED if hidden else record["change"], "change_kind": record["change_kind"],
                "ci_low": SUPPRESSED if hidden else record["ci_low"],
                "ci_high": SUPPRESSED if hidden else record["ci_high"],
            }
        return {"n_before": self.n_before, "n_after": self.n_after, "changes": changes}

    def summary_table(self) -> pd.DataFrame:
        """The comparison for the JSON summary, with what the report hides as ``"[c]"`` (the
        cases behind each figure, the cohorts' figures, the change, its intervals and the
        sentence) and the cautions as the report gives them. Hidden already: record it without
        declaring its counts again (a count of cases can be hidden for the cases it leaves out,
        which a declaration of counts alone would not see)."""
        mask = self.hidden()
        table = self.comparison.copy()
        if mask.to_numpy().any():
            table = table.astype(object)
            for column in ("n_before", "n_after", "before", "after"):
                table[column] = table[column].mask(mask[column], SUPPRESSED)
            for column in ("change", "ci_low", "ci_high", "difference", "difference_low", "difference_high"):
                table[column] = table[column].mask(mask["change"], SUPPRESSED)
            table["sentence"] = self._sentences()
        if "caution" in table.columns:
            table["caution"] = [self._safe(str(c)) if isinstance(c, str) else c for c in table["caution"]]
        return table


# A count of cases or pairs in a caution from compare_cohorts ("3 cases with no partner", "the
# after cohort has 4 with a known value", "2 pairs with this measure blank", "3 matched pairs");
# not the thresholds ("Fewer than 10 cases").
_CAUTION_COUNT = re.compile(
    r"(?<!Fewer than )(?<![\w,.])(\d[\d,]*) (cases?|pairs?|matched pairs|with a known value)\b"
)


# Column names that say "this is a reference": ending in id, ref, number, code... ("case_id",
# "NHS number", "person ref"), or naming an NHS number; "number_of_calls" is a measure.
_IDENTIFIER = re.compile(
    r"(^|[\s_-])(id|ids|ref|reference|number|no|code|key|uprn|nino)$|nhs|^case$|^person$", re.IGNORECASE
)


def own_measures(table: pd.DataFrame, cohort_col: str, id_col: str | None = None) -> dict[str, dict]:
    """Configuration for a table's numeric and yes/no columns that the built-in configuration does
    not know, so a team's own per-case table is compared in full: numbers by their per-case mean,
    yes/no columns as the share of cases saying yes, neither judged better nor worse (a
    ``measure_config`` file says which way is better)."""
    known = set(measure_config().index)
    extra = {}
    for column in table.columns:
        if column in known or column in {cohort_col, id_col} or _IDENTIFIER.search(str(column)):
            continue  # a reference number is not a measure, and must never be charted
        words = str(column).replace("_", " ").strip()
        if pd.api.types.is_bool_dtype(table[column]) or str(table[column].dtype) == "boolean":
            extra[column] = {"label": f"Cases: {words}", "better": "neutral", "kind": "yes_no"}
        elif pd.api.types.is_numeric_dtype(table[column]):
            extra[column] = {"label": f"{words[:1].upper()}{words[1:]} per case", "better": "neutral", "kind": "count"}
    return extra


def comparison_config(
    table: pd.DataFrame, cohort_col: str, id_col: str | None = None, own_table: bool = False,
    config_file: str | None = None,
) -> dict[str, dict]:
    """The extra configuration a comparison runs with: a team's own table's other columns (see
    :func:`own_measures`) when ``own_table``, then a ``measure_config`` YAML file on top, whose
    partial entries change only the fields they name."""
    import yaml

    from .outputs import find_input

    config = own_measures(table, cohort_col, id_col) if own_table else {}
    if config_file:
        entries = yaml.safe_load(find_input(config_file).read_text(encoding="utf-8")) or {}
        for name, entry in entries.items():
            config[name] = {**config.get(name, {}), **entry}
    return config
