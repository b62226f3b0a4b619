/* The search page's summaries: the author's words, never the editor's.

   Sphinx's search (searchtools.js) shows, under each result, the page's text
   around the words found; it reads the page's main text, so a chapter's
   summary began with its byline and reading time. This gives it the same text
   less what the editors marked as theirs (the class "editorial"), loaded
   (deferred, so after searchtools.js) on the search page only. */
(() => {
  "use strict";
  if (typeof Search === "undefined") return;
  const sphinxText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(".editorial").forEach((el) => el.remove());
    return sphinxText(page.documentElement.outerHTML, anchor);
  };
})();
