"""Measures: pure pandas functions from checked data to figures. Nothing here draws or decides
what a reader may see; where a measure carries words (a comparison row's sentence, a note on the
period), they are written with :mod:`workbook_helpers.formatting`, the layer below.
"""
