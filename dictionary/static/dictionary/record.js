// Record a pronunciation in the browser (MediaRecorder): record, stop,
// listen, save. The recording is posted with the page's CSRF token; the
// server checks and transcodes it, and its refusal is shown as it comes.
(function () {
  "use strict";
  var box = document.getElementById("recorder");
  if (!box) return;
  var status = box.querySelector("[data-role=status]");
  var listen = box.querySelector("[data-role=listen]");
  var buttons = {};
  ["record", "stop", "save"].forEach(function (name) {
    buttons[name] = box.querySelector("[data-action=" + name + "]");
  });
  var recorder = null;
  var chunks = [];
  var blob = null;
  var timer = null;

  function say(text, isError) {
    status.textContent = text || "";
    status.className = isError ? "errorlist" : "";
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function enable(record, stop, save) {
    buttons.record.disabled = !record;
    buttons.stop.disabled = !stop;
    buttons.save.disabled = !save;
  }

  if (!window.MediaRecorder || !navigator.mediaDevices) {
    enable(false, false, false);
    say(box.dataset.msgUnsupported, true);
    return;
  }

  buttons.record.addEventListener("click", function () {
    say("");
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      chunks = [];
      blob = null;
      recorder = new MediaRecorder(stream);
      recorder.addEventListener("dataavailable", function (event) {
        if (event.data && event.data.size) chunks.push(event.data);
      });
      recorder.addEventListener("stop", function () {
        clearTimeout(timer);
        stream.getTracks().forEach(function (track) { track.stop(); });
        blob = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
        listen.src = URL.createObjectURL(blob);
        listen.hidden = false;
        enable(true, false, blob.size > 0);
        say("");
      });
      recorder.start();
      enable(false, true, false);
      say(box.dataset.msgRecording);
      var seconds = parseInt(box.dataset.maxSeconds || "30", 10);
      timer = setTimeout(function () {
        if (recorder && recorder.state === "recording") recorder.stop();
      }, seconds * 1000);
    }, function () {
      say(box.dataset.msgDenied, true);
    });
  });

  buttons.stop.addEventListener("click", function () {
    if (recorder && recorder.state === "recording") recorder.stop();
  });

  buttons.save.addEventListener("click", function () {
    if (!blob) return;
    var form = new FormData();
    var type = blob.type.indexOf("ogg") >= 0 ? "ogg" : blob.type.indexOf("mp4") >= 0 ? "m4a" : "webm";
    form.append("audio", blob, "recording." + type);
    enable(false, false, false);
    say(box.dataset.msgSaving);
    fetch(box.dataset.url, {
      method: "POST",
      body: form,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok && body.url) {
          window.location.reload();
        } else {
          enable(true, false, true);
          say(body.error || box.dataset.msgFailed, true);
        }
      });
    }, function () {
      enable(true, false, true);
      say(box.dataset.msgFailed, true);
    });
  });
})();
