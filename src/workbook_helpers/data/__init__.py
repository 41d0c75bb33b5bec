"""The data layer: every dataset declared once (datasets), what each input file must hold
(contracts), reading and checking files (loading, with reading, parsing, activities, notes and
problems), the sample data (samples), finding input files and the words for yes and no (inputs),
the team-performance measures a targets file may name (performance_measures), the dates and teams
a run may ask for, and the data-contract page (docs).
"""
