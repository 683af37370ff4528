"""Command-line interface: `flask --app app <command>`."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from core import migrate, translations
from core.accounts import services as accounts
from core.accounts.models import Role
from core.cli_backup import backup_command, restore_command
from core.db import get_engine, get_session
from core.demo import DemoError, Seeder, seed_demo_data
from core.reference.countries import add_territory


def now_option(command):
    """A hidden `--now` (ISO date-time with its offset) that acts as the current time, for tests
    and trials; the command receives it as `now` (None for the real time)."""

    @click.option(
        "--now",
        "now_text",
        default=None,
        hidden=True,
        help="ISO date-time to act as the current time, with its offset (for tests and trials).",
    )
    @functools.wraps(command)
    def wrapper(*args, now_text=None, **kwargs):
        return command(*args, now=_parse_now(now_text), **kwargs)

    return wrapper


def _parse_now(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        now = datetime.fromisoformat(text)
    except ValueError as error:
        raise click.BadParameter("an ISO date-time such as 2026-11-21T08:00:00+00:00", param_hint="--now") from error
    if now.tzinfo is None:
        raise click.BadParameter("give the offset, e.g. +00:00", param_hint="--now")
    return now


# --- database ----------------------------------------------------------------------------


@click.group("db", cls=AppGroup, help="Create and change the database schema (Alembic migrations).")
def db_group():
    pass


@db_group.command("upgrade", help="Apply migrations up to REVISION (default: head).")
@click.argument("revision", default="head")
def db_upgrade(revision):
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database at {revision}.")


@db_group.command("downgrade", help="Undo migrations down to REVISION.")
@click.argument("revision")
def db_downgrade(revision):
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)


@db_group.command("current", help="Show the revision the database is at.")
def db_current():
    migrate.current(current_app.config["DATABASE_URL"])


@db_group.command("revision", help="Write a new migration from the difference with the models.")
@click.option("-m", "--message", required=True)
@click.option("--empty", is_flag=True, help="An empty migration (for data changes).")
def db_revision(message, empty):
    migrate.revision(current_app.config["DATABASE_URL"], message, autogenerate=not empty)


@db_group.command("check", help="Fail if the models differ from the migrated database.")
def db_check():
    differences = migrate.schema_differences(get_engine())
    for difference in differences:
        click.echo(repr(difference))
    if differences:
        sys.exit(1)
    click.echo("The database matches the models.")


# --- accounts ----------------------------------------------------------------------------

ROLE_NAMES = [role.value for role in Role]


@click.command("create-user", help="Create a verified account, e.g. a secretariat member.")
@with_appcontext
@click.argument("email")
@click.option("--role", type=click.Choice(ROLE_NAMES), default=Role.SECRETARIAT.value, show_default=True)
@click.option("--name", default="")
@click.option("--country", help="ISO alpha-2 code; required for --role focal_point.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given; prefer the prompt over the command line.",
)
def create_user(email, role, name, country, password):
    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="password")
    try:
        user = accounts.create_user(
            session=get_session(), email=email, password=password, role=role, name=name, country=country
        )
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.email} ({user.role}).")


@click.command("set-role", help="Change the role of an existing account.")
@with_appcontext
@click.argument("email")
@click.option("--role", type=click.Choice(ROLE_NAMES), required=True)
@click.option("--country", help="ISO alpha-2 code; required for --role focal_point.")
def set_role(email, role, country):
    session = get_session()
    user = accounts.get_by_email(session, email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    try:
        accounts.set_role(session=session, user=user, role=role, country=country, actor_id=None)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{user.email} is now {role}.")


# --- reference data ----------------------------------------------------------------------


@click.group("countries", cls=AppGroup, help="Reference list of countries and territories.")
def countries_group():
    pass


@countries_group.command("add-territory", help="Record a non-member territory (no regional group).")
@click.option("--iso2", required=True)
@click.option("--iso3", required=True)
@click.option("--name", "name_en", required=True, help="English name, used when Babel has none.")
@click.option("--m49", type=int)
def countries_add_territory(iso2, iso3, name_en, m49):
    try:
        country = add_territory(session=get_session(), iso2=iso2, iso3=iso3, name_en=name_en, m49=m49)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Recorded {country.iso2} ({country.name_en}).")


# --- demo data ---------------------------------------------------------------------------


def seed_demo_command(load_seeders: Callable[[], Sequence[Seeder]]) -> click.Command:
    """`flask seed-demo`: the demo accounts, then the data of the seeders `load_seeders()` returns
    when the command runs (so that only this command loads them)."""

    @click.command("seed-demo", help="Fill an empty database with deterministic demo data (never in production).")
    @with_appcontext
    @click.option("--seed", default=2026, show_default=True, help="Random seed; the same seed gives the same data.")
    @click.option("--if-empty", is_flag=True, help="Do nothing, successfully, when accounts already exist.")
    @click.option(
        "--scale",
        default=1.0,
        show_default=True,
        type=click.FloatRange(0.01, 10),
        help="Multiply the amount of demo data (0.1 for a quick small set).",
    )
    def seed_demo(seed, if_empty, scale):
        if current_app.config["APP_ENV"] == "production":
            raise click.ClickException("seed-demo refuses to run with APP_ENV=production.")
        try:
            summary = seed_demo_data(get_session(), seeders=load_seeders(), seed=seed, scale=scale)
        except DemoError as error:
            if if_empty:
                click.echo(f"Demo data not added: {error}")
                return
            raise click.ClickException(str(error)) from error
        for line in summary:
            click.echo(line)

    return seed_demo


# --- translations ------------------------------------------------------------------------


@click.group("translate", cls=AppGroup, help="Extract, update and compile the interface translations.")
def translate_group():
    pass


@translate_group.command("extract", help="Write translations/messages.pot from the code and templates.")
def translate_extract():
    translations.extract()


@translate_group.command("update", help="Merge messages.pot into every language's catalog.")
def translate_update():
    translations.extract()
    translations.update()


@translate_group.command("compile", help="Compile the catalogs to .mo files (done by the setup scripts).")
def translate_compile():
    translations.compile_catalogs()


# The commands of the platform itself; app.py adds the demo data's and the domain packages'.
PLATFORM_COMMANDS = (
    db_group,
    create_user,
    set_role,
    countries_group,
    translate_group,
    backup_command,
    restore_command,
)
