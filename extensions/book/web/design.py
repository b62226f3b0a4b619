"""sphinx-design's work, only on the pages that use it.

sphinx-design's HTML post-transforms (dropdowns, tab sets, asides, buttons'
and badges' references) and its handler of resolved pages (links that open in
a new tab) each walk every page's whole tree looking for what they change:
eight walks of each page of the web edition and the ePub, for the two pages
(the front page, the sources) that hold its cards. Here a page is walked
once, before any of them runs, for anything sphinx-design made (a component,
a class or an attribute of its); on a page that holds none, they have nothing
to change and do not run. (The walk is made before Sphinx drops what an
``only`` block keeps from this edition, so the ePub's front page, whose
cards are the web edition's only, is looked at as if it held them: its
transforms run there, as they always did. What the page holds once it is
resolved decides whether it loads sphinx-design's files: `book.web.pages`.)

Which transforms and handler are sphinx-design's is read from what it
registered, whatever they are called; a test builds a page with each of its
components and sees each made. (Drop this once sphinx-design skips pages
without its components itself: sphinx-design 0.8.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The package whose work is gated, as its transforms' modules name it.
PACKAGE = "sphinx_design"
_FOUND = "book_uses_design"  # on a resolved page: what `NoteDesign` found


#: The attributes every element has: any other is looked at for sphinx-design's.
_BASIC = len(nodes.Element.basic_attributes)


def holds_design(doctree: nodes.document) -> bool:
    """Whether a page holds anything sphinx-design made (a loop, not a call
    for each node: every page is walked)."""
    for node in doctree.findall(nodes.Element):
        attributes, classes = node.attributes, node["classes"]
        if (
            "design_component" in attributes  # a component's container
            or (classes and any(name.startswith("sd-") for name in classes))  # sd-btn, …
            or (
                len(attributes) > _BASIC  # sd_tooltip, sd_new_tab
                and any(key.startswith("sd_") for key in attributes)
            )
        ):
            return True
    return False


class NoteDesign(SphinxPostTransform):
    """Before sphinx-design's first post-transform (priority 5)."""

    default_priority = 1

    def run(self, **kwargs: Any) -> None:
        setattr(self.document, _FOUND, holds_design(self.document))


def _used(doctree: nodes.document) -> bool:
    """What `NoteDesign` found (a page it did not look at: as sphinx-design would)."""
    return getattr(doctree, _FOUND, True)


def _designs(function_or_class) -> bool:
    return function_or_class.__module__.split(".")[0] == PACKAGE


def _only_where_used(transform: type[SphinxPostTransform]) -> type[SphinxPostTransform]:
    def is_supported(self) -> bool:
        return transform.is_supported(self) and _used(self.document)

    return type(transform.__name__, (transform,), {"is_supported": is_supported})


def only_where_used(app: Sphinx) -> None:
    """sphinx-design's post-transforms and its resolved-page handler, run on
    the pages that use it (all of them registered by now)."""
    transforms = app.registry.post_transforms
    for at, transform in enumerate(transforms):
        if _designs(transform):
            transforms[at] = _only_where_used(transform)
    listeners = app.events.listeners.get("doctree-resolved", [])
    for at, listener in enumerate(listeners):
        if _designs(listener.handler):
            listeners[at] = listener._replace(handler=_on_pages_that_use_it(listener.handler))


def _on_pages_that_use_it(handler):
    def handle(app: Sphinx, doctree: nodes.document, docname: str) -> None:
        if _used(doctree):
            handler(app, doctree, docname)

    return handle


def setup(app: Sphinx) -> None:
    app.add_post_transform(NoteDesign)
    app.connect("builder-inited", only_where_used)
