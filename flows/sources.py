"""Finding and reading raw files: local folders or any fsspec URL (s3://, gcs://, ...).

When a source root is configured, local paths are confined to it: a path whose `..` segments
or symlinks lead outside it is refused with a reason instead of being read, at discovery and
again where the file is read (a Dask worker). A deployment run without a source root may read
only its inbox: its parameters come from whoever can use the Prefect UI. A file or sub-folder
that cannot be listed (a symlink loop, no permission) is yielded with its `error`, so the run
counts it as failed instead of stopping or losing it silently.
"""

from __future__ import annotations

import fnmatch
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import fsspec
from fsspec.implementations.local import LocalFileSystem
from pydantic import AfterValidator

log = logging.getLogger(__name__)

DEFAULT_INCLUDE = ("*.txt", "*.md", "*.markdown", "*.html", "*.htm", "*.gz")
MAX_LOCATION_CHARS = 4096


def _location(value: str) -> str:
    """A path or URL as typed: not blank, no control characters (a NUL cuts a path short)."""
    if not value.strip() or len(value) > MAX_LOCATION_CHARS or any(ord(c) < 32 for c in value):
        raise ValueError(
            f"must be a folder, file or URL of at most {MAX_LOCATION_CHARS} characters, "
            "without control characters"
        )
    return value


def _name_pattern(value: str) -> str:
    """A file-name glob (matched against names, never paths): no separators, no controls."""
    if not value or len(value) > 200 or any(c in "/\\" or ord(c) < 32 for c in value):
        raise ValueError(f"must be a file-name pattern such as *.html, without '/' (got {value!r})")
    return value


Location = Annotated[str, AfterValidator(_location)]
NamePattern = Annotated[str, AfterValidator(_name_pattern)]


class SourceError(ValueError):
    """The source location itself is unusable (missing, outside the allowed root, ...)."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One raw file found by discovery; `uri` is what the article's stable id derives from."""

    uri: str
    size: int
    error: str | None = None  # why discovery could not use it (counted as failed)


def printable(uri: str) -> str:
    """`uri` with undecodable bytes of a file name (surrogate escapes) shown as `\\xNN`."""
    return uri.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


@dataclass(frozen=True, slots=True)
class RawFile:
    """The bytes of one file (cut at the size limit) or the reason it could not be read."""

    uri: str
    data: bytes
    truncated: bool = False
    error: str | None = None


def _why(exc: Exception) -> str:
    """The short reason of an OS error; a RuntimeError from `Path.resolve` is a symlink loop."""
    if isinstance(exc, RuntimeError):
        return "symlink loop"
    return getattr(exc, "strerror", None) or str(exc)


def _is_local(source: str) -> bool:
    return "://" not in source or source.startswith("file://")


def resolve_local_root(source: str, allowed_root: Path | None) -> Path:
    """The real folder or file to read, refusing anything outside `allowed_root`."""
    raw = source.removeprefix("file://")
    try:
        path = Path(raw).expanduser().resolve()  # resolves '..' and symlinks before the check
        found = path.exists()
    except (OSError, RuntimeError) as exc:  # no permission on a parent folder, a symlink loop
        raise SourceError(f"source {raw} is not readable: {_why(exc)}") from None
    if not found:
        raise SourceError(f"source not found: {raw}")
    if allowed_root is not None and not path.is_relative_to(allowed_root.resolve()):
        raise SourceError(f"source {path} is outside the source root {allowed_root.resolve()}")
    try:
        if path.is_dir():
            os.scandir(path).close()
        else:
            path.open("rb").close()
    except OSError as exc:
        raise SourceError(f"source {raw} is not readable: {_why(exc)}") from None
    return path


def _refuse_local_urls(source: str, allowed_root: Path | None) -> None:
    """Under a source root, URLs that reach the local disk another way (`local://`, chained
    `simplecache::file://`, ...) would bypass the confinement: refuse them."""
    if allowed_root is None or _is_local(source):
        return
    fs, _ = fsspec.core.url_to_fs(source)
    if "::" in source or isinstance(fs, LocalFileSystem):
        raise SourceError(
            f"source {source!r} is not allowed with a source root: use a plain path under "
            f"{allowed_root.resolve()} or a remote URL (s3://, gcs://, ...)"
        )


def validate_source(source: str, allowed_root: Path | None) -> None:
    """Raise SourceError early when a local source is missing or outside the allowed root."""
    if _is_local(source):
        resolve_local_root(source, allowed_root)
    else:
        _refuse_local_urls(source, allowed_root)


