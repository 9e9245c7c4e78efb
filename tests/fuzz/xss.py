"""An XSS payload corpus, a form crawler, and a checker for live script in HTML, SVG and email.

The checker parses with lxml (never substring matching) and reports, for one document:
- a <script> that is not one of the app's own (`src` under /static/),
- an attribute named on… (event handlers),
- a javascript:/vbscript:/data:text/html URL in href, src, action, formaction, xlink:href…,
- an <iframe>, <object>, <embed>, <base> or <meta http-equiv="refresh">, none of which the
  app uses.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

MARK = "x55x"  # in every payload, so that an echo of one can be found in a page

PAYLOADS = [
    f"<script>alert('{MARK}1')</script>",
    f"<SCRIPT SRC=//evil.example/{MARK}2.js></SCRIPT>",
    f"<img src=x onerror=alert('{MARK}3')>",
    f'<img src="x" onerror="alert(\'{MARK}4\')">',
    f"<svg onload=alert('{MARK}5')>",
    f"<svg><script>alert('{MARK}6')</script></svg>",
    f"<body onload=alert('{MARK}7')>",
    f"<iframe src=\"javascript:alert('{MARK}8')\"></iframe>",
    f"<a href=\"javascript:alert('{MARK}9')\">click</a>",
    f"<a href=\"JaVaScRiPt:alert('{MARK}10')\">click</a>",
    f"<a href=\"&#106;avascript:alert('{MARK}11')\">x</a>",
    f"<a href=\"java\tscript:alert('{MARK}12')\">x</a>",
    f"[click](javascript:alert('{MARK}13'))",
    f"[click](  javascript:alert('{MARK}14') )",
    f"![img](javascript:alert('{MARK}15'))",
    f"<javascript:alert('{MARK}16')>",
    f"\"><script>alert('{MARK}17')</script>",
    f"'><script>alert('{MARK}18')</script>",
    f"\" onmouseover=\"alert('{MARK}19')",
    f"' onfocus='alert(`{MARK}20`)' autofocus '",
    f"</textarea><script>alert('{MARK}21')</script>",
    f"</title><script>alert('{MARK}22')</script>",
    f"</style><script>alert('{MARK}23')</script>",
    f"<details open ontoggle=alert('{MARK}24')>",
    f"<input autofocus onfocus=alert('{MARK}25')>",
    f"<video><source onerror=alert('{MARK}26')></video>",
    f"<audio src=x onerror=alert('{MARK}27')>",
    f"<object data=\"javascript:alert('{MARK}28')\"></object>",
    f"<embed src=\"javascript:alert('{MARK}29')\">",
    f"<base href=\"javascript:alert('{MARK}30')//\">",
    f'<meta http-equiv="refresh" content="0;url=javascript:alert(\'{MARK}31\')">',
    f"<form action=\"javascript:alert('{MARK}32')\"><button>go</button></form>",
    f"<button formaction=\"javascript:alert('{MARK}33')\">go</button>",
    f"<math><mtext><table><mglyph><style><img src=x onerror=alert('{MARK}34')>",
    f"<noscript><p title=\"</noscript><img src=x onerror=alert('{MARK}35')>\">",
    f"<scr<script>ipt>alert('{MARK}36')</scr</script>ipt>",
    f"<<script>script>alert('{MARK}37')<</script>/script>",
    f"<svg><a xlink:href=\"javascript:alert('{MARK}38')\"><text>x</text></a></svg>",
    f"<div style=\"background:url(javascript:alert('{MARK}39'))\">x</div>",
    f"<marquee onstart=alert('{MARK}40')>x</marquee>",
    f"<select onfocus=alert('{MARK}41') autofocus>",
    f"<keygen autofocus onfocus=alert('{MARK}42')>",
    f"<isindex action=javascript:alert('{MARK}43') type=submit>",
    f'<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">{MARK}44</a>',
    f"<img src=\"data:text/html,<script>alert('{MARK}45')</script>\">",
    f"javascript:alert('{MARK}46')",
    f"data:text/html,<script>alert('{MARK}47')</script>",
    f"{{{{7*7}}}} {{% raw %}}{MARK}48",
    f"${{alert('{MARK}49')}}",
    f"<!--<script>alert('{MARK}50')</script>-->",
    f"<![CDATA[<script>alert('{MARK}51')</script>]]>",
    f"<a href=\"  javascript:alert('{MARK}52')\">x</a>",
    f"<img src=`x` onerror=alert('{MARK}53')>",
    f"%3Cscript%3Ealert('{MARK}54')%3C/script%3E",
    f"&lt;script&gt;alert('{MARK}55')&lt;/script&gt;",
    f"<a href=https://example.org onclick=alert('{MARK}56')>link</a>",
    f"https://example.org/\"><script>alert('{MARK}57')</script>",
    f"{MARK}58@example.org<script>alert(1)</script>",
    f"<x onpointerenter=alert('{MARK}59')>hover</x>",
    f"\u202e<script>alert('{MARK}60')</script>",
]

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "cite",
    "longdesc",
    "xlink:href",
    "{http://www.w3.org/1999/xlink}href",
}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}
_DANGEROUS_URL = re.compile(r"^(javascript|vbscript|data:text/html)", re.IGNORECASE)
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""  # comments and processing instructions
    return tag.rsplit("}", 1)[-1].lower()


def dangerous_url(value: str) -> bool:
    """javascript:, vbscript: or data:text/html, however spaced out or cased."""
    return bool(_DANGEROUS_URL.match(_IGNORED_IN_URL.sub("", value)))


def live_script(root: lxml.etree._Element, where: str) -> list[str]:
    """Every way the document could run script that is not the app's own."""
    found: list[str] = []
    for element in root.iter():
        tag = _local(element.tag)
        if not tag:
            continue
        if tag == "script":
            src = element.get("src") or ""
            if not src.startswith("/static/") or (element.text or "").strip():
                found.append(f"{where}: <script src={src!r}>{(element.text or '')[:60]!r}")
        if tag in FORBIDDEN_TAGS:
            found.append(f"{where}: <{tag}> element")
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            found.append(f"{where}: <meta http-equiv=refresh>")
        for name, value in element.attrib.items():
            local = _local(name)
            if local.startswith("on"):
                found.append(f"{where}: <{tag} {local}={value[:60]!r}>")
            if (local in URL_ATTRIBUTES or name in URL_ATTRIBUTES) and dangerous_url(value):
                found.append(f"{where}: <{tag} {local}={value[:60]!r}>")
    return found


