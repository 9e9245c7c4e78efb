"""The Jinja environment, and `render()` that answers HTMX with a named block of the page."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from fastapi import Request
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    pass_context,
)
from jinja2_fragments.fastapi import Jinja2Blocks
from markupsafe import Markup
from starlette.responses import Response

from app.config import PROJECT_ROOT
from app.text import long_date, render_markdown, took_part_sentence

TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "app" / "static"
EASY_READ_COOKIE = "mir_easy_read"


def _asset_versions() -> dict[str, str]:
    """Cache-busting names written by the asset build (scripts/build-assets.mjs)."""
    manifest = STATIC_DIR / "dist" / "manifest.json"
    if not manifest.exists():
        return {}
    loaded: dict[str, str] = json.loads(manifest.read_text(encoding="utf-8"))
    return loaded


def _framework_words(context: Any, words: str,
                     pairs: Callable[[Any], Iterable[tuple[str, str | None]]]) -> str:
    """`words` as the page shows them: in Easy Read, the Easy Read wording a framework gives
    for them (`pairs(framework)` yields standard and Easy Read wording), when it has one."""
    if not context.get("easy_read"):
        return words
    state = getattr(getattr(context.get("request"), "app", None), "state", None)
    for framework in getattr(state, "catalogue", None) or ():
        for standard, easy in pairs(framework):
            if standard == words and easy:
                return easy
    return words


@pass_context
def _marker_words(context: Any, statement: str) -> str:
    """A marker's statement as the page shows it (a publication keeps the statement it was
    published with; the Easy Read wording is a way of reading it, never a change to it)."""
    return _framework_words(context, statement,
                            lambda framework: ((m.statement, m.easy_read)
                                               for m in framework.markers))


@pass_context
def _theme_words(context: Any, title: str) -> str:
    """A theme's title as the page shows it, as for a marker's statement."""
    return _framework_words(context, title,
                            lambda framework: ((t.title, t.title_easy_read)
                                               for t in framework.themes))


def in_reading_mode(words: Callable[..., str]) -> Callable[..., str]:
    """A template global for a label with Easy Read wording, `words(value, easy_read=…)`,
    that reads the page's mode: templates write `kind_words(organisation.kind)`, and the
    label functions stay in the packages that own the words."""
    @pass_context
    def worded(context: Any, value: str) -> str:
        return words(value, easy_read=bool(context.get("easy_read")))
    return worded


def build_environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([
            FileSystemLoader(TEMPLATES_DIR),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]),
        autoescape=True,
        # Templates change only with a new release, like the code: checking each file's
        # modification time on every render cost 5 % of a cold page.
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    versions = _asset_versions()
    env.globals["asset"] = lambda name: "/static/dist/" + str(versions.get(name, name))
    env.filters["urlquote"] = lambda value: quote(str(value), safe="")
    env.filters["error_links"] = _error_links
    env.filters["markdown"] = render_markdown
    env.filters["long_date"] = long_date
    env.globals["took_part_sentence"] = took_part_sentence
    env.globals["marker_words"] = _marker_words
    env.globals["theme_words"] = _theme_words
    env.filters["radio_items"] = _radio_items
    env.filters["checkbox_items"] = _checkbox_items
    env.filters["select_items"] = _select_items
    env.globals["fixed_select"] = fixed_select
    return env


def _error_links(_fields: object, errors: dict[str, str],
                 date_fields: Collection[str] = ()) -> list[dict[str, str]]:
    """The error summary's links, in the order the fields appear on the page.

    A date input's id is on its wrapper, which cannot take focus: its link goes to its
    first box, the day (as GOV.UK's error summary asks)."""
    return [{"text": message, "href": f"#{field}-day" if field in date_fields else f"#{field}"}
            for field, message in errors.items()]


def _options(options: Any) -> list[tuple[str, str | Markup, str | None]]:
    """(value, label[, hint]) tuples or a {value: label} mapping, as triples."""
    pairs = options.items() if isinstance(options, dict) else options
    return [(str(o[0]), o[1] if isinstance(o[1], Markup) else str(o[1]),
             tuple(o)[2] if len(o) > 2 else None) for o in pairs]


def _radio_items(options: Any, selected: Any, form: str | None = None) -> list[dict[str, Any]]:
    # A label given as Markup (say, with the words searched for marked) is kept as HTML.
    # `form` ties each radio to a form elsewhere on the page (the HTML form attribute).
    return [{"value": value, "html" if isinstance(label, Markup) else "text": label,
             "checked": str(selected) == value, "hint": {"text": hint} if hint else None,
             "attributes": {"form": form} if form else {}}
            for value, label, hint in _options(options)]


def _checkbox_items(options: Any, selected: Any) -> list[dict[str, Any]]:
    chosen = {str(item) for item in (selected or ())}
    return [{"value": value, "text": label, "checked": value in chosen,
             "hint": {"text": hint} if hint else None}
            for value, label, hint in _options(options)]


def _select_items(options: Any, selected: Any) -> list[dict[str, Any]]:
    chosen = {str(item) for item in selected} if isinstance(selected, list | tuple | set) \
        else {str(selected)}
    return [{"value": value, "text": label, "selected": value in chosen}
            for value, label, _hint in _options(options)]


def fixed_select(name: str, label: str, options: Iterable[Any], selected: Any = "",
                 classes: str = "") -> Markup:
    """components/forms.html's select() for options that never change while the process runs
    (reference data: council areas, regions, kinds): rendered once per process for each
    chosen value. GOV.UK's macro calls an attributes macro for each option, and the 154
    council areas took 16–29 ms of every cold directory page. No error message: a select
    that can show one is built from select() each time."""
    pairs = options.items() if isinstance(options, dict) else options
    return _rendered_select(name, label, tuple(tuple(option) for option in pairs),
                            str(selected or ""), classes)


@lru_cache(maxsize=1024)
def _rendered_select(name: str, label: str, options: tuple[tuple[Any, ...], ...],
                     selected: str, classes: str) -> Markup:
    select = templates.env.get_template("components/forms.html").module.select  # type: ignore[attr-defined]
    return Markup(select(name, label, list(options), selected, classes=classes))


templates = Jinja2Blocks(env=build_environment())


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def easy_read_on(request: Request) -> bool:
    return request.cookies.get(EASY_READ_COOKIE) == "1"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    block: str | None = None,
) -> Response:
    """Render a whole page, or only `block` of it when htmx asked for it."""
    values: dict[str, Any] = {
        "request": request,
        "easy_read": easy_read_on(request),
        "current_path": request.url.path,
        "current_url": str(request.url.path)
        + (f"?{request.url.query}" if request.url.query else ""),
    }
    session = getattr(request.state, "session", None)
    values["csrf_token"] = session.csrf if session is not None else ""
    values["current_user"] = getattr(request.state, "viewer", None)
    if session is not None and not is_htmx(request) and "flash" not in (context or {}):
        values["flash"] = session.pop_flash()
    # True when only `block` goes back to htmx: a template can add out-of-band pieces then.
    values["htmx_partial"] = block is not None and is_htmx(request)
    values.update(context or {})
    if values["htmx_partial"]:
        response: Response = templates.TemplateResponse(
            request, template, values, status_code=status_code, block_name=block
        )
    else:
        response = templates.TemplateResponse(request, template, values, status_code=status_code)
    response.headers["Vary"] = "HX-Request, Cookie"
    return response