def source_root_for(
    source: str, source_root: Path | None, inbox: str, deployed: bool
) -> Path | None:
    """The folder a run may read: the source root; for a deployment run without one, the inbox.

    A remote inbox (s3://bucket/inbox/) leaves a deployment run the URLs under it only.
    """
    if source_root is not None or not deployed:
        return source_root
    if _is_local(inbox):
        return Path(inbox.removeprefix("file://")).expanduser().resolve()
    base = inbox.rstrip("/") + "/"
    if (source.rstrip("/") + "/").startswith(base) and ".." not in source.split("/"):
        return None
    raise SourceError(
        f"source {source!r} is outside the inbox {inbox}: a deployment run reads only the inbox "
        "unless NEWSINDEX_SOURCE_ROOT is set"
    )


def _outside_root(uri: str, allowed_root: Path) -> str | None:
    """Why the file at `uri` may not be read under `allowed_root`, or None."""
    if not _is_local(uri):
        try:
            _refuse_local_urls(uri, allowed_root)
        except (SourceError, ValueError, ImportError) as exc:  # unknown protocol: not readable
            return str(exc)
        return None
    try:
        real = Path(uri.removeprefix("file://")).resolve()
    except (OSError, RuntimeError) as exc:
        return f"unreadable: {_why(exc)}"
    root = allowed_root.resolve()
    return None if real.is_relative_to(root) else f"outside the source root {root}"


def _matches(name: str, include: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in include)


def discover(
    source: str, include: Sequence[str] = DEFAULT_INCLUDE, allowed_root: Path | None = None
) -> Iterator[SourceFile]:
    """Yield the files under `source` whose name matches one of the `include` patterns."""
    if _is_local(source):
        yield from _discover_local(resolve_local_root(source, allowed_root), include)
        return
    _refuse_local_urls(source, allowed_root)
    fs, root = fsspec.core.url_to_fs(source)
    protocol = fs.protocol[0] if isinstance(fs.protocol, tuple) else fs.protocol
    for path, info in sorted(fs.find(root, detail=True).items()):
        if info.get("type") == "file" and _matches(Path(path).name, include):
            yield SourceFile(uri=f"{protocol}://{path}", size=int(info.get("size") or 0))


def _walk(root: Path) -> list[tuple[Path, str | None]]:
    """(path, None) for every non-folder entry under `root`, (folder, reason) for the folders
    that could not be listed; sorted by path."""
    if root.is_file():
        return [(root, None)]
    found: list[tuple[Path, str | None]] = []

    def unlistable(error: OSError) -> None:
        found.append((Path(error.filename), f"unreadable folder: {error.strerror or error}"))

    for folder, _, names in os.walk(root, onerror=unlistable):  # symlinked folders: not entered
        found += [(Path(folder, name), None) for name in names]
    return sorted(found, key=lambda entry: entry[0])


def _discover_local(root: Path, include: Sequence[str]) -> Iterator[SourceFile]:
    inside = root if root.is_dir() else root.parent
    for path, error in _walk(root):
        if error is not None:
            yield SourceFile(uri=str(path), size=0, error=error)
            continue
        if not _matches(path.name, include):
            continue
        try:
            real = path.resolve(strict=True)
            if path.is_symlink() and not real.is_relative_to(inside):
                log.warning(
                    "skipping %s: symlink leads outside the source root", printable(str(path))
                )
                continue
            if real.is_file():
                yield SourceFile(uri=str(path), size=real.stat().st_size)
        except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
            yield SourceFile(uri=str(path), size=0, error=f"unreadable: {_why(exc)}")


def read_file(file: SourceFile, max_bytes: int, allowed_root: Path | None = None) -> RawFile:
    """Read at most `max_bytes` (+1 to detect truncation); errors become a reason, not a raise.

    With `allowed_root` the file is checked again where it is read (on a Dask worker, the
    paths discovery found may have been swapped for symlinks since): outside it, it is refused.
    """
    if file.error:
        return RawFile(uri=file.uri, data=b"", error=file.error)
    if allowed_root is not None and (refusal := _outside_root(file.uri, allowed_root)):
        return RawFile(uri=file.uri, data=b"", error=refusal)
    try:
        with fsspec.open(file.uri, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return RawFile(uri=file.uri, data=b"", error=f"unreadable: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return RawFile(uri=file.uri, data=data[:max_bytes], truncated=True)
    return RawFile(uri=file.uri, data=data)
