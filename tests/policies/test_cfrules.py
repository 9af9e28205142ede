"""The Rules-language evaluator against Cloudflare's documented semantics
(developers.cloudflare.com/ruleset-engine/rules-language/operators/ and /functions/, read
Nov 2026: each case below restates an example or sentence from those pages), and its parser
against Cloudflare's own parser (wirefilter, through octorules-wirefilter)."""

from __future__ import annotations

import pytest

from policies.cfrules import (
    Request,
    RulesSyntaxError,
    cloudflare_parse_error,
    parse,
)
from policies.routes import _build_api_routes, api_routes, web_routes


def full_uri(uri: str) -> Request:
    """A request whose full URI is `uri` (scheme://host/path?query)."""
    _scheme, rest = uri.split("://", 1)
    host, _, tail = rest.partition("/")
    path, _, query = ("/" + tail).partition("?")
    request = Request.https(host, "GET", path, query)
    return Request({**request.fields, "http.request.full_uri": uri})


# Operators page, "Wildcard matching", Example A.
EXAMPLE_A = 'http.request.full_uri wildcard "https://example.com/a/*"'
# Example B.
EXAMPLE_B = 'http.request.full_uri wildcard "*.example.com/*/page.html"'


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("https://example.com/a/", True),  # '*' matches zero characters
        ("https://example.com/a/page.html", True),
        ("https://example.com/a/sub/folder/?name=value", True),
        ("https://example.com/ab/", False),
        ("https://example.com/b/page.html", False),
        ("https://sub.example.com/a/", False),
    ],
)
def test_documented_example_a(uri: str, expected: bool) -> None:
    assert parse(EXAMPLE_A).matches(full_uri(uri)) is expected


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("http://sub.example.com/folder/page.html", True),
        ("https://admin.example.com/team/page.html", True),
        ("https://admin.example.com/team/subteam/page.html", True),
        ("https://example.com/ab/page.html", False),  # only subdomains
        ("https://sub.example.com/folder2/page.html?s=value", False),  # whole value must match
        ("https://sub.example.com/a/", False),
    ],
)
def test_documented_example_b(uri: str, expected: bool) -> None:
    assert parse(EXAMPLE_B).matches(full_uri(uri)) is expected


def test_wildcard_is_case_insensitive_and_strict_wildcard_is_not() -> None:
    request = Request.https("api.x", "GET", "/AdminTeam/list")
    assert parse('http.request.uri.path wildcard "/adminteam/*"').matches(request)
    assert not parse('http.request.uri.path strict wildcard "/adminteam/*"').matches(request)
    assert parse('http.request.uri.path strict wildcard "/AdminTeam/*"').matches(request)


def test_wildcard_matches_the_entire_value_not_a_part() -> None:
    request = Request.https("api.x", "GET", "/v2/students")
    assert not parse('http.request.uri.path wildcard "/students*"').matches(request)
    assert parse('http.request.uri.path wildcard "*/students*"').matches(request)


def test_escaped_star_is_literal_and_a_double_star_is_invalid() -> None:
    star = parse('http.request.uri.path wildcard "/a\\\\*"')  # literal \* in the pattern
    assert star.matches(Request.https("h", "GET", "/a*"))
    assert not star.matches(Request.https("h", "GET", "/ab"))
    with pytest.raises(RulesSyntaxError, match="double star"):
        parse('http.request.uri.path wildcard "/a**"')


def test_string_comparison_is_case_sensitive() -> None:
    request = Request.https("h", "GET", "/Articles/2008/")
    assert not parse('http.request.uri.path eq "/articles/2008/"').matches(request)
    assert parse('lower(http.request.uri.path) eq "/articles/2008/"').matches(request)
    assert parse('http.request.uri.path contains "cles/"').matches(request)
    assert parse('http.request.uri.path ne "/articles/2008/"').matches(request)


