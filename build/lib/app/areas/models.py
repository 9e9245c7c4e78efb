"""Council areas with adult social services responsibilities, and England's regions."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class Region(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=9)
    name: str = Field(max_length=100)
    # The regional Making It Real network's contact details, edited by site admins.
    network_name: str = Field(default="", max_length=200)
    network_email: str = Field(default="", max_length=254)
    network_website: str = Field(default="", max_length=500)
    network_notes: str = Field(default="", max_length=2000)


class Area(SQLModel, table=True):
    gss_code: str = Field(primary_key=True, max_length=9)
    name: str = Field(max_length=100, index=True)
    kind: str = Field(max_length=30)
    region_code: str = Field(foreign_key="region.code", index=True, max_length=9)


class FormerAreaCode(SQLModel, table=True):
    """A retired GSS code and one of the areas that replaced it (some have two)."""

    __tablename__ = "former_area_code"

    former_code: str = Field(primary_key=True, max_length=9)
    area_code: str = Field(primary_key=True, foreign_key="area.gss_code", max_length=9)
