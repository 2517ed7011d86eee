/* Image block author view: a picked picture is uploaded at once (made smaller,
   its EXIF removed on the server) and its address put in the form. The file
   input has no name, so the authoring form itself never posts the file. */
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
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("input[data-image-upload]")) return;
    var form = input.closest("[data-image-author]");
    var file = input.files && input.files[0];
    if (!form || !file) return;
    var status = form.querySelector("[data-image-status]");
    var say = function (text) { if (status) status.textContent = text; };
    say(input.dataset.msgUploading);
    var body = new FormData();
    body.append("image", file);
    fetch(input.dataset.imageUpload, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return [response.ok, data]; });
    }).then(function (result) {
      var data = result[1];
      if (!result[0]) {
        var errors = data.errors ? Object.values(data.errors).flat() : [data.error];
        say(errors.filter(Boolean).join(" ") || input.dataset.msgFailed);
        return;
      }
      form.querySelector("[data-image-src]").value = data.url;
      form.querySelector("[data-image-width]").value = data.width;
      form.querySelector("[data-image-height]").value = data.height;
      var preview = form.querySelector("[data-image-preview]");
      if (preview) preview.src = data.url;
      say(input.dataset.msgDone);
    }, function () { say(input.dataset.msgFailed); });
  });
})();
