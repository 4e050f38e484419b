"""Raw bytes to text: gzip, byte-order marks, UTF-8 with a detected fallback, binary refusal."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

import charset_normalizer

from transforms.record import RecordWarning, WarningCode

GZIP_MAGIC = b"\x1f\x8b"
MAX_GUNZIP_BYTES = 50 * 1024 * 1024
_SNIFF_BYTES = 8192
_DETECT_BYTES = 1024 * 1024
_TEXT_BYTES = bytes(range(32, 256)) + b"\t\n\f\r\x1b"
# Labels charset-normalizer gives short Western text; cp1252 (a superset of Latin-1 text) wins.
_WESTERN = frozenset(
    {"cp1252", "cp1250", "latin_1", "iso8859_15", "iso8859_10", "mac_roman", "ascii", "utf_8"}
)
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


@dataclass(slots=True)
class Decoded:
    """Decoded text; empty, with a warning saying why, when the bytes are not text."""

    text: str = ""
    warnings: list[RecordWarning] = field(default_factory=list)


def gunzip(raw: bytes, limit: int = MAX_GUNZIP_BYTES) -> tuple[bytes, list[RecordWarning]]:
    """Decompress at most ``limit`` bytes; truncated or capped streams keep what was recovered."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, limit)
    except zlib.error as exc:
        return b"", [_gzip(f"corrupt stream ({exc}); nothing recovered")]
    if len(out) >= limit and (inflater.unconsumed_tail or not inflater.eof):
        return out, [_gzip(f"output capped at {limit} bytes (possible decompression bomb)")]
    if not inflater.eof:
        return out, [_gzip(f"truncated stream; kept the {len(out)} bytes recovered")]
    return out, []


def _gzip(detail: str) -> RecordWarning:
    return RecordWarning(WarningCode.GZIP, detail)


def strip_controls(text: str) -> tuple[str, int]:
    """Text without C0/DEL control characters (form and vertical feeds become line breaks);
    returns it and how many were removed. Tab, newline and carriage return are kept."""
    found = len(_CONTROLS.findall(text))
    if not found:
        return text, 0
    return _CONTROLS.sub("", text.replace("\f", "\n").replace("\v", "\n")), found


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    control = len(sample.translate(None, _TEXT_BYTES))  # what is left are control bytes
    return control > len(sample) * 0.1


def decode_bytes(raw: bytes) -> Decoded:
    """Decode file bytes to text.

    Gzip is recognised by its magic bytes. UTF-8 (with or without BOM) and UTF-16 with a BOM
    are read directly; other bytes go through charset-normalizer (cp1252 and friends); bytes
    that still do not decode are replaced, with a warning. NUL or control-heavy input is skipped.
    """
    warnings: list[RecordWarning] = []
    if raw.startswith(GZIP_MAGIC):
        raw, warnings = gunzip(raw)
    if not raw.strip():
        return Decoded(warnings=[*warnings, RecordWarning(WarningCode.EMPTY_INPUT)])
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            text = raw[len(bom) :].decode(encoding, errors="replace")
            return Decoded(text, warnings=warnings)
    if _looks_binary(raw[:_SNIFF_BYTES]):
        return Decoded(warnings=[*warnings, RecordWarning(WarningCode.BINARY_INPUT)])
    try:
        return Decoded(raw.decode("utf-8"), warnings=warnings)
    except UnicodeDecodeError:
        pass
    lenient = raw.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    if sum(ord(c) > 127 for c in lenient) - bad > bad:
        warnings.append(RecordWarning(WarningCode.INVALID_UTF8, str(bad)))
        return Decoded(lenient, warnings=warnings)
    encoding = _legacy_encoding(raw)
    warnings.append(RecordWarning(WarningCode.LEGACY_ENCODING, encoding))
    return Decoded(raw.decode(encoding, errors="replace"), warnings=warnings)


def _legacy_encoding(raw: bytes) -> str:
    """The single-byte encoding of non-UTF-8 text; Western guesses settle on cp1252."""
    best = charset_normalizer.from_bytes(raw[:_DETECT_BYTES]).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding in _WESTERN:
        try:
            raw.decode("cp1252")
        except UnicodeDecodeError:
            return encoding
        return "cp1252"
    return encoding
