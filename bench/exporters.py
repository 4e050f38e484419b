"""Python exporters, run as a subprocess by ``bench/exports_quality.py``.

``PYTHON bench/exporters.py NAME`` reads a JSON list of HTML strings on stdin and writes the JSON
list of their exports on stdout; ``PYTHON bench/exporters.py --version NAME`` prints the version
of the package behind NAME. html2text, markdownify and inscriptis run with the interpreter of
``bench/.exporters-venv``, trafilatura with the project's. Stdlib imports only at module level,
so each interpreter needs just the package of the exporter it runs.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from importlib.metadata import version


def _html2text(html: str) -> str:
    import html2text

    return html2text.html2text(html)


def _markdownify(html: str) -> str:
    from markdownify import markdownify

    return markdownify(html)


def _inscriptis(html: str) -> str:
    from inscriptis import get_text

    return get_text(html)


def _trafilatura(output_format: str) -> Callable[[str], str]:
    def run(html: str) -> str:
        import trafilatura

        return (
            trafilatura.extract(
                html, output_format=output_format, include_comments=False, with_metadata=False
            )
            or ""
        )

    return run


EXPORTERS: dict[str, tuple[str, Callable[[str], str]]] = {
    "html2text": ("html2text", _html2text),
    "markdownify": ("markdownify", _markdownify),
    "inscriptis": ("inscriptis", _inscriptis),
    "trafilatura-md": ("trafilatura", _trafilatura("markdown")),
    "trafilatura-txt": ("trafilatura", _trafilatura("txt")),
}


def main() -> None:
    if sys.argv[1] == "--version":
        sys.stdout.write(version(EXPORTERS[sys.argv[2]][0]))
        return
    export = EXPORTERS[sys.argv[1]][1]
    pages = json.loads(sys.stdin.read())
    json.dump([export(html) for html in pages], sys.stdout)


if __name__ == "__main__":
    main()
