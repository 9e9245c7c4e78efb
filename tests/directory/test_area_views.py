"""The area page shows what local people say about the area's organisations, beside their own
words and the replies, compactly; the cached page goes stale when a view or reply is
published or hidden."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import User
from app.caching import cache_of
from app.clock import today
from app.db import engine_for
from app.directory.areas import ViewTally, local_views
from app.moderation.service import hide_publication
from app.organisations.models import Organisation
from app.publications.models import Publication
from app.templating import EASY_READ_COOKIE
from app.views import publishing
from app.views.comparison import ViewSummary
from tests.factories import make_organisation, make_user
from tests.views.factories import FRAMEWORK, complete_view, publish_plan, publish_view, start_view

BOLTON = "E08000001"
BURY = "E08000002"
DRAFT_SECRET = "AREA-DRAFT-SECRET-9d2e"
T = TypeVar("T")


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    with Session(engine_for(database_url)) as session:
        yield session


def _people(db: Session, name: str, kind: str, area: str) -> tuple[Organisation, User]:
    owner = make_user(db, email=f"{name.split()[0].lower()}.{kind}@example.org", name=name)
    return make_organisation(db, owner=owner, name=name, kind=kind, areas=(area,)), owner


def _view(db: Session, viewer: Organisation, owner: User, about: Publication,
          levels: dict[str, str], upload_dir: Path) -> Publication:
    draft = start_view(db, viewer, owner, about)
    complete_view(db, draft, owner, levels=levels)
    return publish_view(db, draft, viewer, owner, upload_dir=upload_dir)


def _reply(db: Session, council: Organisation, owner: User, view: Publication,
           words: str) -> Publication:
    return publishing.publish_reply(db, actor_id=owner.id or 0, organisation=council,
                                 view_publication=view, framework=FRAMEWORK,
                                 overall="Thank you.", per_marker={"IA1": words},
                                 today=today())


@pytest.fixture
def bolton(db: Session, tmp_path: Path) -> dict[str, object]:
    """Bolton Council (a published plan, drafts since) viewed by two DPULOs, one answered;
    a Bolton provider viewed too; Bury Council viewed, in the next area."""
    council, council_owner = _people(db, "Bolton Council", "council", BOLTON)
    plan = publish_plan(db, council, council_owner, upload_dir=tmp_path,
                        draft_secret=DRAFT_SECRET)
    voice, voice_owner = _people(db, "Bolton Voice", "dpulo", BOLTON)
    forum, forum_owner = _people(db, "Aardvark Forum", "dpulo", BURY)
    first = _view(db, voice, voice_owner, plan,
                  {"IA1": "not_started", "IA2": "making_progress", "IA3": "real"}, tmp_path)
    _reply(db, council, council_owner, first, "We are hiring two more advisers.")
    _view(db, forum, forum_owner, plan, {"IA1": "getting_started"}, tmp_path)
    provider, provider_owner = _people(db, "Aaron Care", "provider", BOLTON)
    provider_plan = publish_plan(db, provider, provider_owner, upload_dir=tmp_path)
    _view(db, voice, voice_owner, provider_plan, {"IA1": "real"}, tmp_path)
    bury, bury_owner = _people(db, "Bury Council", "council", BURY)
    bury_plan = publish_plan(db, bury, bury_owner, upload_dir=tmp_path)
    _view(db, forum, forum_owner, bury_plan, {"IA1": "real"}, tmp_path)
    db.commit()
    return {"council": council, "first": first, "upload_dir": tmp_path}


def test_in_easy_read_the_tally_is_short_sentences(client: TestClient,
                                                   bolton: dict[str, object]) -> None:
    client.cookies.set(EASY_READ_COOKIE, "1")
    text = client.get(f"/areas/{BOLTON}").text
    assert ("On 1 marker, local people rate it lower. On 1 marker, they give the same level. "
            "On 1 marker, they rate it higher.") in text
    assert "Local people give a lower level than" not in text
    assert "Local people rate this lower." in text  # marker by marker


def test_the_area_page_shows_views_side_by_side_compactly(client: TestClient,
                                                          bolton: dict[str, object]) -> None:
    page = client.get(f"/areas/{BOLTON}")
    assert page.status_code == 200
    text = page.text
    assert '<h2 class="govuk-heading-l" id="local-people">What local people say</h2>' in text
    headings = re.findall(r'<h3 class="govuk-heading-m" id="area-views-[^"]+">([^<]+)</h3>',
                          text)
    # The council first, then the others by name; Bury Council works in another area.
    assert headings == ["Bolton Council: Making It Real (2018)",
                        "Aaron Care: Making It Real (2018)"]
    # Each tally follows the link that names who asked local people.
    assert re.search(r"Independent view by Bolton Voice, published [^<]+</a>\. Local people "
                     r"give a lower level than Bolton Council on 1 marker\. They give the same "
                     r"level on 1 marker\. They give a higher level on 1 marker\.", text)
    assert re.search(r"Independent view by Aardvark Forum, published [^<]+</a>\. Local people "
                     r"give a lower level than Bolton Council on 1 marker\.", text)
    assert "Bolton Council replied on" in text
    assert "Bolton Council has not replied yet." in text
    # Marker by marker, in reading order: the council's words, local people's, the reply.
    council = text[text.index("Bolton Council: Making It Real"):text.index("Aaron Care:")]
    rows = [row.split("</tr>")[0] for row in council.split('<th scope="row"')[1:]]
    row = next(row for row in rows if "Bolton Voice asked them" in row and "IA1" in row)
    assert row.index("IA1") < row.index("Making progress") < row.index("Not started") \
        < row.index("rate this two levels lower than Bolton Council does.") \
        < row.index("We are hiring two more advisers.")
    assert "No reply yet." in council
    assert council.count('<tr class="govuk-table__row">') == 1 + 4  # header, IA1 twice, IA2, IA3
    assert '<details class="govuk-details">' in council
    assert 'href="/organisations/bolton-council/independent-views"' in council
    # Only published words: never the council's drafts.
    assert DRAFT_SECRET not in text


def test_no_section_without_views(client: TestClient, database_url: str) -> None:
    with Session(engine_for(database_url)) as db:
        _people(db, "Bolton Council", "council", BOLTON)
        db.commit()
    page = client.get(f"/areas/{BOLTON}")
    assert page.status_code == 200 and "What local people say" not in page.text


def test_unlisted_viewers_and_organisations_are_left_out(db: Session,
                                                         bolton: dict[str, object]) -> None:
    first = bolton["first"]
    assert isinstance(first, Publication)
    voice = db.get(Organisation, first.organisation_id)
    assert voice is not None
    voice.public = False
    db.add(voice)
    db.flush()
    found = local_views(db, BOLTON)
    assert [item.comparison.organisation_name for item in found] == ["Bolton Council"]
    assert [tally.view.viewer_name for tally in found[0].tallies] == ["Aardvark Forum"]
    council = bolton["council"]
    assert isinstance(council, Organisation)
    council = db.get(Organisation, council.id)
    assert council is not None
    council.hidden_reason = "Spam"
    db.add(council)
    db.flush()
    assert local_views(db, BOLTON) == []


def test_the_cached_area_page_goes_stale_when_views_are_published_replied_or_hidden(
        app: FastAPI, client: TestClient, database_url: str, tmp_path: Path) -> None:
    with Session(engine_for(database_url)) as db:
        council, council_owner = _people(db, "Bolton Council", "council", BOLTON)
        plan = publish_plan(db, council, council_owner, upload_dir=tmp_path)
        voice, voice_owner = _people(db, "Bolton Voice", "dpulo", BOLTON)
        ids = {"council": council.id, "council_owner": council_owner.id, "plan": plan.id,
               "voice": voice.id, "voice_owner": voice_owner.id}
        db.commit()
    assert "What local people say" not in client.get(f"/areas/{BOLTON}").text
    hits = cache_of(app).hits
    assert "What local people say" not in client.get(f"/areas/{BOLTON}").text
    assert cache_of(app).hits == hits + 1
    with Session(engine_for(database_url)) as db:
        view = _view(db, _get(db, Organisation, ids["voice"]), _get(db, User, ids["voice_owner"]),
                     _get(db, Publication, ids["plan"]), {"IA1": "real"}, tmp_path)
        ids["view"] = view.id
        db.commit()
    assert "Bolton Council has not replied yet." in client.get(f"/areas/{BOLTON}").text
    with Session(engine_for(database_url)) as db:
        _reply(db, _get(db, Organisation, ids["council"]), _get(db, User, ids["council_owner"]),
               _get(db, Publication, ids["view"]), "Noted.")
        db.commit()
    assert "Bolton Council replied on" in client.get(f"/areas/{BOLTON}").text
    with Session(engine_for(database_url)) as db:
        admin = make_user(db, email="admin@example.org", admin=True)
        hide_publication(db, actor=admin, publication=_get(db, Publication, ids["view"]),
                         reason="It names someone who did not agree.")
        db.commit()
    page = client.get(f"/areas/{BOLTON}").text
    assert ("A site administrator has hidden the view by Bolton Voice: It names someone who "
            "did not agree.") in page
    assert "<details" not in page


def _get(db: Session, model: type[T], id_: int | None) -> T:
    found = db.get(model, id_)
    assert found is not None
    return found


def _tally(lower: int = 0, same: int = 0, higher: int = 0, not_compared: int = 0,
           hidden: str | None = None) -> ViewTally:
    view = ViewSummary(viewer_name="Voice", viewer_slug="voice", number=1,
                       published_on=date(2026, 3, 1), hidden_reason=hidden, about={},
                       reply=None)
    return ViewTally(view, lower, same, higher, not_compared)


@pytest.mark.parametrize(("tally", "words"), [
    (_tally(same=4), "Local people give the same level as Org on 4 markers."),
    (_tally(higher=1), "Local people give a higher level than Org on 1 marker."),
    (_tally(lower=2, higher=1), "Local people give a lower level than Org on "
                                "2 markers. They give a higher level on 1 marker."),
    (_tally(same=1, not_compared=2), "Local people give the same level as Org on 1 "
                                     "marker. On 2 markers the levels cannot be "
                                     "compared."),
    (_tally(not_compared=1), "On 1 marker the levels cannot be compared."),
    (_tally(), "Voice gave no levels."),
    (_tally(lower=3, hidden="Spam"), "A site administrator has hidden the view by Voice: Spam"),
])
def test_the_tally_in_words(tally: ViewTally, words: str) -> None:
    assert tally.in_words("Org") == words
