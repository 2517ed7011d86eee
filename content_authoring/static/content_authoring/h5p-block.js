/* The lesson page's side of an H5P block. Its frame is sandboxed (origin
   "null"), so a message is trusted only if it comes from that frame's window.
   A final xAPI statement is posted to the block's "xapi" handler with a new
   submission id per attempt; a failed send is retried with the same id, so
   it counts once. Content without questions completes once it is shown. */
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
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function status(block, text) {
    var box = block.querySelector("[data-h5p-status]");
    if (box) box.textContent = text;
  }
  function post(block, url, body, tries, done) {
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.ok) return response.json().then(done);
      if (response.status >= 500 && tries < 5) {
        setTimeout(function () { post(block, url, body, tries + 1, done); }, 3000 * (tries + 1));
      } else {
        return response.json().then(function (data) {
          status(block, (data && data.error) || block.dataset.failed);
        }, function () { status(block, block.dataset.failed); });
      }
    }, function () {
      status(block, block.dataset.failed);
      if (tries < 5) setTimeout(function () { post(block, url, body, tries + 1, done); }, 3000 * (tries + 1));
    });
  }
  function format(value) {
    return String(Math.round(value * 100) / 100);
  }

  var blocks = Array.prototype.slice.call(document.querySelectorAll("[data-h5p-block]"));
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "lms-h5p") return;
    var block = null, frame = null;
    for (var i = 0; i < blocks.length; i++) {
      var candidate = blocks[i].querySelector("iframe.h5p-frame");
      if (candidate && candidate.contentWindow === event.source) {
        block = blocks[i];
        frame = candidate;
        break;
      }
    }
    if (!block) return;
    if (data.kind === "height" && typeof data.height === "number") {
      frame.style.height = Math.min(Math.max(data.height, 120), 4000) + "px";
    } else if (data.kind === "ready") {
      block.dataset.ready = "true";
      if (block.dataset.hasQuestions === "false" && block.dataset.completed !== "true") {
        block.dataset.completed = "true";
        post(block, block.dataset.viewedUrl,
          { submission_id: block.dataset.viewedSubmissionId }, 0, function () {
            block.dataset.viewedSaved = "true";
          });
      }
    } else if (data.kind === "xapi" && data.statement) {
      // One attempt, one id: a retry of this send reuses it; the next answer gets a new one.
      post(block, block.dataset.xapiUrl,
        { submission_id: newId(), statement: data.statement }, 0, function (result) {
          block.dataset.recorded = String((Number(block.dataset.recorded) || 0) + 1);
          status(block, block.dataset.saved
            .replace("%(score)s", format(result.score))
            .replace("%(max)s", format(result.max_score)));
        });
    }
  });
})();
