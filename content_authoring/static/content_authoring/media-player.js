/* Chooses which copy of a video plays: the small one (240p) when the browser
   asks to save data (navigator.connection.saveData, or the Save-Data header the
   server already saw) or when the learner ticked "data saver", else 360p.
   The learner's choice is kept in localStorage and wins over the browser's.
   Nothing downloads before the learner presses play (preload="none"). */
(function () {
  "use strict";
  var KEY = "lms.dataSaver";

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (err) { return null; }
  }
  function store(on) {
    try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (err) { /* private mode */ }
  }
  function browserSavesData() {
    var c = navigator.connection;
    return !!(c && c.saveData);
  }
  function wantsSmall(video) {
    var choice = stored();
    if (choice === "1") return true;
    if (choice === "0") return false;
    return browserSavesData() || video.dataset.choice === "small";
  }
  function apply(video, small) {
    var url = small ? video.dataset.srcSmall : video.dataset.srcNormal;
    var source = video.querySelector("source");
    if (!url || !source || source.getAttribute("src") === url) {
      video.dataset.choice = small ? "small" : "normal";
      return;
    }
    var playing = !video.paused;
    var at = video.currentTime || 0;
    source.setAttribute("src", url);
    video.dataset.choice = small ? "small" : "normal";
    video.load(); // preload="none": nothing is fetched until play
    if (at > 0) {
      video.addEventListener("loadedmetadata", function once() {
        video.removeEventListener("loadedmetadata", once);
        video.currentTime = at;
      });
    }
    if (playing) video.play();
  }
  function players() {
    return document.querySelectorAll("video[data-media-player]");
  }
  function sync(small) {
    players().forEach(function (video) { apply(video, small); });
    document.querySelectorAll("input[data-data-saver]").forEach(function (box) {
      box.checked = small;
    });
  }
  function init() {
    players().forEach(function (video) {
      var small = wantsSmall(video);
      apply(video, small);
      var tools = video.closest("figure");
      var box = tools && tools.querySelector("input[data-data-saver]");
      if (box) box.checked = small;
    });
  }
  document.addEventListener("change", function (e) {
    var box = e.target;
    if (!box.matches || !box.matches("input[data-data-saver]")) return;
    store(box.checked);
    sync(box.checked);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  // Blocks swapped in by htmx bring new players.
  document.addEventListener("htmx:afterSwap", init);
})();
