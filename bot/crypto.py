"""Encryption at rest for free text (journal, answers, state), with Fernet from `cryptography`.

Without a key, text is stored as it is and the bot warns once at start-up. With a key, every
sensitive column is stored as `enc1:<fernet token>`. A wrong key fails closed: nothing starts.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

__all__ = ["PREFIX", "Cipher", "PlainTextStored", "WrongKeyError", "generate_key"]

PREFIX = "enc1:"
KEY_CHECK = "rekindle-key-check"


class WrongKeyError(Exception):
    """The data was written with a different key than the one configured."""


class PlainTextStored(WrongKeyError):
    """A key is set, but the database holds text written without one: starting would leave that text
    readable on disk while the operator believes everything is encrypted."""

    def __init__(self) -> None:
        super().__init__(
            "REKINDLE_DATA_KEY is set but this database holds text stored without encryption: stop the bot "
            "and run `python -m bot encrypt` to encrypt it in place (or unset the key)"
        )


def generate_key() -> str:
    return Fernet.generate_key().decode()


class Cipher:
    def __init__(self, key: str | None, old_keys: tuple[str, ...] = ()) -> None:
        self.enabled = bool(key)
        self._fernet: MultiFernet | None = None
        if key:
            try:
                keys = [Fernet(key.encode()), *(Fernet(k.encode()) for k in old_keys)]
            except (ValueError, TypeError) as exc:
                raise WrongKeyError(
                    "REKINDLE_DATA_KEY is not a valid key: generate one with `python -m bot gen-key`"
                ) from exc
            self._fernet = MultiFernet(keys)

    def encrypt(self, text: str) -> str:
        if self._fernet is None:
            return text
        return PREFIX + self._fernet.encrypt(text.encode()).decode()

    def decrypt(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored
        if self._fernet is None:
            raise WrongKeyError("the database holds encrypted data but REKINDLE_DATA_KEY is not set")
        try:
            return self._fernet.decrypt(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken as exc:
            raise WrongKeyError(
                "REKINDLE_DATA_KEY does not match the key this database was written with"
            ) from exc

    def seal(self, stored: str) -> str:
        """Encrypt a value stored as plain text; leave an encrypted or empty one as it is."""
        if self._fernet is None or not stored or stored.startswith(PREFIX):
            return stored
        return self.encrypt(stored)

    def rotate(self, stored: str) -> str:
        """Re-encrypt with the primary key (decrypting with any key given); plain text gets encrypted."""
        if self._fernet is None:
            return stored
        if not stored.startswith(PREFIX):
            return self.encrypt(stored)
        try:
            return PREFIX + self._fernet.rotate(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken as exc:
            raise WrongKeyError("a row was written with a key that was not given") from exc

    def key_check(self) -> str:
        return self.encrypt(KEY_CHECK)

    def verify(self, stored_check: str | None) -> None:
        """Compare against the check value saved when the database was first opened with a key."""
        if stored_check is None:
            return
        if stored_check.startswith(PREFIX) and not self.enabled:
            raise WrongKeyError("the database is encrypted but REKINDLE_DATA_KEY is not set")
        if self.enabled and self.decrypt(stored_check) != KEY_CHECK:
            raise WrongKeyError("REKINDLE_DATA_KEY does not match the key this database was written with")
