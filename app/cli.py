"""The `mir` command (DESIGN §3)."""

from __future__ import annotations

import sys
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

import click
from pydantic import ValidationError

from app.admin import service as admin_service
from app.clock import today
from app.config import Settings, get_settings
from app.db import engine_for, session_scope
from app.frameworks import (
    FrameworkFileError,
    check_crosswalk_files,
    check_files,
    is_crosswalk_path,
    load_catalogue,
)
from app.organisations.models import Role
from app.transfer.common import Summary, TransferProblem
from app.transfer.exporting import export_organisation
from app.transfer.importing import import_organisation, read_archive


@click.group()
def main() -> None:
    """Making It Real toolkit."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web application."""
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE

    from app.logging import LOGGING_CONFIG
    from app.serving import run_workers

    settings = _settings_or_exit()
    try:
        load_catalogue(settings.markers_dir)
    except FrameworkFileError as error:
        click.echo(str(error), err=True)
        click.echo("The service did not start: fix the framework files above.", err=True)
        sys.exit(1)
    config = uvicorn.Config(
        "app.main:create_app", factory=True, host=host, port=port, workers=workers,
        proxy_headers=True, forwarded_allow_ips=settings.forwarded_allow_ips,
        log_config=LOGGING_CONFIG, access_log=False,
        # A new worker re-imports this module before it answers the supervisor's health
        # checks: seconds on a busy machine, more than uvicorn's default 5.
        timeout_worker_healthcheck=30,
        # On SIGTERM (a deploy), let requests in flight finish.
        timeout_graceful_shutdown=20)
    if workers > 1:
        try:
            run_workers(config)
        except OSError as error:
            click.echo(f"mir: the service did not start: {host}:{port}: {error.strerror}",
                       err=True)
            sys.exit(1)
        return
    server = uvicorn.Server(config)
    with suppress(KeyboardInterrupt):
        server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)


def _settings_or_exit() -> Settings:
    """The settings, or one clear line on stderr and exit 1 (no traceback) if invalid."""
    try:
        return get_settings()
    except ValidationError as error:
        problems = "; ".join(str(problem["msg"]).removeprefix("Value error, ")
                             for problem in error.errors())
        click.echo(f"mir: the service did not start: {problems}", err=True)
        sys.exit(1)


@main.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Write the database and uploaded files to FILE (a zip), on either engine."""
    from app.backup import BackupError, backup

    settings = _settings_or_exit()
    try:
        summary = backup(settings.database_url, settings.upload_dir, file)
    except BackupError as problem:
        click.echo(f"Error: {problem}.", err=True)
        sys.exit(1)
    click.echo(f"Backed up to {file}: {summary.describe()}.")


@main.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Delete everything in the database and the upload folder first.")
def restore_command(file: Path, force: bool) -> None:
    """Restore a backup made by `mir backup` into an empty database (either engine)."""
    from app.backup import BackupError, restore

    settings = _settings_or_exit()
    try:
        summary = restore(settings.database_url, settings.upload_dir, file, force=force,
                          say=click.echo)
    except BackupError as problem:
        click.echo(f"Error: {problem}.", err=True)
        sys.exit(1)
    click.echo(f"Restored {file}: {summary.describe()}.")


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration not yet applied."""
    from app.schema import upgrade

    upgrade(get_settings().database_url)
    click.echo("Database is up to date.")


@main.group()
def markers() -> None:
    """Framework files in markers/."""


@markers.command("validate")
@click.argument("paths", nargs=-1, required=True)
def markers_validate(paths: tuple[str, ...]) -> None:
    """Check framework and crosswalk files (those in a `crosswalks` folder); exit 0 if
    valid, 1 if not, 2 if a file is missing."""
    missing = [path for path in paths if not Path(path).is_file()]
    for path in missing:
        click.echo(f"{path}: no such file", err=True)
    if missing:
        sys.exit(2)
    given = [Path(path) for path in paths]
    crosswalk_paths = [path for path in given if is_crosswalk_path(path)]
    frameworks, problems = check_files(p for p in given if not is_crosswalk_path(p))
    # A crosswalk's links are checked against the frameworks given, else those beside it.
    named = {framework.id for framework in frameworks}
    beside = {framework.id: framework for framework in check_files(
        p for folder in {path.parent.parent for path in crosswalk_paths}
        for p in sorted(folder.glob("*.yaml")))[0] if framework.id not in named}
    crosswalks, crosswalk_problems = check_crosswalk_files(
        crosswalk_paths, [*frameworks, *beside.values()])
    problems += crosswalk_problems
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found.", err=True)
        sys.exit(1)
    for framework in frameworks:
        click.echo(f"{framework.id}: valid ({len(framework.markers)} markers)")
    for crosswalk in crosswalks:
        click.echo(f"{crosswalk.id}: valid ({len(crosswalk.statements)} statements, "
                   f"{len(crosswalk.links)} links to {crosswalk.framework_id})")


@markers.command("list")
def markers_list() -> None:
    """List the frameworks the service would load."""
    try:
        catalogue = load_catalogue(get_settings().markers_dir)
    except FrameworkFileError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    for framework in catalogue:
        click.echo(f"{framework.id}\t{framework.version}\t{len(framework.themes)} themes\t"
                   f"{len(framework.markers)} markers\t{framework.title}")
    for crosswalk in catalogue.crosswalks:
        click.echo(f"{crosswalk.id}\tcrosswalk\t{len(crosswalk.statements)} statements\t"
                   f"{len(crosswalk.links)} links\t{crosswalk.title}")


