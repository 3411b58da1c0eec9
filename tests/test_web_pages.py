"""The server-rendered pages (issue 17): the wegwijzer page says what the JSON API says, its
URL is its permalink, Dutch by default and English with ``?lang=en``, sources by title; the
catalogue browser's list, title and changes pages; unknown ids as 4xx pages with the closest
ids; the CSP and no inline script or style; a label for every field; the CSRF plumbing; the
offline page of ``make demo``."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import Depends, Request
from fastapi.testclient import TestClient
from markupsafe import escape

from passend.catalogue import browse
from passend.demo import QUESTIONS
from passend.templating import TEMPLATES
from passend.web.app import create_app
from passend.web.pages.common import page_router, render, require_csrf
from passend.web.security import CSRF_COOKIE
from passend.web.settings import Settings
from passend.wegwijzer import html
from passend.wegwijzer.navigator import ask
from passend.wegwijzer.render import euros


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, cat) -> TestClient:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("data")), cat)
    # a POST form as the lead's pages will have one, to test the CSRF plumbing
    extra = page_router()

    @extra.get("/test-form")
    def form_page(request: Request):
        return render(request, "error.html.j2", page_title="t", message="m", suggestions=[])

    @extra.post("/test-form", dependencies=[Depends(require_csrf)])
    def form_post(request: Request):
        return render(request, "error.html.j2", page_title="t", message="posted", suggestions=[])

    app.include_router(extra)
    return TestClient(app)


def query_of(q) -> dict[str, str]:
    fields = {"activity": q.activity, "professional": q.professional, "specialty": q.specialty}
    fields |= {"setting": q.setting, "year": q.year}
    return {k: str(v) for k, v in fields.items() if v is not None}


class Page(HTMLParser):
    """The parts of a page the tests read: labels' targets, fields, the option codes."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.labels: set[str] = set()
        self.fields: list[tuple[str, str | None]] = []
        self.codes: list[str] = []
        self._in_code = False
        self._in_h4 = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self.labels.add(a.get("for") or "")
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.fields.append((tag, a.get("id")))
        self._in_h4 = self._in_h4 or tag == "h4"
        self._in_code = self._in_h4 and tag == "span" and a.get("class") == "code"

    def handle_endtag(self, tag: str) -> None:
        self._in_h4 = self._in_h4 and tag != "h4"

    def handle_data(self, data: str) -> None:
        if self._in_code:
            self.codes.append(data)
            self._in_code = False


def answer_section(text: str) -> str:
    return text[text.index('<section class="result"') : text.index("</section>")]


@pytest.mark.parametrize("i", [0, 4, 6])
def test_the_page_says_what_the_api_says(client: TestClient, i: int) -> None:
    _, _, _, q = QUESTIONS[i]
    api = client.get("/api/v1/wegwijzer", params=query_of(q)).json()
    r = client.get("/wegwijzer", params=query_of(q))
    assert r.status_code == 200
    assert Page(r.text).codes == [o["title_code"] for o in api["options"]]
    assert api["options"]  # each of these questions has options
    verdict = re.search(r'<p class="verdict (yes|no)">', r.text).group(1)
    assert verdict == ("yes" if api["eligible"] else "no")
    for o in api["options"]:
        assert escape(o["title_name"]) in r.text
        if o["tariff_cents"] is not None:
            assert euros(o["tariff_cents"], "nl") in r.text


def test_the_url_is_the_permalink(client: TestClient) -> None:
    _, _, _, q = QUESTIONS[1]
    first = client.get("/wegwijzer", params={**query_of(q), "specialty": ""})
    link = re.search(r'id="permalink" type="url" readonly value="([^"]+)"', first.text).group(1)
    link = link.replace("&amp;", "&")
    assert link.startswith("http://testserver/wegwijzer?activity=palliative_consultation&")
    assert "specialty" not in link  # empty fields are left out
    again = client.get(link)
    assert answer_section(again.text) == answer_section(first.text)
    # the form shows the question asked
    assert '<option value="palliative_consultation" selected>' in again.text
    # / leads to the wegwijzer, keeping the question
    home = client.get("/?" + link.split("?")[1], follow_redirects=False)
    assert home.status_code == 302 and home.headers["location"] == link[len("http://testserver") :]


