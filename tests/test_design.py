"""sphinx-design's components, made on the pages that use them (`book.web.design`
runs sphinx-design's work only on those pages): a page of the fixture book
with each component whose making the book gates, and the pages without any.

The book itself uses only sphinx-design's cards (the front page, the
sources); an editor may write any of these, and each must come out as
sphinx-design makes it."""

from __future__ import annotations

import pytest
from bs4 import Tag
from conftest import Built, build_book, copy_book, soup_of

#: Every component that one of sphinx-design's post-transforms, or its
#: handler of resolved pages, makes: each alone on a page of its own, since
#: the book decides page by page whether sphinx-design's work runs.
COMPONENTS = {
    "dropdown": ":::{dropdown} A dropdown\nInside the dropdown.\n:::\n",
    "tab-set": (
        "::::{tab-set}\n:::{tab-item} The first tab\nIn the first tab.\n:::\n"
        ":::{tab-item} The second tab\nIn the second tab.\n:::\n::::\n"
    ),
    "aside": ":::{aside} An aside\nBeside the text.\n:::\n",
    "button-ref": "```{button-ref} essays/first\n:color: primary\n\nTo the first essay\n```\n",
    "bdg-ref": "A badge: {bdg-ref-primary}`the first essay <essays/first>; Read it`.\n",
    "card": (
        ":::{card} A card\n:link: essays/first\n:link-type: doc\n:link-new-tab:\n\n"
        "Opens in a tab of its own.\n:::\n"
    ),
}


@pytest.fixture(scope="module")
def design(tmp_path_factory) -> Built:
    book = copy_book(tmp_path_factory.mktemp("design"))
    for name, markup in COMPONENTS.items():
        page = f"---\norphan: true\n---\n\n# The {name}\n\n{markup}"
        (book / "docs" / f"{name}.md").write_text(page, encoding="utf-8")
    built = build_book(book, "html")
    assert built.status == 0, built
    return built


def article(built: Built, name: str) -> Tag:
    return soup_of(built.outdir / f"{name}.html").select_one("article")


def head(built: Built, name: str) -> Tag:
    return soup_of(built.outdir / f"{name}.html").select_one("head")


def test_a_dropdown_is_made(design):
    dropdown = article(design, "dropdown").select_one("details.sd-dropdown")
    assert dropdown is not None, "the dropdown is not a <details>"
    assert "A dropdown" in dropdown.select_one("summary").get_text()
    assert dropdown.select_one(".sd-summary-state-marker"), "the dropdown has no marker"


def test_a_tab_set_is_made(design):
    tabs = article(design, "tab-set").select_one(".sd-tab-set")
    assert tabs is not None and len(tabs.select("input[type=radio]")) == 2, "no tab set"
    labels = [label.get_text(strip=True) for label in tabs.select("label")]
    assert labels == ["The first tab", "The second tab"]


def test_an_aside_is_made(design):
    aside = article(design, "aside").select_one("aside")
    assert aside is not None, "the aside is not an <aside>"
    assert aside.get("aria-labelledby"), "the aside is not labelled by its title"


def test_a_button_keeps_its_text(design):
    button = article(design, "button-ref").select_one("a.sd-btn")
    assert button is not None and button["href"] == "essays/first.html"
    assert button.get_text(strip=True) == "To the first essay", "the button lost its text"


def test_a_badge_keeps_its_tooltip(design):
    badge = article(design, "bdg-ref").select_one(".sd-badge")
    assert badge is not None, "no badge"
    assert "Read it" in {badge.get("title"), badge.parent.get("title")}, "the tooltip is lost"


def test_a_card_opens_its_link_in_a_new_tab(design):
    link = article(design, "card").select_one(".sd-card a[href='essays/first.html']")
    assert link is not None and link.get("target") == "_blank", "the card's link opens here"


@pytest.mark.parametrize("name", COMPONENTS)
def test_a_page_with_a_component_loads_its_stylesheet(design, name):
    assert head(design, name).select_one("link[href*='sphinx-design']"), name


@pytest.mark.parametrize("name", ["essays/first", "glossary"])
def test_a_page_without_components_loads_none_of_its_files(design, name):
    files = [t.get("href") or t.get("src") or "" for t in head(design, name).select("link, script")]
    assert not [f for f in files if "sphinx-design" in f or "design-tabs" in f], name
