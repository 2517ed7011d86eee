/* Tap a word in an ethnic language (inside any element with lang rad, jra,
   mnn or cmo) to see its dictionary entry in a small popup. No library. */
(function () {
  "use strict";
  var cfg = document.currentScript.dataset, LANGS = /^(rad|jra|mnn|cmo)$/;
  var SKIP = "a,button,input,select,textarea,label,audio,video,summary,[contenteditable],[role=button],[data-no-lookup]";
  var LETTER = /[\p{L}\p{M}]/u, cache = {}, box = null, back = null;

  function caret(x, y) {
    var d = document, p;
    if (d.caretPositionFromPoint) {
      p = d.caretPositionFromPoint(x, y);
      return p && [p.offsetNode, p.offset];
    }
    p = d.caretRangeFromPoint && d.caretRangeFromPoint(x, y);
    return p && [p.startContainer, p.startOffset];
  }
  function isLetter(t, i) {
    var c = t.charAt(i);
    // An apostrophe inside a word (M'nông) belongs to it.
    return LETTER.test(c) || (c === "'" || c === "\u2019") && LETTER.test(t.charAt(i - 1)) && LETTER.test(t.charAt(i + 1));
  }
  function wordAt(x, y) {
    var c = caret(x, y);
    if (!c || !c[0] || c[0].nodeType !== 3) return "";
    var t = c[0].data, s = c[1], e;
    if (!isLetter(t, s) && isLetter(t, s - 1)) s--;
    if (!isLetter(t, s)) return "";
    for (e = s; isLetter(t, s - 1); ) s--;
    while (isLetter(t, e)) e++;
    // The caret snaps to the nearest text: a tap beside the words is no word.
    var r = document.createRange();
    r.setStart(c[0], s);
    r.setEnd(c[0], e);
    var b = r.getBoundingClientRect();
    return x < b.left - 4 || x > b.right + 4 || y < b.top - 4 || y > b.bottom + 4 ? "" : t.slice(s, e);
  }
  function el(tag, parent, text, attrs) {
    var n = document.createElement(tag);
    for (var k in attrs || {}) n.setAttribute(k, attrs[k]);
    if (text) n.textContent = text;
    parent.appendChild(n);
    return n;
  }
  function close() {
    if (!box) return;
    box.remove();
    box = null;
    if (back && back.focus) back.focus();
  }
  function show(lang, word, data) {
    close();
    back = document.activeElement;
    box = el("div", document.body, "", { role: "dialog", "aria-label": word, tabindex: "-1" });
    box.style.cssText = "position:fixed;left:.5rem;right:.5rem;bottom:.5rem;max-width:28rem;margin:auto;" +
      "background:#fff;border:1px solid #888;border-radius:.5rem;padding:0 1rem;box-shadow:0 2px 12px #0005;z-index:99";
    el("button", box, "×", { type: "button", "aria-label": cfg.close, style: "float:right;margin-top:.5rem" }).onclick = close;
    var list = data && data.entries || [];
    if (!list.length) {
      el("p", box, word, { lang: lang });
      el("p", box, data ? cfg.missing : cfg.offline);
    }
    list.forEach(function (e) {
      var p = el("p", box);
      el("strong", p, e.headword, { lang: lang });
      if (e.part_of_speech) el("small", p, " " + e.part_of_speech);
      e.glosses.forEach(function (g) {
        p = el("p", box);
        if (g.vi) el("span", p, g.vi, { lang: "vi" });
        if (g.vi && g.en) p.append(" · ");
        if (g.en) el("span", p, g.en, { lang: "en" });
      });
      p = el("p", box);
      if (e.audio) {
        el("button", p, "▶ " + cfg.play, { type: "button" }).onclick = function () { new Audio(e.audio).play(); };
      } else {
        el("small", p, cfg.silent);
      }
      p.append(" ");
      el("a", p, cfg.open, { href: e.url });
    });
    box.focus();
  }
  function lookup(lang, word) {
    var key = lang + ":" + word.toLowerCase();
    if (cache[key]) return show(lang, word, cache[key]);
    fetch(cfg.url + "?lang=" + lang + "&w=" + encodeURIComponent(word), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { entries: [] }; })
      .then(function (d) { cache[key] = d; show(lang, word, d); }, function () { show(lang, word, null); });
  }
  document.addEventListener("click", function (ev) {
    var t = ev.target, holder, word, sel = getSelection();
    if (box && box.contains(t)) return;
    close();
    if (!t.closest || t.closest(SKIP) || !sel.isCollapsed) return;
    holder = t.closest("[lang]");
    if (!holder || !LANGS.test(holder.lang)) return;
    word = wordAt(ev.clientX, ev.clientY);
    if (word) lookup(holder.lang, word);
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") close();
  });
})();
