"""A stand-in for the two Kibana HTTP endpoints that `newsindex setup` uses. Tests only.

Kibana cannot run on these machines, so this local stub (http.server on 127.0.0.1, random
port) records every request and answers like Kibana documents: `GET /api/status` and
`POST /api/saved_objects/_import`, including Kibana's refusals of a request without the
`kbn-xsrf` header, without a multipart `file` part, or with a file not ending in `.ndjson`.
Everything else in the test suite runs against real services.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Recorded:
    """One request as the stub received it (header names lowercased)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def parts(self) -> list[Message]:
        """The multipart/form-data parts of the body."""
        head = f"Content-Type: {self.headers.get('content-type', '')}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + self.body)
        return list(message.iter_parts()) if message.is_multipart() else []


def _file_part(request: Recorded) -> Message | None:
    for part in request.parts():
        if part.get_param("name", header="content-disposition") == "file":
            return part
    return None


def kibana_import_answer(request: Recorded) -> tuple[int, dict[str, Any]]:
    """What Kibana answers to an import request (validations as in Kibana's route)."""
    if request.headers.get("kbn-xsrf") is None:
        return 400, {
            "statusCode": 400,
            "error": "Bad Request",
            "message": "Request must contain a kbn-xsrf header.",
        }
    part = _file_part(request)
    if part is None:
        return 400, {
            "statusCode": 400,
            "error": "Bad Request",
            "message": "[request body.file]: expected value of type [Stream]",
        }
    filename = part.get_filename() or ""
    if not filename.endswith(".ndjson"):
        extension = filename.rpartition(".")[2]
        return 415, {
            "statusCode": 415,
            "error": "Unsupported Media Type",
            "message": f"Invalid file extension .{extension}",
        }
    objects = [json.loads(line) for line in part.get_payload(decode=True).splitlines() if line]
    results = [
        {
            "type": obj["type"],
            "id": obj["id"],
            "meta": {"title": obj["attributes"].get("title")},
            "overwrite": True,
        }
        for obj in objects
    ]
    return 200, {
        "success": True,
        "successCount": len(objects),
        "successResults": results,
        "warnings": [],
    }


class KibanaStub:
    """Start with `with KibanaStub() as kibana:`; `kibana.url`, `kibana.requests`.

    `status_levels`: overall levels returned by successive status calls (the last repeats).
    `import_answer`: a fixed (status, JSON body) for imports instead of Kibana's behaviour.
    """

    def __init__(
        self,
        status_levels: tuple[str, ...] = ("available",),
        import_answer: tuple[int, dict[str, Any]] | None = None,
    ) -> None:
        self.status_levels = list(status_levels)
        self.import_answer = import_answer
        self.requests: list[Recorded] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> KibanaStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def imports(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/api/saved_objects/_import"]

    def _answer(self, request: Recorded) -> tuple[int, dict[str, Any]]:
        if request.method == "GET" and request.path == "/api/status":
            level = (
                self.status_levels.pop(0) if len(self.status_levels) > 1 else self.status_levels[0]
            )
            return (200 if level == "available" else 503), {
                "name": "kibana-stub",
                "version": {"number": "9.2.0"},
                "status": {"overall": {"level": level}},
            }
        if request.method == "POST" and request.path == "/api/saved_objects/_import":
            return self.import_answer or kibana_import_answer(request)
        return 404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                parts = urlsplit(self.path)
                request = Recorded(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=self.rfile.read(length),
                )
                stub.requests.append(request)
                status, body = stub._answer(request)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _serve  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def closed_port_url() -> str:
    """A loopback URL where nothing listens."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    return f"http://127.0.0.1:{port}"
