"""The small family of errors scsearch raises.

Extraction errors are raised only at the extractor boundary; each carries the
file it concerns and a short Czech reason that the CLI and the UI show as is.
"""

from __future__ import annotations


class ScsearchError(Exception):
    """Base of every error scsearch raises on purpose."""


class UsageError(ScsearchError):
    """Bad option values or arguments (CLI exit code 2)."""


class ExtractionError(ScsearchError):
    """A file could not be turned into text. ``reason`` is Czech, user-facing."""

    reason = "chyba při zpracování"
    code = "error"

    def __init__(self, path: str, detail: str = "") -> None:
        self.path = str(path)
        self.detail = detail
        msg = f"{self.path}: {self.reason}"
        if detail:
            msg += f" ({detail})"
        super().__init__(msg)


class UnsupportedFormat(ExtractionError):
    reason = "nepodporovaný formát"
    code = "unsupported"


class CorruptFile(ExtractionError):
    reason = "poškozený soubor"
    code = "corrupt"


class EncryptedFile(ExtractionError):
    reason = "zaheslovaný soubor"
    code = "encrypted"


class EmptyFile(ExtractionError):
    reason = "prázdný soubor"
    code = "empty"


class TooLarge(ExtractionError):
    """Exceeds a safety limit (pages, decompressed size, time)."""

    reason = "soubor překračuje bezpečnostní limit"
    code = "too_large"


class IndexError_(ScsearchError):
    """Problems with the index itself."""


class IndexLocked(IndexError_):
    """Another writer holds the lock."""


class IndexMismatch(IndexError_):
    """The index was built by another schema version or lemmatiser."""


class BackupError(ScsearchError):
    """A backup cannot be written or an archive cannot be restored (Czech message)."""


class MailError(ScsearchError):
    """An e-mail could not be handed to the SMTP server (Czech reason in the message)."""


class BadAddress(ScsearchError):
    """An e-mail address that is not valid (Czech reason in the message)."""


class MailUncertain(MailError):
    """The connection broke while the server was taking the message: it may have been delivered."""
