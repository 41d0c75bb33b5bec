"""One view per workbook: what its report shows, gathered once from the measures and protected
for its audience, so a notebook cell only calls, shows and says.
"""
