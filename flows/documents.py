"""Flows that draft documents: on demand for a selection, and as phases open for units."""

from datetime import UTC, date, datetime

from prefect import flow

from models.documents.types import load_document_types
from tasks.documents import convert_to_pdf, draft_batch, draft_programme_report, write_previews
from tasks.phases import find_unit_batch
from tasks.planning import find_unit_batches


@flow(name="generate-documents", flow_run_name="documents-{programme_code}-{as_of}")
def generate_documents(
    programme_code: str,
    as_of: date,
    type_keys: list[str],
    language: str = "vi",
    unit_code: str | None = None,
    pdf: bool = False,
    html: bool = False,
    recorded_at: datetime | None = None,
) -> dict:
    """Draft the chosen document types for every unit (or one) in batches, then export them."""
    recorded_at = recorded_at or datetime.now(UTC)
    known = load_document_types()
    unit_types = [k for k in type_keys if known[k].issuer == "unit"]
    batches = [find_unit_batch(programme_code, unit_code)] if unit_code else []
    if unit_types and not unit_code:
        batches = find_unit_batches(programme_code)
    results = [
        draft_batch(programme_code, "selection", i, ids, unit_types, language, as_of, recorded_at)
        for i, ids in enumerate(batches, start=1)
        if unit_types
    ]
    if "programme_report" in type_keys and not unit_code:
        results.append(draft_programme_report(programme_code, language, as_of, recorded_at))
    paths = [p for r in results for p in r["paths"]]
    total = {
        "new": sum(r["new"] for r in results),
        "unchanged": sum(r["unchanged"] for r in results),
    }
    if html:
        total["previews"] = write_previews(programme_code, paths)
    if pdf:
        total["pdfs"] = convert_to_pdf(programme_code, paths)
    total["paths"] = paths
    return total
