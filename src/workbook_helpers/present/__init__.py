"""Showing figures to people: the palette and theme, number formatting, charts (and their static
SVG), icons, sentences, and the display helpers a workbook cell calls.
"""
