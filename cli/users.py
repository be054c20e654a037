"""`rollout users`: who signs in to the web application, with which role and scope."""

import typer

from cli.common import PROGRAMME_HELP, compact_table, out, user_errors

users_app = typer.Typer(
    help="Web users: coordinators, units, verifiers and auditors, and their sign-in links.",
    no_args_is_help=True,
)

ROLE_HELP = "coordinator, unit, verifier or auditor."


@users_app.command()
def add(
    email: str = typer.Argument(..., help="The person's e-mail address."),
    role: str = typer.Option(..., "--role", help=ROLE_HELP, metavar="ROLE"),
    unit: list[str] = typer.Option(
        [],
        "--unit",
        help="A unit (a unit user's own; a verifier's assigned; repeat for more).",
        metavar="CODE",
    ),
    province: list[str] = typer.Option(
        [],
        "--province",
        help="A province or parent unit whose units are in scope (repeat for more).",
        metavar="CODE",
    ),
    name: str | None = typer.Option(None, help="The person's name, as the pages greet them."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
) -> None:
    """Add a user (or change one's role and scope); every change is audited."""
    from services.access import add_user

    with user_errors():
        done = add_user(
            programme=programme, email=email, role=role, scope=[*unit, *province], name=name
        )
    scope = ", ".join(done.scope) or "the whole programme"
    out.print(f"{'Added' if done.added else 'Updated'} {done.email}: {done.role}, {scope}.")


@users_app.command("from-roster")
def from_roster(programme: str | None = typer.Option(None, help=PROGRAMME_HELP)) -> None:
    """Add a unit user for every planned unit whose roster row has an e-mail."""
    from services.access import add_unit_users

    with user_errors():
        made = add_unit_users(programme=programme)
    out.print(f"Added {len(made)} unit user(s) from the roster's e-mails.")


@users_app.command()
def link(
    email: str = typer.Argument(..., help="The user's e-mail address."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
) -> None:
    """Print a fresh single-use sign-in link for a user (it expires; ROLLOUT_WEB_LINK_MINUTES)."""
    from services.access import sign_in_link

    with user_errors():
        url = sign_in_link(programme=programme, email=email)
    print(url)


@users_app.command("list")
def list_(programme: str | None = typer.Option(None, help=PROGRAMME_HELP)) -> None:
    """List the programme's users with their role and scope."""
    from services.access import list_users

    with user_errors():
        rows = list_users(programme=programme)
    table = compact_table(f"{len(rows)} user(s)")
    for column in ("e-mail", "role", "scope"):
        table.add_column(column)
    for row in rows:
        table.add_row(row.email, row.role, ", ".join(row.scope) or "—")
    out.print(table)
