"""Content-Security-Policy on every response, and templates that need no exception to it (issue 20)."""

import re
from pathlib import Path

import pytest
from django.test import Client

import hotline

TEMPLATES = Path(hotline.__file__).parent


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/portal/", "/stats/", "/api/v1/openapi.json", "/nowhere/"])
def test_every_response_carries_a_policy_without_inline_code(path):
    response = Client().get(path)
    csp = policy(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("templates/**/*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_templates_have_no_inline_scripts_handlers_or_styles(template):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it into web/static/web/"
    assert not HANDLER.search(text), "inline event handler: use a data attribute and site.js"
    assert not STYLE.search(text), "inline style: move it into a stylesheet under web/static/web/"
