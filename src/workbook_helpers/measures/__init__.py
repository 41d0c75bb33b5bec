"""Measures: pure pandas functions from checked data to figures. Nothing here draws, formats for
people or decides what a reader may see.
"""
