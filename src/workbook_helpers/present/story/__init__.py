"""Sentences for the reports, computed from the figures so every number in the prose is traceable:
counts and shares as a report may give them (counting), the demand study's sentences (demand),
the case review's (cases), the team performance's (performance) and the before/after
comparison's (comparison).

Data values (team, service and demand type names) are escaped here, so a sentence is safe to
show as Markdown or HTML whatever the data holds; the team performance's sentences are plain
text, which its notebook escapes as it says them.

Sentences follow the report's audience (:mod:`workbook_helpers.privacy.policy`): in a public report a
count of people, cases, demands or assessments from 1 to ``suppress_below - 1`` is said as the
bound it implies ("fewer than 5 cases"), and a share that rests on few or would give a small
count away as the bound its denominator gives ("under 17%"). Sentences state no totals to
subtract from, so a count a table hides only to protect another is given (the headline does not
cascade), except where a sentence sits on a table's own figures and is passed its mask. The
words around a hidden count do not give it away either ("fewer than 5 cases are", never "case
is").
"""
