"""Reading form exports as people download them (SPEC §3, §9).

Google Forms CSVs (whatever they are called, zipped or not, in UTF-8, UTF-16 or
Windows-1252, with `,`, `;` or tab between cells) and Microsoft Forms `.xlsx` workbooks,
each matched to its form by its header. `ExportProblem` is an export that cannot be
used as it is; its message says which file, what is wrong and what to do.
"""

from __future__ import annotations


class ExportProblem(ValueError):
    """An export that cannot be read as it is (empty, cut short, not text, ...)."""
