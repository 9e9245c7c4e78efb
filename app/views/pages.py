"""What every page of a view in the workspace shares: its address, loading it (a 404 for
members of the organisation viewed), and the context of the organisation's pages. A view's
marker, evidence and co-production pages are the assessment pages (app/assessments), for the
view's kind, registered here."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.assessments.models import Assessment
from app.assessments.pages import KINDS, load_judgement
from app.deps import OrgAccess
from app.forms import DbInt
from app.frameworks import Framework, FrameworkCatalogue
from app.organisations.models import Organisation
from app.views.service import VIEW


def base_context(access: OrgAccess, **context: Any) -> dict[str, Any]:
    return {"organisation": access.organisation, "access": access, "role": access.role,
            "can_edit": access.can_edit, **context}


def views_url(access: OrgAccess) -> str:
    return f"/manage/{access.organisation.slug}/views"


def view_url(access: OrgAccess, view: Assessment) -> str:
    return f"{views_url(access)}/{view.id}"


def level_labels(framework: Framework) -> dict[str, str]:
    return {level.id: level.label for level in framework.scale}


# The marker, evidence and co-production pages of a view are an assessment's, of this kind.
KINDS[VIEW.url_part] = VIEW


def load_view(db: Session, access: OrgAccess, view_id: DbInt, catalogue: FrameworkCatalogue
              ) -> tuple[Assessment, Framework, Organisation]:
    """A view this organisation is writing: members of the organisation viewed get a 404."""
    judgement = load_judgement(db, access, view_id, catalogue, VIEW)
    return judgement.assessment, judgement.framework, judgement.subject
