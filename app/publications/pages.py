"""Lookups the public pages of several features share: a listed organisation, one of its
publications, or a 404 (one home, so no feature imports another's routes)."""

from __future__ import annotations

from fastapi import HTTPException
from sqlmodel import Session

from app.organisations import repository as organisations
from app.organisations.models import Organisation
from app.publications import repository
from app.publications.models import Publication


def listed_organisation(db: Session, slug: str) -> Organisation:
    organisation = organisations.by_slug(db, slug)
    if organisation is None or not organisation.is_listed:
        raise HTTPException(404, "There is no organisation at this address.")
    return organisation


def publication_or_404(db: Session, organisation: Organisation, number: int) -> Publication:
    publication = repository.publication(db, organisation.id or 0, number)
    if publication is None:
        raise HTTPException(404, f"{organisation.name} has no publication number {number}.")
    return publication