def test_in_set_and_not_binds_tighter_than_and() -> None:
    rule = parse('http.host eq "api.x" and not http.request.method in {"GET" "POST"}')
    assert rule.matches(Request.https("api.x", "PUT", "/"))
    assert not rule.matches(Request.https("api.x", "GET", "/"))
    assert not rule.matches(Request.https("app.x", "PUT", "/"))


def test_and_binds_tighter_than_or() -> None:
    """'Expression1 and Expression2 or Expression3' means (1 and 2) or 3."""
    rule = parse('http.host eq "a" and http.request.method eq "GET" or ssl')
    assert rule.matches(Request.https("b", "PUT", "/"))  # 3 alone is enough
    grouped = parse('http.host eq "a" and (http.request.method eq "GET" or ssl)')
    assert not grouped.matches(Request.https("b", "PUT", "/"))


def test_xor_and_c_like_notation() -> None:
    rule = parse('http.host == "a" ^^ http.request.method == "GET"')
    assert rule.matches(Request.https("a", "PUT", "/"))
    assert not rule.matches(Request.https("a", "GET", "/"))
    assert parse('!(http.host == "a") && http.host != "b" || false').matches(
        Request.https("c", "GET", "/")
    )


def test_functions_and_boolean_fields() -> None:
    rule = parse('(starts_with(http.request.uri.path, "/auth/") and not cf.client.bot)')
    assert rule.matches(Request.https("h", "GET", "/auth/x"))
    assert not rule.matches(Request.https("h", "GET", "/auth/x", verified_bot=True))
    assert parse('ends_with(http.request.uri.path, ".html")').matches(
        Request.https("h", "GET", "/a/b.html")
    )
    assert parse("cf.waf.score lt 20").matches(
        Request({**Request.https("h", "GET", "/").fields, "cf.waf.score": 5})
    )


@pytest.mark.parametrize(
    "bad",
    [
        'http.request.uri.path ends_with ".html"',  # a function, not an operator
        'http.request.uri.path EQ "/a"',  # English operators are lower case
        'http.request.uri.path eq "/a" AND ssl',
        'http.request.uri.path matches "^/a"',  # regex: outside our subset
        'ip.geoip.country eq "GB"',  # a field we do not model
        "http.request.uri.path eq",
        '(http.request.uri.path eq "/a"',
    ],
)
def test_outside_the_subset_or_invalid_is_an_error_not_a_guess(bad: str) -> None:
    with pytest.raises(RulesSyntaxError):
        parse(bad)


ACCEPTED = [
    EXAMPLE_A,
    EXAMPLE_B,
    'http.host eq "api.x" and not http.request.method in {"GET" "POST"}',
    '(starts_with(http.request.uri.path, "/auth/") and not cf.client.bot)',
    '(http.request.uri.path wildcard "/students*" or http.request.uri.path eq "/me")',
    'lower(http.request.uri.path) contains "/wp-login.php"',
    "cf.waf.score lt 20",
]


@pytest.mark.parametrize("expression", ACCEPTED)
def test_cloudflare_parser_agrees_on_what_we_accept(expression: str) -> None:
    assert cloudflare_parse_error(expression) is None
    assert parse(expression).fields


def test_cloudflare_parser_rejects_what_we_reject() -> None:
    assert cloudflare_parse_error('http.request.uri.path wildcard "/a**"')
    assert cloudflare_parse_error('http.request.uri.path ends_with ".html"')


def test_api_routes_come_from_the_apps_openapi_document() -> None:
    routes = {str(r): r for r in api_routes()}
    assert routes["POST /students"].write and routes["POST /students"].credentials
    assert routes["GET /me"].credentials and not routes["GET /me"].write
    assert not routes["GET /healthz"].credentials
    assert routes["GET /metrics"].credentials  # hidden from the schema: assumed credentialed
    assert routes["DELETE /staff/{staff_id}"].sample_path == "/staff/1"
    assert {str(r) for r in web_routes()} >= {"GET /", "GET /config.json", "GET /app.js"}


def test_the_route_cache_holds_exactly_what_the_app_builds() -> None:
    assert api_routes() == _build_api_routes()
