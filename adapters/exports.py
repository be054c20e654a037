"""PDFs (through LibreOffice, when installed) and HTML previews beside generated Word files."""

import html
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import mammoth

from config.settings import get_settings

_PREVIEW = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:"Times New Roman",serif;font-size:14pt;max-width:170mm;margin:2em auto}}
table{{border-collapse:collapse;width:100%}}td,th{{vertical-align:top;padding:2px 6px}}</style>
</head><body>
{body}
</body></html>
"""


class LibreOfficeMissing(Exception):
    """--pdf was asked for, and LibreOffice is not installed."""


def libreoffice() -> str:
    """LibreOffice's command, or LibreOfficeMissing saying how to install it."""
    command = shutil.which(get_settings().soffice)
    if command is None:
        raise LibreOfficeMissing(
            f"--pdf needs LibreOffice, and {get_settings().soffice!r} is not on PATH; install it "
            "(Debian/Ubuntu: apt install libreoffice-writer) or set ROLLOUT_SOFFICE to its "
            "path. The Word files were generated; rerun with --pdf to add the PDFs."
        )
    return command


def convert_to_pdf(paths: list[str]) -> int:
    """Make a PDF beside each Word file with LibreOffice (one call per folder and 100 files)."""
    command = libreoffice()
    root = get_settings().documents_dir
    folders: dict[Path, list[Path]] = defaultdict(list)
    for path in paths:
        full = root / path
        folders[full.parent].append(full)
    made = 0
    for folder, files in sorted(folders.items()):
        for start in range(0, len(files), 100):
            chunk = files[start : start + 100]
            done = subprocess.run(
                [
                    command,
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(folder),
                    *map(str, chunk),
                ],
                capture_output=True,
                text=True,
                timeout=600,
            )
            if done.returncode != 0:
                raise RuntimeError(f"LibreOffice failed on {folder}: {done.stderr.strip()}")
            made += sum(f.with_suffix(".pdf").is_file() for f in chunk)
    return made


def write_previews(paths: list[str]) -> int:
    """Write an HTML preview beside each Word file (what it says, not how it is laid out)."""
    root = get_settings().documents_dir
    for path in paths:
        full = root / path
        with full.open("rb") as docx:
            body = mammoth.convert_to_html(docx).value
        language = "en" if full.stem.endswith(".en") else "vi"
        page = _PREVIEW.format(lang=language, title=html.escape(full.name), body=body)
        full.with_suffix(".html").write_text(page, encoding="utf-8")
    return len(paths)
