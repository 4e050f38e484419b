"""Finding and reading raw files: local folders or any fsspec URL (s3://, gcs://, ...).

When a source root is configured, local paths are confined to it: a path whose `..` segments
or symlinks lead outside it is refused with a reason instead of being read.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import fsspec
from fsspec.implementations.local import LocalFileSystem

log = logging.getLogger(__name__)

DEFAULT_INCLUDE = ("*.txt", "*.md", "*.markdown", "*.html", "*.htm", "*.gz")


class SourceError(ValueError):
    """The source location itself is unusable (missing, outside the allowed root, ...)."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One raw file found by discovery; `uri` is what the article's stable id derives from."""

    uri: str
    size: int


@dataclass(frozen=True, slots=True)
class RawFile:
    """The bytes of one file (cut at the size limit) or the reason it could not be read."""

    uri: str
    data: bytes
    truncated: bool = False
    error: str | None = None


def _is_local(source: str) -> bool:
    return "://" not in source or source.startswith("file://")


def resolve_local_root(source: str, allowed_root: Path | None) -> Path:
    """The real folder or file to read, refusing anything outside `allowed_root`."""
    raw = source.removeprefix("file://")
    path = Path(raw).expanduser().resolve()  # resolves '..' and symlinks before the check
    if not path.exists():
        raise SourceError(f"source not found: {raw}")
    if allowed_root is not None and not path.is_relative_to(allowed_root.resolve()):
        raise SourceError(f"source {path} is outside the source root {allowed_root.resolve()}")
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


def _discover_local(root: Path, include: Sequence[str]) -> Iterator[SourceFile]:
    candidates = [root] if root.is_file() else sorted(p for p in root.rglob("*"))
    for path in candidates:
        if not _matches(path.name, include):
            continue
        real = path.resolve()
        if path.is_symlink() and not real.is_relative_to(root if root.is_dir() else root.parent):
            log.warning("skipping %s: symlink leads outside the source root", path)
            continue
        if real.is_file():
            yield SourceFile(uri=str(path), size=real.stat().st_size)


def read_file(file: SourceFile, max_bytes: int) -> RawFile:
    """Read at most `max_bytes` (+1 to detect truncation); errors become a reason, not a raise."""
    try:
        with fsspec.open(file.uri, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return RawFile(uri=file.uri, data=b"", error=f"unreadable: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return RawFile(uri=file.uri, data=data[:max_bytes], truncated=True)
    return RawFile(uri=file.uri, data=data)
