"""The data layer: what each input file must hold (contracts), reading and checking files
(loading), the sample data, the dates and teams a run may ask for, and the data-contract page.
"""