@main.command()
@click.option("--orgs", default=60, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has data.")
@click.option("--voice-answers", default=0, show_default=True, type=click.IntRange(min=0),
              metavar="N", help="Also give the demo council's assessment a round of people's "
              "voice with N sets of answers, unless it has a round already (for benchmarks).")
def demo(orgs: int, seed: int, if_empty: bool, voice_answers: int) -> None:
    """Fill the database with deterministic, realistic demo data."""
    from app.demo import add_voice_round, load_demo

    settings = get_settings()
    with click.progressbar(length=orgs, label="Organisations", file=sys.stderr) as bar:
        message = load_demo(settings, orgs=orgs, seed=seed, only_if_empty=if_empty,
                            progress=bar.update)
    click.echo(message)
    if voice_answers:
        with contextmanager(session_scope)(engine_for(settings.database_url)) as db:
            message = add_voice_round(db, load_catalogue(settings.markers_dir),
                                      answers=voice_answers)
        click.echo(message)


@main.group()
def user() -> None:
    """People's accounts."""


@user.command("create")
@click.option("--email", required=True, help="Their email address; it is confirmed already.")
@click.option("--password", help="At least 10 characters. Asked for if not given.")
@click.option("--name", help="Their name. The first part of the email address if not given.")
@click.option("--admin", is_flag=True, help="Make them a site administrator.")
@click.option("--org", "org_slug", metavar="SLUG", help="Add them to this organisation.")
@click.option("--role", type=click.Choice([role.value for role in Role]),
              help="Their role in the organisation (viewer if not given).")
def user_create(email: str, password: str | None, name: str | None, admin: bool,
                org_slug: str | None, role: str | None) -> None:
    """Create an account that can log in straight away."""
    if role is not None and org_slug is None:
        raise click.UsageError("Give the organisation (--org SLUG) as well as the role.")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with contextmanager(session_scope)(engine_for(get_settings().database_url)) as db:
            created = admin_service.create_user(db, email=email, password=password, name=name,
                                                admin=admin, org_slug=org_slug, role=role)
            summary = created.email + (" (site administrator)" if admin else "")
    except admin_service.DomainError as problem:
        click.echo(f"Error: {problem}.", err=True)
        sys.exit(1)
    where = f", {role or Role.viewer.value} of {org_slug}" if org_slug else ""
    click.echo(f"Created the account {summary}{where}.")


@main.group()
def org() -> None:
    """One organisation, whole: export it to an archive, import it from one."""


@org.command("export")
@click.argument("slug")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="The archive to write (default: SLUG.zip in this folder).")
def org_export(slug: str, output: Path | None) -> None:
    """Write the organisation SLUG, its members, files and publications to a .zip."""
    settings = get_settings()
    target = output or Path(f"{slug}.zip")
    try:
        with contextmanager(session_scope)(engine_for(settings.database_url)) as db:
            summary = export_organisation(db, slug=slug,
                                          upload_dir=settings.upload_dir,
                                          target=target)
    except TransferProblem as problem:
        click.echo(str(problem), err=True)
        sys.exit(1)
    except OSError as problem:
        click.echo(f"{target}: {problem.strerror or problem}", err=True)
        sys.exit(1)
    for warning in summary.warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo(f"Exported {slug} to {target}: {_described(summary)}.")


@org.command("import")
@click.argument("file", type=click.Path(path_type=Path))
def org_import(file: Path) -> None:
    """Recreate an organisation from an archive made by `mir org export`."""
    settings = get_settings()
    try:
        loaded = read_archive(file)
        with contextmanager(session_scope)(engine_for(settings.database_url)) as db:
            summary = import_organisation(db, loaded=loaded,
                                          upload_dir=settings.upload_dir,
                                          source_name=file.name)
    except TransferProblem as problem:
        click.echo(f"{file}: {problem}", err=True)
        sys.exit(1)
    for warning in summary.warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo(f"Imported {summary.slug} from {file}: {_described(summary)}.")


def _described(summary: Summary) -> str:
    counts = ", ".join(f"{count} {name}" for name, count in summary.counts.items())
    return f"{counts}, {summary.files} files"



@main.group()
def reminders() -> None:
    """Emails to owners about what is due, and to followers about new publications."""


@reminders.command("send")
@click.option("--today", "on", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Act as if today were this date (YYYY-MM-DD). For testing.")
def reminders_send(on: datetime | None) -> None:
    """Email owners whose plan is due in 14 days or overdue, whose yearly progress report is
    due, or who are about to lapse. Safe to run any number of times a day: each reminder is
    sent once."""
    from app.reminders.service import send_reminders

    settings = get_settings()
    day = on.date() if on is not None else today()
    outcome = send_reminders(engine_for(settings.database_url), settings,
                             load_catalogue(settings.markers_dir), today=day)
    click.echo(f"{outcome.reminders} reminder{'s' if outcome.reminders != 1 else ''} sent "
               f"({outcome.emails} email{'s' if outcome.emails != 1 else ''}) for {day}.")


@reminders.command("followers")
@click.option("--days", default=7, show_default=True, type=int,
              help="Look at publications of this many days back.")
def reminders_followers(days: int) -> None:
    """Email followers about recent publications they have not been told about yet."""
    from app.following.service import send_recent_notices

    settings = get_settings()
    sent = send_recent_notices(engine_for(settings.database_url), settings, days=days)
    click.echo(f"{sent} email{'s' if sent != 1 else ''} sent to followers.")


if __name__ == "__main__":
    main()
