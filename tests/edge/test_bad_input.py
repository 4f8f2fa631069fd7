"""Bad input never reaches a 500 or a half-written row: every case answers 4xx problem+json."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.edge.conftest import Users, free_slots

API = "/api/v1"


async def _problem(resp: Any, *statuses: int, field: str | None = None) -> dict[str, Any]:
    text = await resp.text()
    assert resp.status in statuses, (resp.method, str(resp.url), resp.status, text)
    assert resp.content_type == "application/problem+json", text
    body: dict[str, Any] = await resp.json()
    if field is not None:
        assert field in body.get("errors", {}), body
    return body


async def test_bad_paths_and_queries(client: TestClient[Any, Any], users: Users) -> None:
    h = users.headers("admin")
    for path in ("/bookings/not-a-uuid", "/admin/resources/42", "/admin/services/x%00y",
                 "/admin/resources/nope/closures"):
        await _problem(await client.get(API + path, headers=h), 404)
    for query, field in (("page=-1", "page"), ("page=99999999999999999999", "page"), ("limit=0", "limit"),
                         ("limit=100000", "limit"), ("page=abc", "page"), ("from=yesterday", "from"),
                         ("from=2026-05-04T09:00:00", "from"), ("status=bogus", "status")):
        await _problem(await client.get(f"{API}/admin/bookings?{query}", headers=h), 422, field=field)
        await _problem(await client.get(f"{API}/me/bookings?{query}", headers=h), 422, field=field)
    await _problem(await client.get(f"{API}/services?limit=1000"), 422, field="limit")
    await _problem(await client.get(f"{API}/services?page=-5"), 422, field="page")
    await _problem(await client.get(f"{API}/services/consultation/slots?from=x"), 422, field="from")
    await _problem(await client.get(f"{API}/admin/audit?booking=zz", headers=h), 422, field="booking")


async def test_bad_booking_bodies(client: TestClient[Any, Any], users: Users) -> None:
    h = users.headers("member")
    await _problem(await client.post(f"{API}/bookings", headers=h, json=[1, 2]), 422, field="body")
    await _problem(await client.post(f"{API}/bookings", headers={**h, "Content-Type": "application/json"},
                                     data="{nope"), 400)
    for body, field in (({"service": 5, "starts_at": "2030-01-01T09:00:00Z"}, "service"),
                        ({"service": "consultation", "starts_at": 12}, "starts_at"),
                        ({"service": "consultation", "starts_at": "2030-13-01T09:00:00Z"}, "starts_at"),
                        ({"service": "consultation", "starts_at": "2030-01-01T09:00:00Z", "seats": "2"},
                         "seats"),
                        ({"service": "consultation", "starts_at": "2030-01-01T09:00:00Z", "seats": -1},
                         "seats"),
                        ({"service": "consultation", "starts_at": "2030-01-01T09:00:00Z", "resource": "x"},
                         "resource"),
                        ({"service": "consultation", "starts_at": "2030-01-01T09:00:00Z", "attendee": []},
                         "attendee"),
                        ({"service": "consultation", "starts_at": "2030-01-01T09:00:00Z", "metadata": "x"},
                         "metadata"),
                        ({"service": "consultation", "starts_at": "2030-01-01T09:00:00Z", "hold": "x"},
                         "hold")):
        await _problem(await client.post(f"{API}/bookings", headers=h, json=body), 422, field=field)
    await _problem(await client.post(f"{API}/holds", json={"service": "consultation",
                                                            "starts_at": "2030-01-01T09:00:00Z",
                                                            "seats": 10**12}), 422, field="seats")
    await _problem(await client.patch(f"{API}/bookings/00000000-0000-0000-0000-000000000000", headers=h,
                                      json={"starts_at": "soon"}), 404, 422)


async def test_bad_admin_writes(client: TestClient[Any, Any], users: Users) -> None:
    h = users.headers("admin")
    res = f"{API}/admin/resources"
    for body, field in (({"slug": "r1", "name": "R", "timezone": "Mars/Olympus"}, "timezone"),
                        ({"slug": "r1", "name": "R", "timezone": "UTC", "capacity": 0}, "capacity"),
                        ({"slug": "r1", "name": "R", "timezone": "UTC", "capacity": "3"}, "capacity"),
                        ({"slug": "R 1", "name": "R", "timezone": "UTC"}, "slug"),
                        ({"slug": "r1", "name": "R", "timezone": "UTC", "owner": 5}, "owner"),
                        ({"slug": "r1", "name": "R", "timezone": "UTC", "owner": "no@example.com"}, "owner"),
                        ({"slug": "r1", "name": "R", "timezone": "UTC", "kind": "spaceship"}, "kind")):
        await _problem(await client.post(res, headers=h, json=body), 422, field=field)
    await _problem(await client.post(res, headers=h, json="x"), 422, field="body")
    resp = await client.post(res, headers=h, json={"slug": "r1", "name": "R", "timezone": "UTC"})
    assert resp.status == 201, await resp.text()
    rid = (await resp.json())["id"]
    await _problem(await client.patch(f"{res}/{rid}", headers=h, json={"timezone": "Nowhere/Else"}), 422,
                   field="timezone")
    await _problem(await client.patch(f"{res}/{rid}", headers=h, json={"name": None}), 422)
    rules = f"{res}/{rid}/rules"
    for body in ({"rules": "x"}, {"rules": [1]},
                 {"rules": [{"weekday": 8, "start": "09:00", "end": "10:00"}]},
                 {"rules": [{"weekday": 1, "start": "10:00", "end": "09:00"}]},
                 {"rules": [{"weekday": 1, "start": "09:00", "end": "12:00"},
                            {"weekday": 1, "start": "11:00", "end": "13:00"}]},
                 {"rules": [{"weekday": 1, "start": "09:00", "end": "12:00", "valid_from": "2026-05-04",
                             "valid_until": "2026-05-01"}]},
                 {"rules": [{"weekday": 1, "start": "9am", "end": "12:00"}]}, [1]):
        await _problem(await client.put(rules, headers=h, json=body), 422)
    closures = f"{res}/{rid}/closures"
    for body in ({"starts_at": "2030-01-02T00:00:00Z", "ends_at": "2030-01-01T00:00:00Z"},
                 {"starts_at": "x", "ends_at": "2030-01-01T00:00:00Z"}, {"starts_at": 5}):
        await _problem(await client.post(closures, headers=h, json=body), 422)
    svc = f"{API}/admin/services"
    for body, field in (({"slug": "s1", "name": "S", "duration_minutes": 0}, "duration_minutes"),
                        ({"slug": "s1", "name": "S", "duration_minutes": "60"}, "duration_minutes"),
                        ({"slug": "s1", "name": "S", "duration_minutes": 60, "price": -1}, "price"),
                        ({"slug": "s1", "name": "S", "duration_minutes": 60, "price": "abc"}, "price"),
                        ({"slug": "s1", "name": "S", "duration_minutes": 60, "currency": "euro"}, "currency"),
                        ({"slug": "s1", "name": "S", "duration_minutes": 60, "resources": "r1"}, "resources"),
                        ({"slug": "s1", "name": "S", "duration_minutes": 60, "resources": ["ghost"]},
                         "resources"),
                        ({"slug": "s1", "name": "S", "duration_minutes": 60, "starts_at": "x"}, "starts_at"),
                        ({"slug": "s1", "name": "S", "duration_minutes": 60, "visibility": "secret"},
                         "visibility"),
                        ({"slug": "s1", "name": "S", "duration_minutes": 60, "max_seats_per_booking": 0},
                         "max_seats_per_booking")):
        await _problem(await client.post(svc, headers=h, json=body), 422, field=field)
    # a failed create leaves no half-written service behind
    listed = await (await client.get(svc, headers=h)).json()
    assert all(s["slug"] != "s1" for s in listed["data"])
    await _problem(await client.patch(f"{svc}/00000000-0000-0000-0000-000000000000", headers=h,
                                      json={"name": "x"}), 404)
    await _problem(await client.post(f"{API}/admin/notifications/abc/retry", headers=h), 404)
    huge = "99999999999999999999999"
    await _problem(await client.post(f"{API}/admin/notifications/{huge}/retry", headers=h), 404)


async def test_database_rules_name_the_field(client: TestClient[Any, Any], users: Users) -> None:
    """Grid, ranges and seat limits live in the database; its refusal still names the request field."""
    h = users.headers("admin")
    svc = f"{API}/admin/services"
    for body, field in (({"slug": "s2", "name": "S", "duration_minutes": 50}, "duration_minutes"),
                        ({"slug": "s2", "name": "S", "duration_minutes": 0}, "duration_minutes"),
                        ({"slug": "s2", "name": "S", "duration_minutes": 60, "slot_step_minutes": 10},
                         "slot_step_minutes"),
                        ({"slug": "s2", "name": "S", "duration_minutes": 60, "max_seats_per_booking": 5000},
                         "max_seats_per_booking")):
        await _problem(await client.post(svc, headers=h, json=body), 422, field=field)
    resp = await client.post(f"{API}/admin/resources", headers=h,
                             json={"slug": "r2", "name": "R", "timezone": "UTC"})
    rules = f"{API}/admin/resources/{(await resp.json())['id']}/rules"
    for rule in ({"weekday": 1, "start": "09:10", "end": "10:00"},
                 {"weekday": 9, "start": "09:00", "end": "10:00"},
                 {"weekday": 1, "start": "10:00", "end": "09:00"}):
        await _problem(await client.put(rules, headers=h, json={"rules": [rule]}), 422, field="rules")
    await _problem(await client.post(f"{API}/admin/resources", headers=h, json={
        "slug": "r3", "name": "R", "timezone": "UTC", "capacity": 10**6}), 422, field="capacity")
    await _problem(await client.post(f"{API}/bookings", headers=users.headers("member"), json={
        "service": "consultation", "starts_at": "2030-01-07T09:00:00Z", "seats": 5000}), 409, 422)


async def test_odd_values(client: TestClient[Any, Any], users: Users) -> None:
    h = {**users.headers("admin"), "Content-Type": "application/json"}
    svc = f"{API}/admin/services"
    resp = await client.post(svc, headers=h, data='{"slug": "s3", "name": "\\ud800", "duration_minutes": 60}')
    await _problem(resp, 400)
    resp = await client.post(f"{API}/bookings", headers=h, data='{"service": "\\ud800x", '
                             '"starts_at": "2030-01-07T09:00:00Z"}')
    await _problem(resp, 400)
    for body in ({"duration_minutes": 50}, {"starts_at": "2030-01-07T09:10:00Z"}, {"resources": [1]},
                 {"price": [1]}, {"visibility": 3}):
        resp = await client.patch(f"{svc}/{await _service_id(client, h)}", headers=h, json=body)
        await _problem(resp, 422)
    for query in ("from=2030-01-07T09:00:00%2B25:00", "from=2030-01-01T00:00:00Z&to=2030-06-01T00:00:00Z",
                  "from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z", "from=99999-01-01T00:00:00Z"):
        await _problem(await client.get(f"{API}/services/consultation/slots?{query}"), 422)
        await _problem(await client.get(f"{API}/availability?service=consultation&{query}"), 422)
    for path in ("/admin/mail/..%2F..%2Fetc%2Fpasswd", "/admin/mail/%00", "/me/tokens/xyz"):
        resp = await client.get(API + path, headers=h) if "mail" in path else \
            await client.delete(API + path, headers=h)
        await _problem(resp, 404)
    await _problem(await client.post(f"{API}/bookings", headers=h, data="[" * 100_000), 400, 413, 422)


async def _service_id(client: TestClient[Any, Any], h: dict[str, str]) -> str:
    data = (await (await client.get(f"{API}/admin/services", headers=h)).json())["data"]
    return str(data[0]["id"])


# Values a hostile client sends for any field: wrong types, extremes, escapes, injections.
HOSTILE: list[Any] = [
    None, True, 0, -1, 2**63, -(2**63) - 1, 10**40, 1e308, -0.0, 0.5, "", " ", "x" * 5000, "\u0000",
    "a\u0000b", "'; DROP TABLE booking.bookings; --", "%_%\\", "<script>alert(1)</script>", "\u202e\u2066",
    "🙂" * 300, "../../etc/passwd", "2030-02-30T09:00:00Z", "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59+14:00",
    "00000000-0000-0000-0000-000000000000", "NaN", [], [None], [[[[[[[[[[1]]]]]]]]]], {}, {"$ne": 1},
    {"a": {"b": {"c": {"d": "e"}}}}, ["x"] * 2000,
]
# A body each operation accepts, so a hostile value in one field is the only thing wrong with it.
BASES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/api/v1/auth/register"): {"email": "hostile@example.com", "password": "s3cret-pass",
                                        "name": "H"},
    ("post", "/api/v1/auth/login"): {"email": "hostile@example.com", "password": "s3cret-pass"},
    ("post", "/api/v1/me/tokens"): {"name": "t"},
    ("post", "/api/v1/holds"): {"service": "consultation", "starts_at": "2030-01-07T09:00:00Z"},
    ("post", "/api/v1/bookings"): {"service": "consultation", "starts_at": "2030-01-07T09:00:00Z"},
    ("patch", "/api/v1/bookings/{id}"): {"notes": "n"},
    ("post", "/api/v1/admin/resources"): {"slug": "hostile-r", "name": "R", "timezone": "UTC"},
    ("patch", "/api/v1/admin/resources/{id}"): {"name": "R"},
    ("put", "/api/v1/admin/resources/{id}/rules"): {"rules": []},
    ("post", "/api/v1/admin/resources/{id}/closures"): {"starts_at": "2031-01-01T00:00:00Z",
                                                         "ends_at": "2031-01-02T00:00:00Z"},
    ("post", "/api/v1/admin/services"): {"slug": "hostile-s", "name": "S", "duration_minutes": 60},
    ("patch", "/api/v1/admin/services/{id}"): {"name": "S"},
}
READ_ONLY = {"id", "created_at", "updated_at", "link"}  # in the schema, ignored when sent


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


async def test_every_body_field_survives_hostile_values(client: TestClient[Any, Any], users: Users,
                                                        demo_url: str) -> None:
    """Every request-body field of every operation in the OpenAPI document, one hostile value at a
    time: never a 5xx; every 4xx is problem+json; a 422 names the field that was wrong."""
    import psycopg
    from psycopg import sql

    from edge.openapi import document

    doc = document()
    h = users.headers("admin")
    with psycopg.connect(demo_url) as c:
        ids = {table: str(c.execute(sql.SQL("SELECT id FROM booking.{} ORDER BY slug LIMIT 1").format(
            sql.Identifier(table))).fetchone()[0]) for table in ("resources", "services")}  # type: ignore[index]
    slots = await free_slots(client, "consultation")
    booked = await client.post(f"{API}/bookings", headers=users.headers("admin"),
                               json={"service": "consultation", "starts_at": slots[0]})
    assert booked.status == 201, await booked.text()
    ids["bookings"] = (await booked.json())["id"]
    seen = 0
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if "requestBody" not in operation:
                continue
            schema = _resolve(doc, operation["requestBody"]["content"]["application/json"]["schema"])
            parts = path.split("/")
            kind = parts[parts.index("{id}") - 1] if "{id}" in parts else ""
            url = path.replace("{id}", ids.get(kind, ids["bookings"]))
            base = dict(BASES.get((method, path), {}))
            if path.endswith(("/holds", "/bookings")):
                base["starts_at"] = slots[1]  # a slot that exists, so only the hostile field is wrong
            for field in schema.get("properties", {}):
                if field in READ_ONLY:
                    continue
                for value in HOSTILE:
                    body = {**base, field: value}
                    resp = await client.request(method.upper(), url, json=body, headers=h)
                    seen += 1
                    where = (method.upper(), url, field, repr(value)[:80], resp.status)
                    text = await resp.text()
                    assert resp.status < 500, (where, text[:500])
                    if resp.status >= 400:
                        assert resp.content_type == "application/problem+json", (where, text[:300])
                    if resp.status == 422 and (method, path) in BASES:
                        errors = (await resp.json()).get("errors") or {}
                        assert any(k == field or k.startswith(f"{field}.") or k.startswith(f"{field}[")
                                   for k in errors), (where, errors)
    assert seen > 1500


HOSTILE_QUERY = ["", " ", "-1", "0", "99999999999999999999999", "1e999", "NaN", "x" * 3000, "%00", "\u0000",
                 "'; SELECT pg_sleep(10); --", "%_%", "2030-02-30T09:00:00Z", "9999-12-31T23:59:59+14:00",
                 "00000000-0000-0000-0000-000000000000", "true", "[]", "{}", "🙂", "\ud800"]


REQUIRED_QUERY = {"service": "consultation", "from": "2030-01-07T00:00:00Z", "to": "2030-01-08T00:00:00Z",
                  "since": "0", "token": "not-a-token"}


async def test_every_query_parameter_survives_hostile_values(client: TestClient[Any, Any],
                                                             users: Users) -> None:
    """Every query parameter of every GET in the document, one hostile value at a time (the others
    absent): never a 5xx; every 4xx is problem+json; a 422 names the parameter."""
    from urllib.parse import quote

    from edge.openapi import document

    doc = document()
    h = users.headers("admin")
    seen = 0
    for path, item in doc["paths"].items():
        operation = item.get("get")
        if not operation or path.endswith(("/live", "/events")):
            continue
        url = path.replace("{slug}", "consultation").replace("{id}", "00000000-0000-0000-0000-000000000000")
        params = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        required = {p["name"]: REQUIRED_QUERY[p["name"]] for p in params if p.get("required")}
        for param in params:
            base = "".join(f"&{k}={quote(v)}" for k, v in required.items() if k != param["name"])
            for value in HOSTILE_QUERY:
                encoded = quote(value.encode("utf-8", "surrogatepass"), safe="")
                resp = await client.get(f"{url}?{param['name']}={encoded}{base}", headers=h)
                seen += 1
                where = (url, param["name"], repr(value)[:60], resp.status)
                text = await resp.text()
                assert resp.status < 500, (where, text[:400])
                if resp.status >= 400:
                    assert resp.content_type == "application/problem+json", (where, text[:300])
                if resp.status == 422:
                    assert param["name"] in ((await resp.json()).get("errors") or {}), (where, text[:300])
    assert seen > 200


async def test_a_body_nested_as_deep_as_json_allows_is_a_4xx(client: TestClient[Any, Any]) -> None:
    """json.loads accepts about 990 levels; the NUL check that walks the parsed body must not
    overflow Python's stack on them (a RecursionError would be a 500)."""
    for depth in (200, 940, 990):  # 940: walked for NUL (422); 990: past json's own limit (400)
        nested = '{"a":' * depth + '"x\\u0000"' + "}" * depth
        raw = '{"service": "consultation", "metadata": ' + nested + "}"
        resp = await client.post(f"{API}/bookings", data=raw, headers={"Content-Type": "application/json"})
        assert 400 <= resp.status < 500, (depth, resp.status, await resp.text())
        assert resp.content_type == "application/problem+json"
