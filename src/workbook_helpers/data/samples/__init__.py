"""Seeded, synthetic sample data the workbooks run on out of the box, one module per family of
datasets: :mod:`~workbook_helpers.data.samples.demand` (the demand log),
:mod:`~workbook_helpers.data.samples.case_review` (case events and cases) and
:mod:`~workbook_helpers.data.samples.team_performance` (work items, spending, targets and
actions).

:func:`workbook_helpers.data.datasets.write_sample` writes the sample file of every dataset,
as a UK case-management system would export it (day-first dates, ``yes``/``no`` for yes/no
columns, blanks for anything missing).
"""

#: The seed the sample data is drawn with unless another is given.
DEFAULT_SEED = 2024
