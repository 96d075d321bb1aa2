"""The optional bearer token: read from a file (``--token-file``) or from the environment
(``OBLIGATE_API_TOKEN``), and required for the routes that reveal logged queries
(``/v1/log``), or for the whole API with ``--token-for api``."""

from __future__ import annotations

import hmac
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

TOKEN_VARIABLE = "OBLIGATE_API_TOKEN"
MIN_TOKEN_CHARS = 16
TokenScope = Literal["log", "api"]
LOG_PATHS = ("/v1/log",)
"""Routes that reveal what was asked (the decision log): never served without a token."""


class TokenError(ValueError):
    """The token file or variable cannot be used."""


@dataclass(frozen=True)
class Access:
    """Which routes need the token, and the token (None: no token configured)."""

    token: str | None = None
    scope: TokenScope = "log"

    def needs_token(self, path: str) -> bool:
        if any(path == p or path.startswith(p + "/") for p in LOG_PATHS):
            return True
        return self.scope == "api" and path.startswith("/v1/")

    def allows(self, authorization: str | None) -> bool:
        """Whether an ``Authorization`` header carries the token."""
        if self.token is None or authorization is None:
            return False
        kind, _, given = authorization.partition(" ")
        if kind.lower() != "bearer":
            return False
        return hmac.compare_digest(given.strip().encode(), self.token.encode())


def load_token(token_file: str | os.PathLike[str] | None) -> str | None:
    """The token from ``token_file`` (which only its owner may read) or, without a file,
    from ``OBLIGATE_API_TOKEN``; None when neither is given."""
    if token_file is not None:
        path = Path(token_file)
        try:
            info = path.stat()
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TokenError(f"cannot read {path}: {exc}") from None
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise TokenError(
                f"{path} can be read by others (mode {stat.S_IMODE(info.st_mode):o}); "
                f"chmod 600 {path}"
            )
        return _checked(text.strip(), str(path))
    value = os.environ.get(TOKEN_VARIABLE)
    return _checked(value.strip(), TOKEN_VARIABLE) if value else None


def _checked(token: str, where: str) -> str:
    if len(token) < MIN_TOKEN_CHARS or any(c.isspace() for c in token):
        raise TokenError(
            f"{where}: a token must be at least {MIN_TOKEN_CHARS} characters without spaces "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return token
