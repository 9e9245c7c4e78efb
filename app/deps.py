"""Dependencies shared by the routes, as `Annotated` aliases: one place for the features to
import them from. They are made in the packages whose tables they read (accounts: the session,
settings and signed-in user; organisations: the membership), so those packages' own pages can
use them without importing upwards."""

from __future__ import annotations

from app.accounts.deps import (
    AdminUser,
    CatalogueDep,
    CurrentUser,
    LoginRequired,
    OptionalUser,
    Outbox,
    OutboxDep,
    SessionDep,
    SettingsDep,
    Viewer,
    WebSessionDep,
    get_app_settings,
    get_catalogue,
    get_db,
    get_outbox,
    load_current_user,
    require_admin,
    require_user,
)
from app.organisations.deps import (
    EditorAccess,
    OrgAccess,
    OwnerAccess,
    ViewerAccess,
    org_access,
)

__all__ = [
    "AdminUser", "CatalogueDep", "CurrentUser", "EditorAccess", "LoginRequired",
    "OptionalUser", "OrgAccess", "Outbox", "OutboxDep", "OwnerAccess", "SessionDep",
    "SettingsDep", "Viewer", "ViewerAccess", "WebSessionDep", "get_app_settings",
    "get_catalogue", "get_db", "get_outbox", "load_current_user", "org_access",
    "require_admin", "require_user",
]
