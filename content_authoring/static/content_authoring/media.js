/* Tells the server that a video or audio was played to the end (once per page
   view). A failed send is retried with the same submission id: counted once. */
(function () {
  "use strict";
  function csrfToken() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (err) { /* fall back to the cookie */ }
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function send(media, tries) {
    var body = new URLSearchParams();
    body.set("event", "ended");
    body.set("submission_id", media.dataset.submissionId);
    fetch(media.dataset.progressUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (response.ok) {
        var block = media.closest("[data-usage-id]");
        var done = block && block.querySelector("[data-media-done]");
        if (done) done.hidden = false;
      } else if (response.status >= 500 && tries < 5) {
        setTimeout(function () { send(media, tries + 1); }, 5000 * (tries + 1));
      }
    }, function () {
      if (tries < 5) setTimeout(function () { send(media, tries + 1); }, 5000 * (tries + 1));
    });
  }
  // "ended" does not bubble: listen while capturing.
  document.addEventListener("ended", function (e) {
    var media = e.target;
    if (!media.dataset || !media.dataset.progressUrl || media.dataset.sent) return;
    media.dataset.sent = "1";
    send(media, 0);
  }, true);
})();
