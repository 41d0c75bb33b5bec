"""Showing figures to people: the palette and the charts' theme, charts (and their static SVG),
icons, sentences, and the display helpers a workbook cell calls. Numbers in words are
:mod:`workbook_helpers.formatting`, below every layer.
"""
