"""Exceptions raised by the archive package."""


class ArchiveError(Exception):
    """The archive file cannot be used safely (not SQLite, or a schema newer than this code).

    Raised instead of "repairing" anything: the archive is evidence, so we refuse rather than
    risk overwriting or reinterpreting it.
    """
