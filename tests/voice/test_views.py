"""People's voice for an independent view: a user-led organisation asks local people about
its council, reads the answers beside its view's levels, quotes one, and publishes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.assessments.models import Assessment, Evidence
from app.clock import today
from app.config import Settings
from app.voice.models import VoiceAnswer, VoiceRound
from tests.conftest import checked_client
from tests.factories import csrf_token, login, make_organisation, make_user
from tests.views.factories import complete_view, publish_plan, start_view
from tests.voice.helpers import answer, export_text, visible_text

DPULO_OWNER = "owner@bury-voice.example.org"


def _world(db: Session, settings: Settings) -> Assessment:
    """Bury Council's published plan, and Bury Voice's view of it, rated but unpublished."""
    council_owner = make_user(db, email="owner@bury.example.org")
    council = make_organisation(db, owner=council_owner, name="Bury Council", kind="council",
                                slug="bury-council")
    plan = publish_plan(db, council, council_owner, upload_dir=settings.upload_dir)
    owner = make_user(db, email=DPULO_OWNER)
    dpulo = make_organisation(db, owner=owner, name="Bury Voice", slug="bury-voice")
    view = start_view(db, dpulo, owner, plan)
    complete_view(db, view, owner, levels={"IA1": "getting_started", "IA2": "making_progress"})
    db.commit()
    return view


def test_a_view_asks_local_people_and_publishes_their_counts(
        app: FastAPI, client: TestClient, db: Session, settings: Settings,
        tmp_path: Path) -> None:
    view = _world(db, settings)
    login(client, DPULO_OWNER)
    view_base = f"/manage/bury-voice/views/{view.id}"
    base = f"{view_base}/voice"
    assert "Open a round of questions" in client.get(view_base).text
    assert "Your priorities" not in client.get(base).text  # a view has none
    start, end = today(), today() + timedelta(days=10)
    page = client.post(base, data={
        "csrf_token": csrf_token(client, base), "markers": "chosen", "chosen": ["IA1", "IA2"],
        "opens_on-day": start.day, "opens_on-month": start.month, "opens_on-year": start.year,
        "closes_on-day": end.day, "closes_on-month": end.month, "closes_on-year": end.year,
        "welcome": "Tell us about Bury Council."})
    voice_round = db.exec(select(VoiceRound).where(VoiceRound.assessment_id == view.id)).one()
    assert voice_round.marker_codes == ["IA1", "IA2"]
    assert f"/voice/{voice_round.token}" in page.text

    with checked_client(app) as local:
        assert "These questions are about Bury Council." in visible_text(
            local.get(f"/voice/{voice_round.token}").text)

    # Six people answer IA1; only two answer IA2, so its numbers stay hidden.
    for number in range(6):
        with checked_client(app) as local:
            answer(local, voice_round.token,
                   [("no" if number % 2 else "sometimes", f"Council comment {number}"),
                    ("yes" if number < 2 else None, "")],
                   kind="person", may_share="yes" if number == 0 else "no")

    round_page = visible_text(client.get(f"{base}/{voice_round.id}").text)
    assert "6 people answered" in round_page and "Council comment 3" in round_page
    marker = visible_text(client.get(f"{view_base}/markers/IA1").text)
    assert "What people said" in marker and "Your level: Getting started" in marker
    overview = visible_text(client.get(view_base).text)
    assert "6 people answered" in overview
    assert "IA1 Getting started 0 3 3 0" in overview  # the view's level beside the counts
    assert "IA2 Making progress Fewer than 5 answered" in overview

    # One click: the shareable comment becomes a quote in the view's evidence.
    shareable = db.exec(select(VoiceAnswer).where(VoiceAnswer.comment == "Council comment 0")
                        ).one()
    quoted = client.post(f"{base}/{voice_round.id}/answers/{shareable.id}/quote",
                         data={"csrf_token": csrf_token(client, f"{base}/{voice_round.id}")},
                         follow_redirects=False)
    assert quoted.headers["location"] == f"{view_base}/markers/IA1"
    quote = db.exec(select(Evidence).where(Evidence.text == "Council comment 0")).one()
    assert (quote.kind, quote.publishable) == ("quote", True)
    private = db.exec(select(VoiceAnswer).where(VoiceAnswer.comment == "Council comment 1")
                      ).one()
    assert client.post(f"{base}/{voice_round.id}/answers/{private.id}/quote",
                       data={"csrf_token": csrf_token(client, f"{base}/{voice_round.id}")}
                       ).status_code == 403

    preview = visible_text(client.get(f"{view_base}/publish").text)
    assert "6 people answered" in preview
    published = client.post(f"{view_base}/publish",
                            data={"csrf_token": csrf_token(client, f"{view_base}/publish")},
                            follow_redirects=False)
    assert published.status_code == 303, published.text
    with checked_client(app) as public:
        for url in (str(published.headers["location"]),
                    "/organisations/bury-council/independent-views"):
            text = visible_text(public.get(url).text)
            assert "6 people answered" in text, url
            assert "Fewer than 5 people answered this" in text, url  # IA2
            assert "Council comment 3" not in text, url  # never a comment not quoted
        # Words not quoted reach no public page, export, feed or API answer.
        for url in ("/organisations/bury-council", "/organisations/bury-voice",
                    "/organisations/bury-council/action-plan",
                    "/organisations/bury-council/action-plan.csv",
                    "/organisations/bury-council/action-plan.json",
                    "/organisations/bury-voice/feed.atom", "/feed.atom",
                    "/api/v1/organisations/bury-council", "/api/v1/organisations/bury-voice"):
            response = public.get(url)
            assert response.status_code == 200, url
            assert b"Council comment" not in response.content, url
        page = visible_text(public.get(str(published.headers["location"])).text)
        assert "Council comment 0" in page  # the quote, published as evidence
        data = public.get("/organisations/bury-council/action-plan.json").json()
        voice = data["independent_views"][0]["voice"]
        assert voice["people"] == 6
        ia2 = next(m for m in voice["markers"] if m["code"] == "IA2")
        assert ia2["counts"] is None and ia2["answered"] is None

        # The council's PDF, Word and CSV exports carry the view's counts too, IA2 withheld.
        base = "/organisations/bury-council/action-plan"
        assert "-voice.csv" in public.get(base).text
        for url in (f"{base}.pdf", f"{base}.docx"):
            text = " ".join(export_text(url, public.get(url).content, tmp_path).split())
            assert "What people said" in text and "6 people answered" in text, url
            assert "Council comment" not in text, url
        pdf = " ".join(export_text(".pdf", public.get(f"{base}.pdf").content, tmp_path).split())
        assert "Bury Voice asked local people whether each marker is true of Bury Council" \
            in pdf
        assert "Fewer than 5 people answered this" in pdf  # IA2
        docx = export_text(".docx", public.get(f"{base}.docx").content, tmp_path)
        assert "<w:t>fewer than 5</w:t>" in docx  # IA2's answered cell
        rows = public.get(f"{base}-voice.csv").content.decode("utf-8-sig").splitlines()
        assert rows[0].startswith("organisation,framework,asked_by,publication_number")
        ia1_row = next(r for r in rows if ",IA1," in r)
        assert ia1_row.startswith("Bury Council,") and ",Bury Voice," in ia1_row
        assert ia1_row.endswith(",6,0,3,3,0")
        assert next(r for r in rows if ",IA2," in r).endswith(
            ",fewer than 5,fewer than 5,fewer than 5,fewer than 5,fewer than 5")


def test_the_organisation_viewed_cannot_open_the_views_round(
        client: TestClient, db: Session, settings: Settings) -> None:
    view = _world(db, settings)
    login(client, "owner@bury.example.org")
    assert client.get(f"/manage/bury-council/views/{view.id}/voice").status_code == 404
    assert client.get(f"/manage/bury-voice/views/{view.id}/voice").status_code == 404
    # A view's id under the self-assessment address is no assessment of the organisation.
    login(client, DPULO_OWNER)
    assert client.get(f"/manage/bury-voice/assessments/{view.id}/voice").status_code == 404
