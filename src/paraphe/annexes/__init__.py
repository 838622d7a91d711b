"""Annex stage: an annex PDF comes from anyone, so it is looked at in a sandbox before the build touches it.

The PDF is parsed by a child process (`guard` starts `python -m paraphe.annexes.sandbox`, the bytes
on its standard input) under a memory, CPU-time and wall-clock limit, so a decompression bomb, a
cyclic page tree or a parser bug costs that child, never the build. The child reports what would
make the annex unsafe or unusable inside a convention: not a PDF at all, truncated, encrypted,
JavaScript or actions that run or launch something, embedded files, signature fields, form fields
named like the convention's own signature fields, streams that inflate beyond pypdf's limits or
cannot be decoded. Whatever it accepts, the assembler, the build record and the signer can read.

- `guard`: the parent side, what the build calls (reading the file, the child, its limits, a cache);
- `sandbox`: the child side, what runs under the limits (sniffing the bytes, opening the PDF);
- `walk`: the child's walk over every object of the PDF;
- `limits`: the numbers both sides agree on, and the problem said when one is reached.

Validation reports these problems, located on the annex's line; the assembler asks again (from the
cache) for the bytes it inserts. Both import this stage; it imports only the shared vocabulary.
"""

from __future__ import annotations

from paraphe.annexes.guard import Inspection, inspect_pdf, read_annex
from paraphe.annexes.limits import Problem

__all__ = ["Inspection", "Problem", "inspect_pdf", "read_annex"]
