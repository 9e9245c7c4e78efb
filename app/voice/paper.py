"""The printable paper version of a round: large print, everyday words or Easy Read."""

from __future__ import annotations

from app.frameworks import Framework
from app.pdf import html_to_pdf
from app.templating import templates
from app.voice.models import ANSWER_LABELS, COUNTED, RESPONDENT_LABELS, VoiceRound
from app.voice.service import qr_svg


def to_html(voice_round: VoiceRound, framework: Framework, *, organisation: str, link: str,
            easy_read: bool) -> str:
    questions = [(m.easy_read or m.statement) if easy_read else m.statement
                 for code in voice_round.marker_codes
                 if (m := framework.marker(code)) is not None]
    return templates.env.get_template("voice/paper_pdf.html").render(
        voice_round=voice_round, organisation=organisation, link=link, qr=qr_svg(link),
        questions=questions, easy_read=easy_read,
        answers=[ANSWER_LABELS[a] for a in COUNTED], kinds=list(RESPONDENT_LABELS.values()),
        title=f"{organisation}: tell us what care and support is like for you")


def to_pdf(voice_round: VoiceRound, framework: Framework, *, organisation: str, link: str,
           easy_read: bool) -> bytes:
    return html_to_pdf(to_html(voice_round, framework, organisation=organisation, link=link,
                             easy_read=easy_read))
