"""Statistical process control: XmR limits and signals (Making Data Count), and the known changes
where a chart's limits start afresh.
"""
