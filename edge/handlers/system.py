"""Liveness, readiness, the OpenAPI document and its local docs page."""

from __future__ import annotations

import html
import json
from typing import Any

import psycopg
from aiohttp import web

from booker import DB_DIR
from booker.supervisor import read_status
from edge import db, openapi
from edge.http import dumps, json_response

READY_TIMEOUT = 2.0  # seconds to wait for a database connection before answering 503


async def health(request: web.Request) -> web.Response:
    """Liveness: the process answers. No database call."""
    return json_response({"status": "ok"})


def _expected_migrations() -> set[str]:
    return {p.stem for p in (DB_DIR / "migrations").glob("*.sql") if not p.stem.endswith(".rollback")}


async def ready(request: web.Request) -> web.Response:
    """Readiness: the database answers and every migration in db/migrations is applied."""
    try:
        async with request.app[db.POOL].connection(timeout=READY_TIMEOUT) as conn:
            cur = await conn.execute("SELECT migration_id FROM api.applied_migrations()")
            applied = {r[0] for r in await cur.fetchall()}
    except psycopg.Error:  # PoolTimeout included
        return json_response({"status": "unavailable", "database": "unreachable"}, status=503)
    try:
        pending = sorted(_expected_migrations() - applied)
    except OSError as exc:  # e.g. out of file handles (EMFILE): this process cannot serve well either
        return json_response({"status": "unavailable", "database": "ok",
                              "error": f"cannot read db/migrations: {exc.strerror or exc}"}, status=503)
    if pending:
        return json_response({"status": "unavailable", "database": "ok", "pending_migrations": pending},
                             status=503)
    body: dict[str, Any] = {"status": "ok", "database": "ok", "pending_migrations": []}
    parts = read_status(request.app[db.SETTINGS].var_dir)  # under `booker up`: which part is down
    if parts is not None:
        down = sorted(name for name, part in parts.items() if not part.get("up"))
        body.update(status="degraded" if down else "ok", parts=parts, down=down)
    return json_response(body)  # 200 even when degraded: the edge itself can serve


_DOCUMENT: str | None = None


def _document() -> str:
    global _DOCUMENT
    if _DOCUMENT is None:
        _DOCUMENT = dumps(openapi.document())
    return _DOCUMENT


async def openapi_json(request: web.Request) -> web.Response:
    return web.Response(text=_document(), content_type="application/json")


def _schema_text(schema: Any) -> str:
    return html.escape(json.dumps(schema, indent=1)) if schema else ""


async def docs(request: web.Request) -> web.Response:
    """The API reference, rendered on the server from the OpenAPI document: no script, no CDN."""
    doc = openapi.document()
    out = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
           "<meta name='viewport' content='width=device-width, initial-scale=1'>",
           "<title>Booker HTTP API</title><style>",
           "body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;"
           "color:#222}",
           "h2{border-bottom:1px solid #ddd;margin-top:2.5rem}code,pre{font:13px ui-monospace,monospace}",
           "pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:20rem}",
           ".m{display:inline-block;min-width:4.5rem;font-weight:700}details{margin:.4rem 0}",
           "</style></head><body><main>",
           f"<h1>{html.escape(doc['info']['title'])}</h1>",
           f"<p>{html.escape(doc['info']['description'])}</p>",
           "<p>Machine-readable: <a href='/api/openapi.json'>/api/openapi.json</a> (OpenAPI 3.1).</p>"]
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            by_tag.setdefault((operation.get("tags") or ["other"])[0], []).append((method, path, operation))
    for tag, operations in by_tag.items():
        out.append(f"<section><h2 id='tag-{html.escape(tag)}'>{html.escape(tag)}</h2>")
        for method, path, operation in operations:
            out.append(f"<details><summary><span class='m'>{method.upper()}</span> <code>{html.escape(path)}"
                       f"</code> — {html.escape(operation.get('summary', ''))}</summary>")
            if operation.get("description"):
                out.append(f"<p>{html.escape(operation['description'])}</p>")
            for param in operation.get("parameters", []):
                out.append(f"<div>{html.escape(param['in'])} <code>{html.escape(param['name'])}</code>"
                           f"{' (required)' if param.get('required') else ''}: "
                           f"<code>{_schema_text(param.get('schema'))}</code></div>")
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            if body:
                out.append(f"<div>request body:</div><pre>{_schema_text(body)}</pre>")
            statuses = ", ".join(html.escape(s) for s in operation.get("responses", {}))
            out.append(f"<div>responses: {statuses}</div></details>")
        out.append("</section>")
    out.append("<section><h2 id='problems'>Problem types</h2><dl>")
    for slug, problem in doc["x-problem-types"].items():
        out.append(f"<dt id='problem-{html.escape(slug)}'><code>{html.escape(problem['uri'])}</code> "
                   f"({problem['status']})</dt><dd>{html.escape(problem['title'])}</dd>")
    out.append("</dl></section><section><h2 id='schemas'>Schemas</h2>")
    for name, schema in doc["components"]["schemas"].items():
        out.append(f"<details id='schema-{html.escape(name)}'><summary>{html.escape(name)}</summary>"
                   f"<pre>{_schema_text(schema)}</pre></details>")
    out.append("</section></main></body></html>")
    return web.Response(text="".join(out), content_type="text/html")
