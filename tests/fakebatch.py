"""The providers' batch APIs for fakellm.py, in their wire formats.

Anthropic's Message Batches (POST /v1/messages/batches, GET .../{id}, GET .../{id}/results as
JSONL, POST .../{id}/cancel) and OpenAI's Batch API (POST /v1/files multipart with purpose
"batch", POST /v1/batches, GET /v1/batches[/{id}], GET /v1/files/{id}/content, POST
/v1/batches/{id}/cancel). A batch ends on its `polls_to_end`-th retrieve; then every item is
answered by the fake's own live handler, so an item's params meet exactly the checks a live
request meets (fakerules.py), and a refusal there is the item's error. It says no where the
APIs say no, each rule citing its source. Options: `errored_once` (the first N items ever run
come back errored, once each), `expire` (the next N batches expire with no item run); cancel
works as on the real APIs.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from fakewire import error_body

Canned = tuple[int, dict[str, str], Any]
# (status, body) of the live handler for one request's params
Live = Callable[[dict[str, str], dict[str, Any]], tuple[int, Any]]

# Anthropic, platform.claude.com/docs/en/api/messages/batches/create: `requests` minItems 1,
# maxItems 100000; custom_id "minLength: 1, maxLength: 64, pattern: ^[a-zA-Z0-9_-]{1,64}$",
# "Must be unique for each request within the Message Batch"; "up to 256 MB total size"
# (docs.anthropic.com/en/api/creating-message-batches); `params` is
# MessageCreateParamsNonStreaming (anthropic/types/messages/batch_create_params.py).
ANTHROPIC_MAX_REQUESTS = 100_000
ANTHROPIC_MAX_BYTES = 256_000_000
CUSTOM_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")
# OpenAI, openai/types/batch_create_params.py: completion_window Literal["24h"]; the endpoints
# listed; "The file can contain up to 50,000 requests, and can be up to 200 MB in size"; must be
# uploaded with purpose "batch". openai/resources/files.py: "The Batch API only supports .jsonl
# files up to 200 MB in size". The batch guide (platform.openai.com/docs/guides/batch): each
# line's custom_id unique, method POST, url the batch's endpoint, and "each input file can only
# include requests to a single model". metadata: 16 pairs, keys 64, values 512 characters.
OPENAI_MAX_REQUESTS = 50_000
OPENAI_MAX_BYTES = 200_000_000
OPENAI_ENDPOINTS = frozenset(
    {"/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/completions"}
    | {"/v1/moderations", "/v1/images/generations", "/v1/images/edits", "/v1/videos"}
)
FILE_PURPOSES = frozenset({"assistants", "batch", "fine-tune", "vision", "user_data", "evals"})
EXPIRED_TEXT = "This request could not be executed before the completion window expired."


def _stamp(offset_hours: int = 0) -> str:
    moment = datetime.now(UTC) + timedelta(hours=offset_hours)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _epoch() -> int:
    return int(datetime.now(UTC).timestamp())


@dataclass
class Job:
    """One batch on the fake: its items (custom_id, params), polls so far and outcome."""

    id: str
    items: list[tuple[str, dict[str, Any]]]
    headers: dict[str, str]
    polls: int = 0
    state: str = "running"  # running | cancelling | ended
    outcome: dict[str, tuple[int, Any]] = field(default_factory=dict)  # custom_id -> answer
    ended_as: str = ""  # processed | expired | canceled
    extra: dict[str, Any] = field(default_factory=dict)


class FakeBatches:
    """Both batch APIs over one fake server; `live` answers an item as a live request."""

    def __init__(self, url: str, anthropic: Live, openai: Live) -> None:
        self.url = url
        self.live = {"anthropic": anthropic, "openai": openai}
        self.polls_to_end = 1
        self.errored_once = 0
        self.expire = 0
        self.items_run = 0
        self.jobs: dict[str, Job] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self._errored: set[str] = set()
        self._lock = threading.Lock()

    @staticmethod
    def owns(route: str) -> bool:
        return "/messages/batches" in route or bool(re.search(r"/v1/(files|batches)\b", route))

    def handle(self, method: str, route: str, headers: dict[str, str], raw: bytes) -> Canned:
        with self._lock:
            if "/messages/batches" in route:
                return self._anthropic(method, route, headers, raw)
            return self._openai(method, route, headers, raw)

    # ---- what both share ----

    def _poll(self, job: Job, wire: str) -> None:
        """One retrieve: a cancelled batch ends now, a running one after `polls_to_end`."""
        job.polls += 1
        if job.state == "cancelling":
            job.state, job.ended_as = "ended", "canceled"
        elif job.state == "running" and job.polls >= self.polls_to_end:
            job.state = "ended"
            if self.expire:
                self.expire -= 1
                job.ended_as = "expired"
            else:
                job.ended_as = "processed"
                job.outcome = {cid: self._run(wire, job, cid, p) for cid, p in job.items}

    def _run(self, wire: str, job: Job, custom_id: str, params: dict[str, Any]) -> tuple[int, Any]:
        self.items_run += 1
        if self.errored_once and custom_id not in self._errored:
            self.errored_once -= 1
            self._errored.add(custom_id)
            return 500, error_body(wire, "api_error", "Internal server error (fake batch item).")
        if params.get("stream"):  # batch items are non-streaming requests
            message = "stream: batch requests cannot be streamed"
            return 400, error_body(wire, "invalid_request_error", message)
        return self.live[wire](job.headers, params)

    # ---- Anthropic Message Batches ----

    def _anthropic(self, method: str, route: str, headers: dict[str, str], raw: bytes) -> Canned:
        parts = route.rstrip("/").split("/")  # ["", "v1", "messages", "batches", id, action]
        if method == "POST" and len(parts) == 4:
            return self._anthropic_create(headers, raw)
        job = self.jobs.get(parts[4]) if len(parts) > 4 else None
        if job is None or "wire" in job.extra:
            return _not_found("anthropic", route)
        action = parts[5] if len(parts) > 5 else ""
        if method == "GET" and not action:
            self._poll(job, "anthropic")
            return 200, {}, self._message_batch(job)
        if method == "GET" and action == "results":
            return self._anthropic_results(job)
        if method == "POST" and action == "cancel":
            if job.state == "running":
                job.state = "cancelling"
                job.extra["cancel_initiated_at"] = _stamp()
            return 200, {}, self._message_batch(job)
        return _not_found("anthropic", route)

    def _anthropic_create(self, headers: dict[str, str], raw: bytes) -> Canned:
        if len(raw) > ANTHROPIC_MAX_BYTES:  # docs api/errors: 413 request_too_large
            return _bad("anthropic", "Request exceeds the maximum allowed number of bytes.", 413)
        body = json.loads(raw)
        requests = body.get("requests")
        if not isinstance(requests, list) or not 1 <= len(requests) <= ANTHROPIC_MAX_REQUESTS:
            return _bad("anthropic", "requests: must hold 1 to 100000 items")
        ids = [r.get("custom_id") for r in requests]
        bad = [i for i in ids if not isinstance(i, str) or not CUSTOM_ID.fullmatch(i)]
        if bad:
            return _bad("anthropic", f"requests.custom_id: {bad[0]!r} does not match the pattern")
        if len(set(ids)) != len(ids):
            return _bad("anthropic", "requests.custom_id: must be unique within the batch")
        if any(not isinstance(r.get("params"), dict) for r in requests):
            return _bad("anthropic", "requests.params: Field required")
        job = Job(
            f"msgbatch_{uuid.uuid4().hex[:24]}",
            [(r["custom_id"], r["params"]) for r in requests],
            headers,
        )
        job.extra["created_at"] = _stamp()
        self.jobs[job.id] = job
        return 200, {}, self._message_batch(job)

    def _message_batch(self, job: Job) -> dict[str, Any]:
        ended = job.state == "ended"
        counts = dict.fromkeys(("processing", "succeeded", "errored", "canceled", "expired"), 0)
        if not ended:
            counts["processing"] = len(job.items)
        elif job.ended_as == "processed":
            ok = sum(status == 200 for status, _ in job.outcome.values())
            counts.update(succeeded=ok, errored=len(job.items) - ok)
        else:
            counts[job.ended_as] = len(job.items)
        status = {"running": "in_progress", "cancelling": "canceling"}.get(job.state, "ended")
        return {
            "id": job.id,
            "type": "message_batch",
            "processing_status": status,
            "request_counts": counts,
            "created_at": job.extra["created_at"],
            "expires_at": _stamp(24),
            "ended_at": _stamp() if ended else None,
            "archived_at": None,
            "cancel_initiated_at": job.extra.get("cancel_initiated_at"),
            "results_url": f"{self.url}/v1/messages/batches/{job.id}/results" if ended else None,
        }

    def _anthropic_results(self, job: Job) -> Canned:
        if job.state != "ended":
            return _bad("anthropic", f"Batch {job.id} is still processing; results are not ready.")
        lines = []
        for custom_id, _ in job.items:
            if job.ended_as != "processed":
                result: dict[str, Any] = {"type": job.ended_as}
            else:
                status, answer = job.outcome[custom_id]
                ok = status == 200
                result = (
                    {"type": "succeeded", "message": answer}
                    if ok
                    else {"type": "errored", "error": answer}
                )
            lines.append(json.dumps({"custom_id": custom_id, "result": result}))
        return 200, {"content-type": "application/binary"}, "".join(line + "\n" for line in lines)

    # ---- OpenAI Batch API ----

    def _openai(self, method: str, route: str, headers: dict[str, str], raw: bytes) -> Canned:
        parts = route.rstrip("/").split("/")  # ["", "v1", "files"|"batches", id, action]
        kind = parts[2]
        action = parts[4] if len(parts) > 4 else ""
        if kind == "files" and method == "POST" and len(parts) == 3:
            return self._upload(headers, raw)
        if kind == "files" and method == "GET" and action == "content":
            file = self.files.get(parts[3])
            return (
                (200, {"content-type": "application/octet-stream"}, file["data"].decode())
                if file
                else _not_found("openai", route)
            )
        if kind == "batches" and len(parts) == 3:
            if method == "POST":
                return self._openai_create(headers, json.loads(raw))
            data = [self._batch(j) for j in self.jobs.values() if j.extra.get("wire") == "openai"]
            return 200, {}, {"object": "list", "data": data[::-1], "has_more": False}
        job = self.jobs.get(parts[3]) if kind == "batches" else None
        if job is None or job.extra.get("wire") != "openai":
            return _not_found("openai", route)
        if method == "GET" and not action:
            self._poll(job, "openai")
            return 200, {}, self._batch(job)
        if method == "POST" and action == "cancel":
            if job.state == "running":
                job.state = "cancelling"
            return 200, {}, self._batch(job)
        return _not_found("openai", route)

    def _upload(self, headers: dict[str, str], raw: bytes) -> Canned:
        form = _multipart(headers.get("content-type", ""), raw)
        purpose, (filename, data) = (
            form.get("purpose", ("", b""))[1].decode(),
            form.get("file", ("", b"")),
        )
        if purpose not in FILE_PURPOSES:
            return _bad("openai", f"purpose: '{purpose}' is not one of {sorted(FILE_PURPOSES)}")
        if purpose == "batch" and (not filename.endswith(".jsonl") or len(data) > OPENAI_MAX_BYTES):
            return _bad("openai", "The Batch API only supports .jsonl files up to 200 MB in size.")
        file_id = f"file-{uuid.uuid4().hex[:24]}"
        self.files[file_id] = {"data": data, "purpose": purpose}
        return 200, {}, _file_object(file_id, filename, purpose, len(data))

    def _openai_create(self, headers: dict[str, str], body: dict[str, Any]) -> Canned:
        if body.get("completion_window") != "24h":
            return _bad(
                "openai", "completion_window: only '24h' is supported", param="completion_window"
            )
        endpoint = body.get("endpoint")
        if endpoint not in OPENAI_ENDPOINTS:
            return _bad("openai", f"endpoint: unsupported value {endpoint!r}", param="endpoint")
        if endpoint != "/v1/chat/completions":
            return _bad("openai", "this fake runs /v1/chat/completions batches only")
        file = self.files.get(str(body.get("input_file_id")))
        if file is None or file["purpose"] != "batch":
            return _bad("openai", "input_file_id: no file with purpose 'batch' has this id", 404)
        problem = _metadata_problem(body.get("metadata"))
        if problem:
            return _bad("openai", problem, param="metadata")
        job = Job(f"batch_{uuid.uuid4().hex[:24]}", [], headers)
        job.extra.update(wire="openai", created_at=_epoch(), input_file_id=body["input_file_id"])
        job.extra.update(metadata=body.get("metadata"), endpoint=endpoint)
        errors = _validate_lines(file["data"], endpoint)
        if errors:
            job.state, job.ended_as = "ended", "failed"
            job.extra["errors"] = {"object": "list", "data": errors}
        else:
            job.items = [(line["custom_id"], line["body"]) for line in _lines(file["data"])]
        self.jobs[job.id] = job
        return 200, {}, self._batch(job)

    def _batch(self, job: Job) -> dict[str, Any]:
        ended = job.state == "ended"
        status = {
            "running": "in_progress" if job.polls else "validating",
            "cancelling": "cancelling",
        }.get(job.state) or {"processed": "completed", "canceled": "cancelled"}.get(
            job.ended_as, job.ended_as
        )
        ok = sum(s == 200 for s, _ in job.outcome.values())
        output, errors = self._output_files(job) if ended else (None, None)
        return {
            "id": job.id,
            "object": "batch",
            "endpoint": job.extra["endpoint"],
            "errors": job.extra.get("errors"),
            "input_file_id": job.extra["input_file_id"],
            "completion_window": "24h",
            "status": status,
            "output_file_id": output,
            "error_file_id": errors,
            "created_at": job.extra["created_at"],
            "expires_at": job.extra["created_at"] + 86_400,
            "request_counts": {
                "total": len(job.items),
                "completed": ok,
                "failed": len(job.outcome) - ok,
            },
            "metadata": job.extra.get("metadata"),
        }

    def _output_files(self, job: Job) -> tuple[str | None, str | None]:
        """The output and error files of an ended batch (made once)."""
        if "files" not in job.extra:
            good: list[dict[str, Any]] = []
            bad: list[dict[str, Any]] = []
            for custom_id, _ in job.items:
                line = _openai_line(job, custom_id)
                (
                    good if line["response"] and line["response"]["status_code"] == 200 else bad
                ).append(line)
            job.extra["files"] = (self._keep(good, job), self._keep(bad, job))
        files: tuple[str | None, str | None] = job.extra["files"]
        return files

    def _keep(self, lines: list[dict[str, Any]], job: Job) -> str | None:
        if not lines:
            return None
        file_id = f"file-{uuid.uuid4().hex[:24]}"
        data = "".join(json.dumps(line) + "\n" for line in lines).encode()
        self.files[file_id] = {"data": data, "purpose": "batch_output"}
        return file_id


def _openai_line(job: Job, custom_id: str) -> dict[str, Any]:
    """One line of an output or error file (platform.openai.com/docs/guides/batch)."""
    line: dict[str, Any] = {"id": f"batch_req_{uuid.uuid4().hex[:16]}", "custom_id": custom_id}
    if custom_id in job.outcome:
        status, body = job.outcome[custom_id]
        line.update(response={"status_code": status, "request_id": "req", "body": body}, error=None)
    elif job.ended_as == "expired":
        line.update(response=None, error={"code": "batch_expired", "message": EXPIRED_TEXT})
    else:
        message = "This request was not executed because the batch was cancelled."
        line.update(response=None, error={"code": "batch_cancelled", "message": message})
    return line


def _lines(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.decode().splitlines() if line.strip()]


def _validate_lines(data: bytes, endpoint: str) -> list[dict[str, Any]]:
    """The input file's problems, as the batch's `errors.data` (a failed batch)."""
    try:
        lines = _lines(data)
    except ValueError as e:
        return [{"code": "invalid_json_line", "message": str(e), "line": None, "param": None}]
    problems: list[tuple[str, str, int | None]] = []
    seen: set[str] = set()
    models = {str((line.get("body") or {}).get("model")) for line in lines}
    if len(lines) > OPENAI_MAX_REQUESTS:
        problems.append(("too_many_requests", "The file holds more than 50,000 requests.", None))
    if len(models) > 1:
        problems.append(
            ("mismatched_model", "The file holds requests to more than one model.", None)
        )
    for number, line in enumerate(lines, 1):
        custom_id = line.get("custom_id")
        if not isinstance(custom_id, str) or custom_id in seen:
            problems.append(("duplicate_custom_id", "custom_id must be unique.", number))
        seen.add(str(custom_id))
        if line.get("method") != "POST" or line.get("url") != endpoint:
            problems.append(("invalid_url", f"url must be {endpoint}, method POST.", number))
        if not isinstance(line.get("body"), dict):
            problems.append(("invalid_body", "body must be an object.", number))
    return [{"code": c, "message": m, "line": n, "param": None} for c, m, n in problems]


def _metadata_problem(metadata: Any) -> str:
    if metadata is None:
        return ""
    if not isinstance(metadata, dict) or len(metadata) > 16:
        return "metadata: at most 16 key-value pairs"
    if any(len(str(k)) > 64 or not isinstance(v, str) or len(v) > 512 for k, v in metadata.items()):
        return "metadata: keys up to 64 characters, values strings up to 512"
    return ""


def _multipart(content_type: str, raw: bytes) -> dict[str, tuple[str, bytes]]:
    """A multipart/form-data body as {field: (filename, bytes)}."""
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw
    )
    fields: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename() or ""
        payload = part.get_payload(decode=True)
        fields[str(name)] = (filename, payload if isinstance(payload, bytes) else b"")
    return fields


def _file_object(file_id: str, filename: str, purpose: str, size: int) -> dict[str, Any]:
    return {
        "id": file_id,
        "object": "file",
        "bytes": size,
        "created_at": _epoch(),
        "filename": filename,
        "purpose": purpose,
        "status": "processed",
    }


def _bad(wire: str, message: str, status: int = 400, param: str | None = None) -> Canned:
    kind = {404: "not_found_error", 413: "request_too_large"}.get(status, "invalid_request_error")
    return status, {}, error_body(wire, kind, message, None, param)


def _not_found(wire: str, route: str) -> Canned:
    return 404, {}, error_body(wire, "not_found_error", f"no such batch or file: {route}")