def test_english_with_lang_en_and_a_switch_that_keeps_the_query(client: TestClient, cat) -> None:
    _, _, _, q = QUESTIONS[0]
    nl = client.get("/wegwijzer", params=query_of(q))
    en = client.get("/wegwijzer", params={**query_of(q), "lang": "en"})
    assert '<html lang="nl">' in nl.text and "Kan declareren" in nl.text
    assert '<html lang="en">' in en.text and "May claim" in en.text
    assert cat.activities[q.activity].name.en in en.text
    switch = re.search(r'<p class="lang"><a href="([^"]+)"', nl.text).group(1)
    assert switch.replace("&amp;", "&") == (
        "/wegwijzer?activity=patz_meeting&professional=gp_palliative&setting=home&year=2026&lang=en"
    )
    back = re.search(r'<p class="lang"><a href="([^"]+)"', en.text).group(1)
    assert "lang" not in back
    # links inside an English page stay English; the form keeps the language
    assert 'href="/catalogus?lang=en"' in en.text
    assert '<input type="hidden" name="lang" value="en">' in en.text


def test_sources_show_titles_not_file_names(client: TestClient, cat) -> None:
    _, _, _, q = QUESTIONS[6]  # the reason cites a seed too
    answer = ask(cat, q)
    assert "bron: " in answer["reason"]  # the navigator cites by title, in its JSON too ...
    assert not any(d.id in answer["reason"] for d in cat.documents.values())
    text = client.get("/wegwijzer", params=query_of(q)).text
    assert not any(d.id in text for d in cat.documents.values())  # ... and so does the page
    for o in answer["options"]:
        for s in o["sources"]:
            title = escape(cat.documents[s["document"]].title)
            assert f"<cite>{title}</cite> — {s['section']}" in text
    with_url = next(d for d in cat.documents.values() if d.url)
    cited = [t for t in cat.titles.values() if any(s.document == with_url.id for s in t.sources)]
    if cited:
        page = client.get(f"/catalogus/titel/{cited[0].code}").text
        assert f'<a href="{with_url.url}">' in page