def check_html(text: str, where: str) -> list[str]:
    if not text.strip():
        return []
    return live_script(lxml.html.document_fromstring(text), where)


def check_svg(data: bytes, where: str) -> list[str]:
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True)
    return live_script(lxml.etree.fromstring(data, parser), where)


# Pages and forms ------------------------------------------------------------------------

SKIPPED_PATHS = re.compile(
    r"^/(static|api/docs)|/(logout|delete|remove|withdraw|disable|leave|merge|hide|unverify|"
    r"remove-admin|make-admin|transfer|download)(/|$)|\.(pdf|docx|png|csv|json|geojson)$"
)
_VARYING = re.compile(r"/(\d+|[A-Z]{1,4}\d+[a-z]?)(?=/|$)")


def shape(path: str) -> str:
    """The path with ids and marker codes replaced, to visit only a few of each kind."""
    return _VARYING.sub("/_", path)


@dataclass
class Form:
    page: str
    action: str
    method: str
    hidden: dict[str, str]
    text_fields: list[str]
    choices: dict[str, str]
    enctype: str = ""

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.method, shape(self.action), tuple(sorted(self.text_fields)))


def local_links(html: lxml.html.HtmlElement, base: str) -> Iterator[str]:
    for element in html.iter("a"):
        href = element.get("href")
        if not href:
            continue
        target = urlsplit(urljoin(base, href))
        if target.netloc not in ("", "testserver") or target.scheme not in ("", "http"):
            continue
        yield target.path + (f"?{target.query}" if target.query else "")


TEXT_TYPES = {"", "text", "search", "email", "url", "tel", "number", "password", "date"}


def page_forms(html: lxml.html.HtmlElement, page: str) -> Iterator[Form]:
    for element in html.forms:
        action = urlsplit(urljoin(f"http://testserver{page}", element.get("action") or page))
        if action.netloc not in ("", "testserver"):
            continue
        hidden: dict[str, str] = {}
        text_fields: list[str] = []
        choices: dict[str, str] = {}
        for control in element.inputs:
            name = control.get("name")
            if not name:
                continue
            kind = (control.get("type") or "").lower() if control.tag == "input" else control.tag
            if kind == "hidden":
                hidden[name] = control.get("value") or ""
            elif kind in TEXT_TYPES or kind == "textarea":
                if name not in text_fields:
                    text_fields.append(name)
            elif kind in ("checkbox", "radio"):
                choices.setdefault(name, control.get("value") or "on")
            elif kind == "select":
                options = [o.get("value", o.text_content()) for o in control.iter("option")]
                useful = [o for o in options if o]
                if useful:
                    choices.setdefault(name, useful[0])
        yield Form(
            page=page,
            action=action.path,
            method=(element.get("method") or "get").upper(),
            hidden=hidden,
            text_fields=text_fields,
            choices=choices,
            enctype=element.get("enctype") or "",
        )


@dataclass
class Crawl:
    """Pages reached by following links from `starts`, a few of each shape, at most `limit`."""

    starts: Iterable[str]
    limit: int = 150
    per_shape: int = 3
    seen: set[str] = field(default_factory=set)

    def paths(self, fetch: object) -> Iterator[tuple[str, str]]:
        """(path, HTML) of each page; `fetch(path)` returns HTML or None."""
        queue = deque(self.starts)
        shapes: dict[str, int] = {}
        while queue and len(self.seen) < self.limit:
            path = queue.popleft()
            if path in self.seen or SKIPPED_PATHS.search(path.split("?")[0]):
                continue
            kind = shape(path.split("?")[0])
            if shapes.get(kind, 0) >= self.per_shape:
                continue
            shapes[kind] = shapes.get(kind, 0) + 1
            self.seen.add(path)
            text = fetch(path)  # type: ignore[operator]
            if text is None:
                continue
            yield path, text
            html = lxml.html.document_fromstring(text)
            queue.extend(
                link
                for link in local_links(html, f"http://testserver{path}")
                if link not in self.seen
            )
