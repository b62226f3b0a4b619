/* Footnote and glossary previews: the note or the definition, shown in place.

   Hovering or focusing a footnote marker ([1]) or a glossary term shows the
   note, or the term's definition from the glossary page (same host), in a box
   next to it. The link stays a plain link: a click or Enter goes to the note
   or the glossary as before, and without JavaScript nothing changes.

   - Keyboard: the box opens when the link is focused by the keyboard and
     closes when focus leaves it; Escape closes it anywhere. Focus that a
     tap or a jump to a note's back-link gives a link opens nothing: the box
     would cover the paragraph the reader came back to.
   - Screen readers: while the box is open the link is described by it
     (aria-describedby to a role="tooltip" element).
   - Pointer: the box opens after a short pause, stays open while the pointer
     is on the link or on the box (so its text can be selected and its links
     followed), and closes a moment after the pointer leaves both
     (WCAG 2.2, 1.4.13 Content on Hover or Focus).
   - Touch: no preview; a tap follows the link.
   No request leaves the book's own host: the glossary is fetched from the
   same place as the page, once. */
(() => {
  "use strict";

  const SHOW_DELAY = 200; // ms: passing the pointer over a link shows nothing
  const HIDE_DELAY = 300; // ms: time to move the pointer from the link to the box

  const article = document.querySelector('article[role="main"]');
  if (!article) return;
  const links = [...article.querySelectorAll("a.footnote-reference, a.reference.internal")].filter(
    (a) => a.classList.contains("footnote-reference") || a.querySelector(".std-term"),
  );
  if (!links.length) return;

  const box = document.createElement("div");
  box.id = "book-preview";
  box.className = "book-preview";
  box.setAttribute("role", "tooltip");
  box.hidden = true;
  article.append(box);

  const pages = new Map(); // the address of a page -> Promise of its Document
  let current = null; // the link whose preview is open, or being opened
  let showTimer = 0;
  let hideTimer = 0;

  /* A copy of some nodes for the box: no ids (they would be duplicates) and
     addresses made absolute (they were relative to their own page). */
  function copyOf(nodes, baseURL) {
    const fragment = document.createDocumentFragment();
    for (const node of nodes) {
      const copy = document.importNode(node, true);
      for (const el of [copy, ...copy.querySelectorAll("*")]) {
        el.removeAttribute("id");
        if (el.hasAttribute("href")) el.setAttribute("href", new URL(el.getAttribute("href"), baseURL).href);
        if (el.hasAttribute("src")) el.setAttribute("src", new URL(el.getAttribute("src"), baseURL).href);
        if (el.matches("a.headerlink")) el.remove();
      }
      fragment.append(copy);
    }
    return fragment;
  }

  function footnote(link) {
    const note = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!note) return null;
    const number = link.textContent.replace(/[[\]]/g, "").trim();
    const body = [...note.children].filter((el) => !el.classList.contains("label"));
    return { label: `Note ${number}`, content: copyOf(body, document.baseURI) };
  }

  function page(url) {
    if (url === document.location.href.split("#")[0]) return Promise.resolve(document);
    if (!pages.has(url)) {
      pages.set(
        url,
        fetch(url, { credentials: "same-origin" })
          .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
          .then((html) => new DOMParser().parseFromString(html, "text/html")),
      );
    }
    return pages.get(url);
  }

  async function definition(link) {
    const url = link.href.split("#")[0];
    const doc = await page(url);
    const term = doc.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!term || term.localName !== "dt") return null;
    let dd = term.nextElementSibling;
    while (dd && dd.localName === "dt") dd = dd.nextElementSibling;
    if (!dd) return null;
    const name = term.cloneNode(true);
    name.querySelectorAll("a.headerlink").forEach((a) => a.remove());
    return { label: name.textContent.trim(), content: copyOf(dd.children, url) };
  }

  function place(link) {
    const area = article.getBoundingClientRect();
    const rects = link.getClientRects();
    const at = rects.length ? rects[0] : link.getBoundingClientRect();
    const width = Math.min(box.offsetWidth, area.width);
    let left = at.left - area.left;
    left = Math.max(0, Math.min(left, area.width - width));
    const below = at.bottom - area.top + 6;
    const above = at.top - area.top - box.offsetHeight - 6;
    const roomBelow = window.innerHeight - at.bottom;
    box.style.left = `${left}px`;
    box.style.top = `${roomBelow < box.offsetHeight + 12 && above > 0 ? above : below}px`;
  }

  async function show(link) {
    clearTimeout(hideTimer);
    if (current === link && !box.hidden) return;
    hide();
    current = link;
    let preview = null;
    try {
      preview = link.classList.contains("footnote-reference") ? footnote(link) : await definition(link);
    } catch {
      preview = null; // unreachable glossary (a file:// page): the link still works
    }
    if (current !== link || !preview) return;
    const label = document.createElement("p");
    label.className = "book-preview-label";
    label.textContent = preview.label;
    box.replaceChildren(label, preview.content);
    box.hidden = false;
    place(link);
    link.setAttribute("aria-describedby", box.id);
  }

  function hide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (current) current.removeAttribute("aria-describedby");
    current = null;
    box.hidden = true;
    box.replaceChildren();
  }

  function hideSoon() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, HIDE_DELAY);
  }

  // Whether the reader is moving through the page with the keyboard.
  let keyboard = false;
  document.addEventListener(
    "keydown",
    (event) => {
      if (event.key === "Tab" || event.key.startsWith("Arrow")) keyboard = true;
    },
    true,
  );
  document.addEventListener("pointerdown", () => (keyboard = false), true);
  window.addEventListener("hashchange", () => (keyboard = false));

  for (const link of links) {
    link.addEventListener("pointerenter", (event) => {
      if (event.pointerType === "touch") return;
      clearTimeout(hideTimer);
      clearTimeout(showTimer);
      showTimer = setTimeout(() => show(link), SHOW_DELAY);
    });
    link.addEventListener("pointerleave", (event) => {
      if (event.pointerType !== "touch") hideSoon();
    });
    link.addEventListener("focus", () => keyboard && show(link));
    // Not while the pointer is on the box: a click on a link in it moves focus.
    link.addEventListener("blur", () => (box.matches(":hover") ? hideSoon() : hide()));
  }
  box.addEventListener("pointerenter", () => clearTimeout(hideTimer));
  box.addEventListener("pointerleave", hideSoon);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !box.hidden) hide();
  });
  window.addEventListener("resize", () => current && !box.hidden && place(current));
})();
