"""The audience layer: who a report is for, what they may see (small counts hidden, bounds in
words), and the pseudonyms that stand in for case references and names.
"""
