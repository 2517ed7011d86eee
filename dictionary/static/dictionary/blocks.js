/* Dictionary blocks. Learners: a flashcard's rating buttons show once the card
   is turned (without JavaScript they are always there). Authors: search the
   dictionary and add an entry's line ("#12 hriăm (học)") to the list. */
(function () {
  "use strict";
  document.documentElement.classList.add("js-dict");

  function results(picker, entries, target, prefix) {
    var list = picker.querySelector("[data-dict-results]");
    var addLabel = picker.querySelector("[data-dict-add-label]").textContent;
    list.textContent = "";
    entries.forEach(function (e) {
      var gloss = (e.senses[0] && (e.senses[0].gloss_vi || e.senses[0].gloss_en)) || "";
      var line = "#" + e.id + " " + e.headword + (gloss ? " (" + gloss + ")" : "");
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = addLabel + ": ";
      var word = document.createElement("span");
      word.lang = e.language;
      word.textContent = e.headword;
      button.appendChild(word);
      button.appendChild(document.createTextNode(gloss ? " (" + gloss + ")" : ""));
      button.addEventListener("click", function () {
        var text = target.value.replace(/\s+$/, "");
        target.value = (text ? text + "\n" : "") + prefix() + line;
        target.dispatchEvent(new Event("input", { bubbles: true }));
      });
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  function setUp(form) {
    if (form.dataset.dictReady) return;
    form.dataset.dictReady = "1";
    var picker = form.querySelector("[data-dict-picker]");
    var target = form.querySelector("[data-dict-target]");
    var language = form.querySelector("[data-dict-language]");
    if (!picker || !target || !window.fetch) return;
    picker.hidden = false;
    var query = picker.querySelector("[data-dict-query]");
    var timer = null;
    var prefix = function () {
      // A dialogue line needs a speaker: reuse the one two lines up, if any.
      if (target.name !== "lines") return "";
      var lines = target.value.split("\n").filter(function (l) { return l.trim(); });
      var older = lines.length >= 2 ? lines[lines.length - 2] : "";
      var m = older.match(/^([^:]{1,60}):/);
      return m ? m[1] + ": " : "A: ";
    };
    query.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = query.value.trim();
        if (!q) { results(picker, [], target, prefix); return; }
        var url = form.dataset.searchUrl + "?q=" + encodeURIComponent(q) +
          "&language=" + encodeURIComponent(language ? language.value : "");
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) { results(picker, data.results || [], target, prefix); })
          .catch(function () {});
      }, 250);
    });
  }

  function scan(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("[data-dict-author]").forEach(setUp);
  }
  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:load", function (e) { scan(e.target); });
  if (document.readyState !== "loading") scan(document);
})();
