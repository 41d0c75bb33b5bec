"""Reports: the HTML report made from an executed workbook, its PDF, and a batch's index page.
"""
