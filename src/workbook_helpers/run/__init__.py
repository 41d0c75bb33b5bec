"""Running workbooks: the registry of workbooks, their parameters, the kernel and runner, the
batch, and the ``workbook`` command.
"""
