"""`rollout docs`: draft the phases' official documents as Word files, and list the registry."""

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

import typer

from cli.common import (
    AS_OF_HELP,
    DATE,
    PROGRAMME_HELP,
    Format,
    compact_table,
    day_or_today,
    err,
    out,
    print_records,
    programme_code,
    run_flow,
    user_errors,
)
from cli.labels import day_text, heading, language, phase_word
from config.settings import get_settings
from models.kernel.vocabulary import Phase

docs_app = typer.Typer(
    help="Draft official documents (Decree 30/2020 layout) and list what was generated.",
    no_args_is_help=True,
)


class Language(StrEnum):
    vi = "vi"
    en = "en"


@docs_app.command()
def generate(
    unit: str | None = typer.Option(None, help="One unit's code; default every unit."),
    phase: Phase | None = typer.Option(None, help="Only this phase's documents."),
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
    from services.documents import draft_documents, selected_types

    day = day_or_today(as_of)
    with user_errors():
        types = selected_types(types=doc_type, phase=phase.value if phase else None, unit=unit)
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
        try:
            result = run_flow(
                lambda: draft_documents(
                    programme=code,
                    as_of=day,
                    types=types,
                    language=language.value if language else None,
                    unit=unit,
                    pdf=pdf,
                    html=html,
                ),
                f"Drafting {len(types)} document types for {unit or code}",
            )
        except DocumentTemplateError as exc:
            err.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
            err.print("Nothing was drafted or registered.")
            raise typer.Exit(2) from None
    folder = get_settings().documents_dir
    out.print(
        f"{result.new} new, {result.unchanged} unchanged"
        + (f", {result.pdfs} PDFs" if result.pdfs is not None else "")
        + (f", {result.previews} previews" if result.previews is not None else "")
        + f", in {folder}"
    )
    for path in result.paths[:20]:
        out.print(f"  {path}")
    if len(result.paths) > 20:
        out.print(f"  … and {len(result.paths) - 20} more (`rollout docs list`)")


@docs_app.command()
def register(
    unit: str = typer.Argument(..., help="The unit's code."),
    doc_type: str = typer.Argument(
        ..., metavar="TYPE", help="The document type, e.g. implementation_plan."
    ),
    number: str = typer.Option(..., help="The number on the signed document, e.g. 'Số 5/KH-UBND'."),
    on: datetime = typer.Option(..., **DATE, help="The date it was signed."),
    signer: str | None = typer.Option(
        None, help="Who signed it; the name goes under the signature, kept on one line."
    ),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
) -> None:
    """Register a signed document: its drafts get the number and date the clerk gave it and
    become final (a decision recorded with `rollout record --decision` is registered already)."""
    from services.documents import register_document

    with user_errors():
        paths = register_document(
            programme=programme,
            unit=unit,
            doc_type=doc_type,
            number=number,
            signed_on=on.date(),
            as_of=day_or_today(as_of),
            signer=signer,
        )
    if not paths:
        out.print(f"{unit}'s {doc_type} is registered with that number and date already.")
    for path in paths:
        out.print(f"Registered: {path}", soft_wrap=True)


@docs_app.command("list")
def list_documents(
    unit: str | None = typer.Option(None, help="One unit's code (or the programme's code)."),
    phase: Phase | None = typer.Option(None, help="Only this phase."),
    doc_type: str | None = typer.Option(None, "--type", help="Only this document type."),
    all_versions: bool = typer.Option(False, "--all", help="Every version, not only the latest."),
    output_format: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
) -> None:
    """The registry: number, date, type, version and file of each generated document."""
    from services.documents import registered_documents

    with user_errors():
        rows = registered_documents(
            programme=programme,
            unit=unit,
            phase=phase.value if phase else None,
            doc_type=doc_type,
            all_versions=all_versions,
        )
    if print_records(rows, output_format):
        return
    table = compact_table("")
    for key in ("unit", "version", "number", "date", "file"):
        table.add_column(heading(key), no_wrap=key != "file")
    for r in rows:
        issued = date.fromisoformat(str(r["issued_on"])) if r["issued_on"] else None
        table.add_row(
            r["unit"], str(r["version"]), r["number"] or "", day_text(issued), Path(r["path"]).name
        )
    out.print(table)
    err.print(
        f"{len(rows)} documents, under {get_settings().documents_dir}/<programme>/<unit>/<phase>/."
    )


@docs_app.command()
def types() -> None:
    """The document types each phase drafts, their symbol and who issues them."""
    from services.documents import document_types

    table = compact_table("")
    for key in ("type", "phase", "symbol", "issuer", "title"):
        table.add_column(heading(key))
    for t in document_types():
        table.add_row(
            t.key,
            phase_word(t.phase),
            t.symbol or "(form)",
            t.issuer,
            t.title_vi if language() == "vi" else t.title_en,
        )
    out.print(table)
