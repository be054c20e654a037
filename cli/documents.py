"""`rollout docs`: draft the phases' official documents as Word files, and list the registry."""

from datetime import datetime
from enum import StrEnum
from pathlib import Path

import typer

from cli.common import (
    AS_OF_HELP,
    DATE,
    PROGRAMME_HELP,
    Format,
    day_or_today,
    engine,
    err,
    out,
    print_records,
    programme_code,
    run_flow,
    user_errors,
)
from config.settings import get_settings
from models.kernel.database import read_session

docs_app = typer.Typer(
    help="Draft official documents (Decree 30/2020 layout) and list what was generated.",
    no_args_is_help=True,
)


class Language(StrEnum):
    vi = "vi"
    en = "en"


class PhaseName(StrEnum):
    survey = "survey"
    training = "training"
    self_assessment = "self_assessment"
    action_plan = "action_plan"
    reporting = "reporting"


@docs_app.command()
def generate(
    unit: str | None = typer.Option(None, help="One unit's code; default every unit."),
    phase: PhaseName | None = typer.Option(None, help="Only this phase's documents."),
    doc_type: list[str] = typer.Option(
        None, "--type", help="Only this document type (repeatable); see `rollout docs types`."
    ),
    language: Language | None = typer.Option(
        None, "--lang", help="vi or en; default the programme's language (vi)."
    ),
    pdf: bool = typer.Option(False, "--pdf", help="Also a PDF beside each file (LibreOffice)."),
    html: bool = typer.Option(False, "--html", help="Also an HTML preview beside each file."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
) -> None:
    """Draft documents: unchanged data returns the same document; changed data a new version."""
    from adapters.exports import LibreOfficeMissing, libreoffice
    from adapters.word import DocumentTemplateError
    from models.documents.types import resolve_types

    day = day_or_today(as_of)
    with user_errors():
        types = resolve_types(doc_type or None, phase.value if phase else None)
        if unit:
            types = [t for t in types if t.issuer == "unit"]
        if not types:
            err.print("[bold red]error:[/] no document type matches --type and --phase")
            raise typer.Exit(2)
        if pdf:
            try:
                libreoffice()
            except LibreOfficeMissing as exc:
                err.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
                raise typer.Exit(4) from None
        code = programme_code(programme)
        lang = language.value if language else _programme_language(code)

        def call():
            from flows.documents import generate_documents

            return generate_documents(
                code, day, [t.key for t in types], lang, unit, pdf=pdf, html=html
            )

        try:
            doing = f"Drafting {len(types)} document types for {unit or code}"
            result = run_flow(call, doing)
        except DocumentTemplateError as exc:
            err.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
            err.print("Nothing was registered and no number was used.")
            raise typer.Exit(2) from None
    folder = get_settings().documents_dir
    out.print(
        f"{result['new']} new, {result['unchanged']} unchanged"
        + (f", {result['pdfs']} PDFs" if "pdfs" in result else "")
        + (f", {result['previews']} previews" if "previews" in result else "")
        + f", in {folder}"
    )
    for path in result["paths"][:20]:
        out.print(f"  {path}")
    if len(result["paths"]) > 20:
        out.print(f"  … and {len(result['paths']) - 20} more (`rollout docs list`)")


def _programme_language(code: str) -> str:
    from models.phases.schedule import get_programme

    with read_session(engine()) as session:
        return (get_programme(session, code).documents or {}).get("language", "vi")


@docs_app.command("list")
def list_documents(
    unit: str | None = typer.Option(None, help="One unit's code (or the programme's code)."),
    phase: PhaseName | None = typer.Option(None, help="Only this phase."),
    doc_type: str | None = typer.Option(None, "--type", help="Only this document type."),
    all_versions: bool = typer.Option(False, "--all", help="Every version, not only the latest."),
    output_format: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
) -> None:
    """The registry: number, date, type, version and file of each generated document."""
    from models.documents.registry import list_documents as registered
    from models.phases.schedule import get_programme

    with user_errors(), read_session(engine()) as session:
        prog = get_programme(session, programme)
        docs = registered(
            session, prog.id, unit, phase.value if phase else None, doc_type, not all_versions
        )
        versions = {d.id: d.version for d in docs}
        rows = [
            {
                "unit": d.subject,
                "phase": d.phase,
                "type": d.doc_type,
                "language": d.language,
                "version": d.version,
                "replaces": versions.get(d.replaces_id, d.version - 1 if d.replaces_id else None),
                "number": d.number_symbol or "",
                "issued_on": d.issued_on.isoformat(),
                "path": d.path,
                "output_sha256": d.output_sha256,
                "data_sha256": d.data_sha256,
                "template": d.template_name,
                "template_sha256": d.template_sha256,
                "created_by": d.created_by,
                "created_at": d.created_at.isoformat(),
            }
            for d in docs
        ]
    if print_records(rows, output_format):
        return
    from rich.table import Table

    table = Table("unit", "v", "number", "date", "file (type, version, language)", box=None)
    for r in rows:
        table.add_row(
            r["unit"], str(r["version"]), r["number"], r["issued_on"], Path(r["path"]).name
        )
    out.print(table)
    err.print(
        f"{len(rows)} documents, under {get_settings().documents_dir}/<programme>/<unit>/<phase>/."
    )


@docs_app.command()
def types() -> None:
    """The document types each phase drafts, their symbol and who issues them."""
    from rich.table import Table

    from models.documents.types import load_document_types

    table = Table("type", "phase", "symbol", "issuer", "title")
    for t in load_document_types().values():
        table.add_row(t.key, t.phase, t.symbol or "(form)", t.issuer, t.title_vi)
    out.print(table)
