"""The server's settings: safe defaults, each one changeable by a flag or an environment variable.

Loopback only, no API key, no CORS, a 1 MB request body, 10,000 rows in a ``quote-many`` or a
``plan`` demand table, 10 s of solver time and 100,000 transit-time draws per request. A
setting is read once, when the app is made (:func:`corridor.web.create_app`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from corridor.errors import InvalidRequestError

API_KEY_HEADER = "X-API-Key"
"""The request header that carries the API key, when one is set."""
ENV = {
    "api_key": "CORRIDOR_API_KEY",
    "cors_origins": "CORRIDOR_CORS_ORIGINS",
    "max_body_bytes": "CORRIDOR_MAX_BODY_BYTES",
    "max_rows": "CORRIDOR_MAX_ROWS",
    "max_time_limit_s": "CORRIDOR_MAX_TIME_LIMIT_S",
    "max_samples": "CORRIDOR_MAX_SAMPLES",
}
"""The environment variable of each setting that has one (the data folder: ``CORRIDOR_DATA``)."""


@dataclass(frozen=True)
class Settings:
    """How the HTTP service answers: limits per request, who may call, which data.

    Parameters
    ----------
    data_dir
        The data folder (None: the shipped data, or ``$CORRIDOR_DATA``).
    api_key
        If set, every endpoint but ``/``, ``/health`` and the page's files needs it in the
        ``X-API-Key`` header (401 otherwise).
    cors_origins
        Origins allowed to call from a browser page of another site (none: CORS off).
    max_body_bytes
        Largest request body, bytes (413 above it).
    max_rows
        Most rows of a ``quote-many`` request or a ``plan`` demand table (413 above it).
    max_time_limit_s
        Solver time limit of one request, s: a request's ``time_limit_s`` is capped to it and
        a plan without one gets it.
    max_samples
        Most draws of the transit-time simulation in one quote (422 above it).
    """

    data_dir: Path | None = None
    api_key: str | None = None
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = 1_000_000
    max_rows: int = 10_000
    max_time_limit_s: float = 10.0
    max_samples: int = 100_000

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "max_rows", "max_samples"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                msg = f"{name} must be a whole number, 1 or more, got {value!r}"
                raise InvalidRequestError(msg)
        if not 0 < self.max_time_limit_s < float("inf"):
            msg = f"max_time_limit_s must be a positive number, got {self.max_time_limit_s!r}"
            raise InvalidRequestError(msg)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **given: object) -> Settings:
        """Settings from the environment (:data:`ENV`), overridden by those ``given``.

        An empty variable is unset; ``CORRIDOR_CORS_ORIGINS`` lists origins separated by
        commas.

        Raises
        ------
        InvalidRequestError
            For a variable that is not a number where a number is needed, naming it.
        """
        env = os.environ if environ is None else environ
        read: dict[str, object] = {}
        for name, variable in ENV.items():
            text = env.get(variable, "").strip()
            if not text:
                continue
            if name == "api_key":
                read[name] = text
            elif name == "cors_origins":
                read[name] = tuple(o.strip() for o in text.split(",") if o.strip())
            else:
                kind = float if name == "max_time_limit_s" else int
                try:
                    read[name] = kind(text)
                except ValueError:
                    msg = f"{variable} must be a number, got {text!r}"
                    raise InvalidRequestError(msg) from None
        if env.get("CORRIDOR_DATA", "").strip():
            read["data_dir"] = Path(env["CORRIDOR_DATA"])
        read |= {k: v for k, v in given.items() if v is not None}
        return cls(**read)  # type: ignore[arg-type]
