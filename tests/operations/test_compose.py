"""docker-compose.yml: the services a deployment needs, wired in the right order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from app.config import Settings

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def test_services_and_volumes(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"db", "migrate", "app", "reminders"} <= set(services)
    assert services["db"]["image"].startswith("postgres:")
    assert services["db"]["image"].split(":")[1][0].isdigit(), "pin the PostgreSQL version"
    assert {"pgdata", "mirdata"} <= set(compose["volumes"])
    for name in ("migrate", "app", "reminders"):
        assert "mirdata:/data" in services[name]["volumes"], f"{name} must share the uploads"


def test_migrations_run_before_the_app_and_the_job(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["command"] == ["mir", "db", "upgrade"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("app", "reminders"):
        assert (
            services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        )
    assert "mir serve --host 0.0.0.0" in " ".join(services["app"]["command"])
    assert "--workers" in " ".join(services["app"]["command"])
    assert "/readyz" in " ".join(services["app"]["healthcheck"]["test"])


def test_reminders_run_daily(compose: dict[str, Any]) -> None:
    script = " ".join(compose["services"]["reminders"]["command"])
    assert "mir reminders send" in script
    assert "sleep 86400" in script


def test_environment_is_mir_settings_in_production_without_secrets(compose: dict[str, Any]) -> None:
    environment = compose["services"]["app"]["environment"]
    known = {f"MIR_{name.upper()}" for name in Settings.model_fields}
    assert set(environment) <= known, set(environment) - known
    assert environment["MIR_ENV"] == "production"
    for name in ("MIR_SECRET_KEY", "MIR_BASE_URL"):
        assert environment[name].startswith("${") and ":?" in environment[name], (
            f"{name} must come from .env and be required"
        )
    assert "${POSTGRES_PASSWORD:?" in environment["MIR_DATABASE_URL"]
