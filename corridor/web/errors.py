"""Errors over HTTP: JSON with the library's one-line message and a 4xx status, never a traceback.

==========================================  ======  ==========================================
error                                       status  when
==========================================  ======  ==========================================
malformed JSON, a body not UTF-8            400     the body cannot be read at all
API key missing or wrong                    401     ``CORRIDOR_API_KEY`` is set
``UnknownPlaceError``, ``PlaceNotOpenError`` 404    with ``suggestions`` (place ids)
unknown path / method                       404/405
body or table too large                     413     ``max_body_bytes``, ``max_rows``
``InvalidRequestError``, ``DataError``,     422     a field of the wrong type, unknown fields,
validation of the body                              NaN, contradictory options
``NoRouteError``, ``DeadlineError``,        422     the request has no answer (the CLI's
``InfeasibleError``, time limit reached             exit code 1); ``fastest`` for a deadline
anything else                               500     a bug: logged with its traceback, the
                                                    client gets one line
==========================================  ======  ==========================================
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from corridor.errors import (
    CorridorError,
    DeadlineError,
    InfeasibleError,
    SolverError,
    UnknownPlaceError,
)
from corridor.options import unknown_options

logger = logging.getLogger(__name__)

NOT_FOUND = 404
TOO_LARGE = 413
UNPROCESSABLE = 422
BAD_REQUEST = 400
SERVER_ERROR = 500
INTERNAL = "internal error (a bug); see the server's log"
"""The message of a bug: the details go to the log, not to the client."""


def error_response(
    status: int,
    error: str,
    message: str,
    **more: Any,  # noqa: ANN401 - JSON values
) -> JSONResponse:
    """An error document (:class:`~corridor.web.models.ErrorDocument`) with ``status``."""
    body = {"error": error, "message": message} | {k: v for k, v in more.items() if v is not None}
    return JSONResponse(body, status_code=status)


def corridor_error(error: CorridorError) -> JSONResponse:
    """The response to a library error: its class, its message, a status by its kind."""
    name = type(error).__name__
    if isinstance(error, UnknownPlaceError):
        return error_response(NOT_FOUND, name, str(error), suggestions=error.suggestions)
    if isinstance(error, DeadlineError):
        fastest = getattr(error.fastest, "to_dict", None)
        return error_response(
            UNPROCESSABLE, name, str(error), fastest=fastest() if fastest else None
        )
    if isinstance(error, SolverError) and not error.time_limit:
        logger.error("solver failure: %s", error)
        return error_response(SERVER_ERROR, name, str(error))
    if isinstance(error, InfeasibleError | SolverError):
        return error_response(UNPROCESSABLE, name, str(error))
    return error_response(UNPROCESSABLE, name, str(error))


def validation_message(errors: list[dict[str, Any]], model: type | None = None) -> str:
    """Pydantic's errors of a body in one line; unknown fields named with the one meant."""
    unknown = [str(e["loc"][-1]) for e in errors if e.get("type") == "extra_forbidden"]
    parts = []
    if unknown:
        parts.append(unknown_options(unknown, model, "field(s)") if model else "")
    for e in errors:
        if e.get("type") == "extra_forbidden":
            continue
        where = ".".join(str(part) for part in e.get("loc", ()) if part != "body")
        got = f" (got {e['input']!r})" if "input" in e and not isinstance(e["input"], dict) else ""
        parts.append(f"{where or 'body'}: {e.get('msg', 'invalid')}{got}")
    return "; ".join(p for p in parts if p)


def install_handlers(app: FastAPI, requests: dict[str, type]) -> None:
    """Register the handlers that make every error a JSON document (see the module's table).

    ``requests`` maps a path to the request class its body holds, so an unknown field is
    answered with the field meant (``dedline``: did you mean ``deadline``?).
    """

    @app.exception_handler(CorridorError)
    async def on_corridor_error(request: Request, error: CorridorError) -> JSONResponse:
        del request
        return corridor_error(error)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = list(error.errors())
        if any(e.get("type") == "json_invalid" for e in errors):
            detail = errors[0].get("ctx", {}).get("error", "")
            return error_response(BAD_REQUEST, "MalformedJSON", f"malformed JSON: {detail}")
        model = requests.get(request.url.path)
        return error_response(
            UNPROCESSABLE, "InvalidRequestError", validation_message(errors, model)
        )

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        del request
        names = {
            400: "MalformedJSON",
            401: "Unauthorized",
            404: "NotFound",
            405: "MethodNotAllowed",
            413: "TooLarge",
        }
        name = names.get(error.status_code, "HTTPError")
        response = error_response(error.status_code, name, str(error.detail))
        for key, value in (error.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Exception)
    async def on_bug(request: Request, error: Exception) -> JSONResponse:
        logger.exception("internal error on %s %s", request.method, request.url.path)
        del error
        return error_response(SERVER_ERROR, "InternalError", INTERNAL)


class BodyLimit:
    """ASGI middleware: a request body over ``max_bytes`` gets 413, read or not.

    A ``Content-Length`` over the limit is refused before anything is read; a body sent in
    chunks is counted as it is read and refused at the first byte over.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 413 for a body over the limit; pass anything else on."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", ())).get(b"content-length")
        too_large = f"request body over {self.max_bytes:,} bytes (this server's limit)"
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            response = error_response(TOO_LARGE, "TooLarge", too_large)
            await response(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(TOO_LARGE, too_large)
            return message

        await self.app(scope, limited, send)


def strict_json(raw: bytes) -> Any:  # noqa: ANN401 - any JSON value
    """A JSON body read strictly: UTF-8, and no NaN or Infinity (which are not JSON).

    Raises
    ------
    HTTPException
        400, saying what is wrong, for text that is not JSON.
    """

    def refuse(constant: str) -> None:
        msg = f"{constant} is not a JSON number"
        raise ValueError(msg)

    try:
        return json.loads(raw.decode("utf-8"), parse_constant=refuse)
    except UnicodeDecodeError:
        raise HTTPException(BAD_REQUEST, "malformed JSON: the body is not UTF-8") from None
    except ValueError as error:  # JSONDecodeError too
        raise HTTPException(BAD_REQUEST, f"malformed JSON: {error}") from None
