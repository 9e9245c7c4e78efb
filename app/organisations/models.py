"""Organisations, where they work, who works on them, and what they signed up to."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy.ext.hybrid import hybrid_property
from sqlmodel import Field, Index, SQLModel, UniqueConstraint

from app.clock import now


class OrganisationKind(StrEnum):
    dpulo = "dpulo"
    council = "council"
    provider = "provider"
    voluntary = "voluntary"
    health = "health"
    other = "other"


KIND_LABELS = {
    OrganisationKind.dpulo: "Disabled people's user-led organisation",
    OrganisationKind.council: "Council",
    OrganisationKind.provider: "Care provider",
    OrganisationKind.voluntary: "Voluntary or community group",
    OrganisationKind.health: "Health service",
    OrganisationKind.other: "Other",
}
# The same kinds in Easy Read: short, common words (a user-led organisation is one run by
# the disabled people it is for).
EASY_READ_KIND_LABELS = {
    OrganisationKind.dpulo: "Group run by disabled people",
    OrganisationKind.council: "Council",
    OrganisationKind.provider: "Care service",
    OrganisationKind.voluntary: "Charity or local group",
    OrganisationKind.health: "Health service",
    OrganisationKind.other: "Other group",
}


def organisation_kind_label(kind: str, *, easy_read: bool = False) -> str:
    """An organisation's kind in words ("Council"); a kind no longer offered, as stored.
    (`publication_kind_label` is the other kind: a plan, a progress report, a view.)"""
    try:
        return (EASY_READ_KIND_LABELS if easy_read else KIND_LABELS)[OrganisationKind(kind)]
    except ValueError:
        return kind


class Role(StrEnum):
    viewer = "viewer"
    editor = "editor"
    owner = "owner"

    @property
    def rank(self) -> int:
        return {"viewer": 1, "editor": 2, "owner": 3}[self.value]


class Organisation(SQLModel, table=True):
    model_config = {"ignored_types": (hybrid_property,)}  # is_listed is no form field

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True, index=True)
    name: str = Field(max_length=200, index=True)
    # Names it was known by before, one a line: search still finds it by them.
    former_names: str = Field(default="", max_length=1000,
                              sa_column_kwargs={"server_default": ""})
    kind: str = Field(max_length=20, index=True)
    website: str = Field(default="", max_length=500)
    description: str = Field(default="", max_length=2000)
    latitude: float | None = None
    longitude: float | None = None
    org_ids: str = Field(default="", max_length=500)  # space-separated org-id.guide identifiers
    # How the public can reach the organisation, if it says (both optional).
    contact_email: str = Field(default="", max_length=254,
                               sa_column_kwargs={"server_default": ""})
    contact_url: str = Field(default="", max_length=500, sa_column_kwargs={"server_default": ""})
    confirmed: bool = False  # its first owner confirmed their email address
    public: bool = True  # listed publicly (the organisation's own choice)
    verified: bool = False  # checked by a site admin
    hidden_reason: str | None = Field(default=None, max_length=1000)  # hidden by a site admin
    possible_duplicate_of_id: int | None = Field(default=None, foreign_key="organisation.id",
                                                 ondelete="SET NULL")
    merged_into_id: int | None = Field(default=None, foreign_key="organisation.id",
                                       ondelete="SET NULL")
    created_at: datetime = Field(default_factory=now)

    @hybrid_property
    def is_listed(self) -> bool:
        """Shown anywhere public: confirmed, public, not hidden, not merged away. One
        definition for Python and SQL (`where(Organisation.is_listed)`, an alias's too), so
        `&` and `== None`, which both read."""
        return (self.confirmed & self.public & (self.hidden_reason == None)  # noqa: E711
                & (self.merged_into_id == None))  # noqa: E711


class OrganisationArea(SQLModel, table=True):
    __tablename__ = "organisation_area"

    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True,
                                 ondelete="CASCADE")
    area_code: str = Field(foreign_key="area.gss_code", primary_key=True, max_length=9,
                           index=True)


class Membership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=10)
    created_at: datetime = Field(default_factory=now)


class CommitmentKind(StrEnum):
    """What an organisation commits to (DESIGN §6): its status counts the publications that
    fit."""

    improve = "improve"  # improve its own services: action plans and progress reports
    hold_to_account = "hold_to_account"  # hold others to account: independent views


# (value, label, hint) for the choice at sign-up.
COMMITMENT_KIND_OPTIONS = [
    (CommitmentKind.improve.value, "Improve our own services",
     "We look at the markers with the people who use our services. We put out an action plan "
     "and say how it is going."),
    (CommitmentKind.hold_to_account.value, "Hold others to account",
     "We put out our own view of what others do, like our council. We use the words of "
     "local people."),
]


class Commitment(SQLModel, table=True):
    """An organisation's public sign-up to one framework; withdrawal stays in the history."""

    # The public pages look for each organisation's latest commitment to each framework.
    __table_args__ = (Index("ix_commitment_latest", "organisation_id", "framework_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    framework_id: str = Field(max_length=100, index=True)
    kind: str = Field(default=CommitmentKind.improve.value, max_length=20,
                      sa_column_kwargs={"server_default": CommitmentKind.improve.value})
    statement: str = Field(max_length=2000)
    signed_up_on: date
    withdrawn_on: date | None = None
    withdrawal_reason: str | None = Field(default=None, max_length=1000)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


class SignUpTally(SQLModel, table=True):
    """How many listed organisations of one kind there are in one area, signed up to one
    framework: the public pages' figures, read without counting 30 000 organisations.
    Kept by `app.organisations.tallies` in the transaction of each change."""

    __tablename__ = "signup_tally"

    area_code: str = Field(primary_key=True, max_length=9)  # "" for all of England
    # "" signed up to any framework; "*" every listed organisation, signed up or not.
    framework_id: str = Field(primary_key=True, max_length=100)
    kind: str = Field(primary_key=True, max_length=20)
    total: int = 0


class TallyShare(SQLModel, table=True):
    """What one organisation adds to the tallies, as last counted: a change takes away
    exactly what it had added. No foreign key: a removed organisation's share must stay
    until it is taken away."""

    __tablename__ = "tally_share"
    # An area page finds the organisations signed up there by it.
    __table_args__ = (Index("ix_tally_share_area", "area_code", "framework_id"),)

    organisation_id: int = Field(primary_key=True)
    area_code: str = Field(primary_key=True, max_length=9)
    framework_id: str = Field(primary_key=True, max_length=100)
    kind: str = Field(max_length=20)
