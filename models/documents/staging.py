"""Writing documents' files within a registry transaction: each beside its final path first,
renamed into place once the rows are written, removed if anything fails."""

import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from models.kernel.identifiers import inside
from models.kernel.problems import StorageError


class Staging:
    """Files written beside their final paths by threads of their own, renamed into place when
    the block ends without an error, removed when it raises.

    Creating a file takes up to a millisecond on a busy disk (a sweep drafts thousands): the
    threads do it while the next document is rendered and the rows are written. A file that
    could not be written fails the block, so that no row stands without its file."""

    def __init__(self, documents_dir: Path):
        self.documents_dir = documents_dir
        self._writers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="rollout-documents")
        self._staged: list[tuple[Future, Path]] = []
        self._folders: dict[Path, Path] = {}  # a folder as given -> resolved, checked inside

    def add(self, relative: str, content: bytes) -> None:
        """Stage a document's file at `relative` (refused when it would leave the folder)."""
        path = self.documents_dir / relative
        if path.name in ("", ".", ".."):
            final = inside(self.documents_dir, path, "a document")
        else:  # each folder resolved once: a unit's documents share one
            folder = self._folders.get(path.parent)
            if folder is None:
                folder = inside(self.documents_dir, path.parent, "a document")
                self._folders[path.parent] = folder
            final = folder / path.name
        self._staged.append((self._writers.submit(_stage, final, content), final))

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, kind, *_) -> None:
        self._writers.shutdown(wait=True)
        failed = next(((f.exception(), p) for f, p in self._staged if f.exception()), None)
        if kind is not None or failed is not None:
            for future, _ in self._staged:
                if future.exception() is None:
                    future.result().unlink(missing_ok=True)
            if kind is None:
                cause, path = failed
                reason = getattr(cause, "strerror", None) or cause
                raise StorageError(
                    f"{path}: could not be written ({reason}); nothing was drafted or "
                    "registered: make room or fix the folder's permissions, then run again"
                ) from cause
            return
        for future, final in self._staged:
            os.replace(future.result(), final)


def _stage(final: Path, content: bytes) -> Path:
    """Write beside the final path; the caller renames once the transaction is safe."""
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(content)
    except BaseException:  # a disk that filled up mid-write: no half-written file stays
        temporary.unlink(missing_ok=True)
        raise
    return temporary
