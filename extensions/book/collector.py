"""What a build holds from start to end, kept out of the garbage collector's walks.

Python's cyclic garbage collector walks every object the process holds in each
of its full collections. When a build starts reading, that is Sphinx, docutils,
MyST, furo, Pillow and their modules, the configuration and the environment:
objects kept to the end of the build, walked again and again for nothing: on
the book's cold HTML build, its three full collections took 0.18 s. And each
document read adds its doctree, which Sphinx keeps in memory for the writers,
and its entries in the environment, walked by every full collection after it:
with 240 chapters, seventeen full collections took 4.3 s of an 18 s build
(a cost that grew faster than the chapters).

So what the process holds is frozen (``gc.freeze``: moved where the collector
does not look) once the builder is ready (``builder-inited``: the theme is
loaded, a rebuild's environment unpickled), again as each document has been
read (after a collection of the young objects, so that little of the
document's own garbage is kept: a tenth more memory, 239 → 266 MB at 240
chapters), once the environment is complete (``env-updated``), and as each
doctree is made ready for its page (``doctree-resolved``). The last matters
most to a parallel build: its main process reads every doctree back from its
pickle and resolves it before a worker writes the page, and its full
collections walked all of them (at 240 chapters, ten took 1.2–1.5 s of its
writing). When the build finishes, even with an error, it is let go
(``gc.unfreeze``), so a process that runs build after build (the tests, a
live-reload server) collects it as before. What the build makes and drops is
collected as usual, but for the doctrees, which stay frozen after their pages
are written and are let go with the rest (a process that exits then frees them
as it exits: 0.8 s more of it at 240 chapters). Parallel workers are forked
from the frozen process and keep its state. A process that froze objects of
its own before the build is left as it is: freezing and letting go are its own
business. Measured one build after the other: a cold HTML build of the book,
2.07 s without and 1.83 s with (ten of each); then, in turns, the first freeze
only against all three: 60 chapters 5.7 → 4.6 s, 240 chapters 18.3 → 16.5 s;
and, in turns again, without and with the freeze as each doctree is resolved:
240 chapters serial 14.1 → 13.3 s, ``-j auto`` 12.4 → 10.8 s (its main process
201 → 256 MB); 60 chapters ``-j auto`` 3.4 → 3.2 s.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Whether this build froze what the process held, and must let it go.
_frozen = False


def freeze(app: Sphinx) -> None:
    global _frozen
    if gc.get_freeze_count() == 0:
        gc.freeze()
        _frozen = True


def freeze_what_was_made(app: Sphinx, *_args) -> None:
    """What a document's reading made, the environment once every document is
    read, and what a doctree's resolving for its page made, are held until the
    pages are written (in a parallel build, the main process reads each
    doctree back from its pickle and resolves it before a worker writes it)."""
    if _frozen:
        gc.collect(1)
        gc.freeze()


def let_go(app: Sphinx, exception: BaseException | None) -> None:
    global _frozen
    if _frozen:
        gc.unfreeze()
        _frozen = False


def setup(app: Sphinx) -> None:
    # Last of builder-inited's handlers: what they load is held to the end too.
    app.connect("builder-inited", freeze, priority=900)
    # Last of each one's handlers: what they add is held too.
    for event in ("doctree-read", "env-updated", "doctree-resolved"):
        app.connect(event, freeze_what_was_made, priority=900)
    # First of build-finished's handlers: one that fails stops the others.
    app.connect("build-finished", let_go, priority=100)