def test_an_unknown_activity_is_a_422_page_naming_the_closest(client: TestClient) -> None:
    r = client.get("/wegwijzer", params={"activity": "patz_meetin", "professional": "gp"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")
    assert "patz_meetin" in r.text
    assert 'href="/wegwijzer?activity=patz_meeting&amp;professional=gp"' in r.text
    bad_year = client.get("/wegwijzer", params={"activity": "patz_meeting", "year": "1999"})
    assert bad_year.status_code == 422


def test_catalogue_filtered_by_year_and_law(client: TestClient, cat) -> None:
    r = client.get("/catalogus", params={"year": "2024", "law": "zvw"})
    expected = [t.code for t in browse.titles(cat, 2024, "zvw")]
    shown = re.findall(r'<a href="/catalogus/titel/([^"]+)"><code>', r.text)
    assert sorted(shown) == sorted(expected) and expected
    new_in_2026 = {row["code"] for row in browse.changes(cat, 2025, 2026)["added"]}
    assert new_in_2026 and not new_in_2026 & set(shown)
    every = re.findall(r"/catalogus/titel/([^\"?]+)", client.get("/catalogus?year=").text)
    assert set(every) == set(cat.titles)  # "all years"
    unknown_law = client.get("/catalogus", params={"law": "zvx"})
    assert unknown_law.status_code == 422 and 'href="/catalogus?year=2026&amp;law=zvw"' in (
        unknown_law.text
    )


def test_a_title_page(client: TestClient, cat) -> None:
    t = cat.titles["12011"]
    text = client.get("/catalogus/titel/12011").text
    for x in t.tariffs:
        assert re.search(
            rf"<td>{x.year}</td><td class=\"num\">{re.escape(euros(x.cents, 'nl'))}", text
        )
    assert text.count('class="ph"') == sum(x.placeholder for x in t.tariffs)
    assert "5–20 min" in text  # the time band
    for s in t.sources:
        assert escape(cat.documents[s.document].title) in text
    missing = client.get("/catalogus/titel/1201")
    assert missing.status_code == 404 and 'href="/catalogus/titel/12011"' in missing.text


def test_the_changes_page_shows_both_amounts(client: TestClient, cat) -> None:
    for year_from, year_to in ((2025, 2026), (2024, 2025)):
        rows = browse.changes(cat, year_from, year_to)["tariffs"]
        both = [r for r in rows if r["cents_from"] is not None and r["cents_to"] is not None]
        if both:
            break
    row = both[0]
    text = client.get("/catalogus/wijzigingen", params={"from": year_from, "to": year_to}).text
    cells = "".join(
        f'<td class="num">{euros(c, "nl")}</td>'
        for c in (row["cents_from"], row["cents_to"], row["cents_to"] - row["cents_from"])
    )
    assert f"<code>{row['code']}</code></a></td><td>{escape(row['name'])}</td>{cells}" in text
    # 2025 -> 2026 as asked: each changed tariff with its amount in both years
    text = client.get("/catalogus/wijzigingen?from=2025&to=2026").text
    for r in browse.changes(cat, 2025, 2026)["tariffs"]:
        amounts = [
            euros(c, "nl") if c is not None else "geen bedrag"
            for c in (r["cents_from"], r["cents_to"])
        ]
        assert f'<td class="num">{amounts[0]}</td><td class="num">{amounts[1]}</td>' in text


PAGES = [
    "/wegwijzer",
    "/wegwijzer?activity=terminal_care&professional=gp&setting=home&year=2026",
    "/wegwijzer?activity=nope&professional=gp",
    "/catalogus",
    "/catalogus/titel/MSZ-DBC-PZ",
    "/catalogus/wijzigingen",
    "/catalogus/titel/nope",
]


@pytest.mark.parametrize("url", PAGES)
def test_csp_no_inline_script_or_style_and_a_label_for_every_field(
    client: TestClient, url: str
) -> None:
    r = client.get(url)
    assert "script-src 'self'; style-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert not re.search(r"<script|<style|\sstyle=|\son[a-z]+=", r.text, re.I)
    page = Page(r.text)
    assert all(ident in page.labels for _, ident in page.fields), page.fields
    assert '<a class="skip" href="#main">' in r.text and '<main id="main"' in r.text


def test_no_template_has_inline_script_or_style() -> None:
    for path in Path(TEMPLATES).rglob("*.j2"):
        text = path.read_text(encoding="utf-8")
        # the base layout's <style> is for the offline page only (inline_css)
        text = text.replace("{% if inline_css %}\n<style>", "")
        assert not re.search(r"<script|<style|\sstyle=", text, re.I), path


def test_csrf_cookie_on_page_gets_and_checked_on_post(client: TestClient) -> None:
    fresh = TestClient(client.app)
    r = fresh.get("/test-form")
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{CSRF_COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "samesite=strict" in cookie.lower()
    token = fresh.cookies[CSRF_COOKIE]
    assert fresh.get("/test-form").headers.get("set-cookie") is None  # kept, not renewed
    assert fresh.post("/test-form", data={"csrf_token": token}).status_code == 200
    wrong = fresh.post("/test-form", data={"csrf_token": "x" * 43})
    assert wrong.status_code == 403 and "text/html" in wrong.headers["content-type"]
    assert fresh.post("/test-form", data={}).status_code == 403


class Recording(dict):
    """A dict that remembers which keys were read."""

    def __init__(self, d: dict, seen: set[str]) -> None:
        super().__init__(d)
        self.seen = seen

    def __getitem__(self, key: str):
        self.seen.add(key)
        return super().__getitem__(key)


def test_every_field_of_the_answer_is_shown_or_left_out_on_purpose(cat) -> None:
    seen: dict[str, set[str]] = {k: set() for k in html.LEFT_OUT}
    keys: dict[str, set[str]] = {k: set() for k in html.LEFT_OUT}

    def wrap(d: dict, kind: str) -> Recording:
        keys[kind] |= set(d)
        return Recording(d, seen[kind])

    for *_, q in QUESTIONS:
        a = ask(cat, q)
        src = lambda items: [wrap(s, "source") for s in items]  # noqa: E731
        a["options"] = [
            wrap(
                {
                    **o,
                    "caveats": [
                        wrap({**c, "sources": src(c["sources"])}, "caveat") for c in o["caveats"]
                    ],
                    "sources": src(o["sources"]),
                },
                "option",
            )
            for o in a["options"]
        ]
        a["caveats"] = [wrap({**c, "sources": src(c["sources"])}, "caveat") for c in a["caveats"]]
        a["routes"] = [wrap({**r, "sources": src(r["sources"])}, "route") for r in a["routes"]]
        html.answer_view(cat, wrap(a, "answer"))
    for kind in keys:
        assert keys[kind], kind
        assert keys[kind] - seen[kind] == html.LEFT_OUT[kind], kind


def test_the_offline_page_is_self_contained(cat) -> None:
    answered = [(nl, ask(cat, q)) for _, nl, _, q in QUESTIONS]
    text = html.render_static(cat, answered, "nl")
    assert text.startswith("<!DOCTYPE html>")
    assert "<style>" in text and ":focus-visible" in text and "--ink" in text  # both sheets
    assert not re.search(r"<script|<link rel=\"stylesheet\"|\ssrc=|https?://127", text)
    assert not any(d.id in text for d in cat.documents.values())
    for question, answer in answered:
        assert escape(question) in text
        for o in answer["options"]:
            assert f'<span class="code">{o["title_code"]}</span>' in text
    assert text.count('<section class="result"') == len(QUESTIONS)
