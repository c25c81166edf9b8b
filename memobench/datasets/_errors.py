"""Errors that say exactly where bad input is."""

from __future__ import annotations

from ..errors import DataError


class DatasetFormatError(DataError):
    """Malformed dataset: names the file, the sample and the field."""

    def __init__(self, file: str, sample: str | None, field: str | None, problem: str) -> None:
        self.file, self.sample, self.field, self.problem = file, sample, field, problem
        where = [file]
        if sample is not None:
            where.append(f"sample {sample}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"{': '.join(where)}: {problem}")


class DatasetNotFoundError(DataError, FileNotFoundError):
    """A dataset file is not in any of the places memobench looks."""


class ChecksumError(DataError):
    """A dataset file's sha256 is not the pinned one."""
