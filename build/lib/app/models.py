"""Every table model, imported in one place so that Alembic sees the whole schema."""

from app.areas.models import Area, FormerAreaCode, Region

__all__ = ["Area", "FormerAreaCode", "Region"]
