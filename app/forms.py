"""Form data → a pydantic model, or plain-English messages by field for the error summary.

Form models raise `ValueError("the message a person reads")` in their validators; required
fields name their message in `MESSAGES`. Empty text counts as missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, ClassVar, TypeVar
from urllib.parse import parse_qsl, urlencode

from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.types import ASGIApp, Receive, Scope, Send

from app.text import without_control_characters

# The largest whole number a database integer column holds (PostgreSQL `integer`). An id or
# number beyond it cannot exist; bounding it makes such an address "not found" (404) and
# such a form value a form error, instead of a query the database refuses (500).
MAX_DB_INT = 2**31 - 1
DbInt = Annotated[int, Field(ge=0, le=MAX_DB_INT)]

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.com"


class Form(BaseModel):
    """Base for form models: `MESSAGES[field]` is said when the field is left empty."""

    MESSAGES: ClassVar[dict[str, str]] = {}


FormT = TypeVar("FormT", bound=Form)
Errors = dict[str, str]


def form_values(form: FormData) -> dict[str, Any]:
    """Trimmed text values without control characters (a NUL breaks PostgreSQL and Word
    files; only tab and new lines are kept); repeated fields (checkboxes, multi-selects)
    become lists."""
    values: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token":
            continue
        items = [item for item in form.getlist(key) if not isinstance(item, UploadFile)]
        texts = [without_control_characters(str(item)).strip() for item in items]
        if len(texts) > 1:  # repeated fields: drop the ones left empty
            texts = [text for text in texts if text]
        values[key] = texts if len(texts) > 1 or key.endswith("[]") else (texts[0] if texts
                                                                           else "")
    return {key.removesuffix("[]"): value for key, value in values.items()}


class CleanQueryString:
    """GET forms (searches, filters) send their fields in the address: the same rule as
    `form_values`, for every route that reads the query string, before any of them does."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("query_string"):
            # In place, as the outer middleware (the request log) reads the same scope.
            scope["query_string"] = clean_query_string(scope["query_string"])
        await self.app(scope, receive, send)


def clean_query_string(raw: bytes) -> bytes:
    """The query string without control characters; untouched (byte for byte) if it has none."""
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    cleaned = [(without_control_characters(key), without_control_characters(value))
               for key, value in pairs]
    return raw if cleaned == pairs else urlencode(cleaned).encode("ascii")


def parse(model: type[FormT], values: Mapping[str, Any]) -> tuple[FormT | None, Errors]:
    """Validate; on failure return one message per field, in the form's field order."""
    cleaned = {key: value for key, value in values.items() if value not in ("", [], None)}
    try:
        return model.model_validate(cleaned), {}
    except ValidationError as error:
        found: Errors = {}
        for problem in error.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "__all__"
            if field in found:
                continue
            found[field] = _message(model, field, problem)
        order = list(model.model_fields)
        return None, dict(sorted(found.items(),
                                 key=lambda item: order.index(item[0]) if item[0] in order
                                 else len(order)))


def _message(model: type[Form], field: str, problem: Any) -> str:
    if problem["type"] == "missing":
        return model.MESSAGES.get(field, "Enter this information")
    if problem["type"] == "value_error":
        return str(problem["ctx"]["error"])
    if problem["type"] in {"literal_error", "enum"}:
        return model.MESSAGES.get(field, "Choose one of the options")
    if problem["type"] == "string_too_long":
        return f"This must be {problem['ctx']['max_length']} characters or fewer"
    return model.MESSAGES.get(field, "Check this information")


def check_email(value: str) -> str:
    value = value.strip()
    if not EMAIL.match(value) or len(value) > 254:
        raise ValueError(EMAIL_MESSAGE)
    return value.lower()


def check_password(value: str) -> str:
    if len(value) < 10:
        raise ValueError("Password must be 10 characters or more")
    if len(value) > 200:
        raise ValueError("Password must be 200 characters or fewer")
    return value


def check_website(value: str) -> str:
    from urllib.parse import urlsplit

    value = value.strip()
    if value and "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or "." not in parts.netloc or " " in value:
        raise ValueError("Enter a web address in the correct format, like "
                         "https://www.example.org")
    return value


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")


def _month(text: str) -> int:
    """A month box's number, or its name as people type it: "April", "apr", "Sept."."""
    if text.isdigit():
        return int(text)
    word = text.strip().rstrip(".").lower()
    for number, name in enumerate(_MONTHS, start=1):
        if len(word) >= 3 and name.startswith(word):
            return number
    raise ValueError(text)


def date_from_parts(values: dict[str, Any], name: str, label: str,
                    required: bool = False) -> tuple[date | None, str | None]:
    """A GOV.UK date input (name-day, name-month, name-year) as a date, or a message."""
    parts = [str(values.get(f"{name}-{part}", "")).strip() for part in ("day", "month", "year")]
    if not any(parts):
        return None, (f"Enter {label}" if required else None)
    if not all(parts):
        missing = [part for part, value in zip(("day", "month", "year"), parts, strict=True)
                   if not value]
        return None, f"{label[0].upper()}{label[1:]} must include a {missing[0]}"
    try:
        day, year = int(parts[0]), int(parts[2])
        month = _month(parts[1])
        if not 1000 <= year <= 9999:  # a typo, or beyond what a date can hold
            raise ValueError
        return date(year, month, day), None
    except (ValueError, OverflowError):  # a day or month too big for C's int overflows
        return None, f"{label[0].upper()}{label[1:]} must be a real date, like 31 3 2027"


MAX_PAGE = 100_000  # past any list we hold; keeps the OFFSET a small number


def page_number(value: str | None) -> int:
    """The page asked for in the address; anything that is not a page number is the first."""
    try:
        return max(1, min(int(value or 1), MAX_PAGE))
    except ValueError:
        return 1
