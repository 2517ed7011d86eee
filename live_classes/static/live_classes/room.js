/* The live room (docs/live-protocol.md): one WebSocket that resumes after a
   drop without losing or repeating events; slides, chat, hands, reactions,
   polls, moderation, an optional WebRTC mesh and the replay recording.
   ES5 and promises so the province's old Android browsers run it; every
   string comes translated from the page (#live-strings). */
(function () {
  "use strict";
  function $(id) { return document.getElementById(id); }
  var root = $("room");
  if (!root) return;
  var T = JSON.parse($("live-strings").textContent);
  var MOD = root.getAttribute("data-moderator") === "1";

  function t(key, vars) {
    var s = T[key];
    for (var k in vars) s = s.split("{" + k + "}").join(vars[k]);
    return s;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text; // never markup: user text stays text
    return e;
  }
  function button(text, onclick) {
    var b = el("button", "secondary", text);
    b.type = "button";
    b.onclick = onclick;
    return b;
  }
  function noop() {}
  function uuid() {
    var c = window.crypto, b = new Uint8Array(16), h = "", i;
    if (c && c.randomUUID) return c.randomUUID(); // https and localhost only
    if (c && c.getRandomValues) c.getRandomValues(b);
    else for (i = 0; i < 16; i++) b[i] = Math.random() * 256;
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    for (i = 0; i < 16; i++) h += (i === 4 || i === 6 || i === 8 || i === 10 ? "-" : "") + (b[i] + 256).toString(16).slice(1);
    return h;
  }

  /* ---- Connection ---- */
  var ws = null, ready = false, welcomed = false, stopped = false;
  var lastSeq = 0, attempt = 0, timer = null, pinger = null;
  // Frames that change something wait here for their ack and are sent again
  // after a reconnection; the server deduplicates them by id.
  var outbox = {}, mine = {};
  var me = {}, slides = [], slide = 0, poll = null, people = {}, media = {}, mode = "saver";

  function status(key) { $("live-status").textContent = key ? T[key] : ""; }
  function raw(f) { if (ready) ws.send(JSON.stringify(f)); }
  function send(type, f) {
    f = f || {};
    f.type = type;
    f.id = uuid();
    outbox[f.id] = f;
    raw(f);
    return f.id;
  }
  function connect() {
    timer = null;
    var sock;
    try {
      sock = ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host +
        root.getAttribute("data-ws") + (welcomed ? "?last_seq=" + lastSeq : ""));
    } catch (e) { return retry(); }
    sock.onmessage = function (m) {
      var f;
      try { f = JSON.parse(m.data); } catch (e) { return; }
      if (!f || ws !== sock) return;
      if (f.seq != null && f.type !== "welcome" && f.type !== "ack") {
        if (f.seq <= lastSeq) return; // seen already
        lastSeq = f.seq;
      }
      if (H[f.type]) H[f.type](f);
    };
    sock.onclose = function (e) {
      if (ws !== sock) return;
      ws = null;
      ready = false;
      clearInterval(pinger);
      if (stopped) return;
      if (e.code === 4410) return ended();
      if (e.code === 4403 || e.code === 4401) return refuse(T.closed);
      retry();
    };
  }
  function retry() {
    status("reconnecting");
    var base = Math.min(30000, 1000 * Math.pow(2, attempt++)); // 1 s … 30 s, with jitter
    timer = setTimeout(connect, base / 2 + (Math.random() * base) / 2);
  }
  window.addEventListener("online", function () {
    if (timer) { clearTimeout(timer); connect(); }
  });
  function stop() {
    stopped = true;
    if (ws) ws.close();
    status("");
    root.classList.add("stopped");
    mediaOff(true);
  }
  function refuse(message) {
    var box = $("live-refused");
    if (box.hidden) { box.textContent = message; box.hidden = false; }
    stop();
  }
  function ended() {
    $("live-ended").hidden = false;
    stop();
    if (rec && rec.state !== "inactive") rec.stop(); // and upload
  }
  function flash(text) {
    var box = $("chat-error");
    box.textContent = text;
    clearTimeout(flash.t);
    flash.t = setTimeout(function () { box.textContent = ""; }, 6000);
  }

  var H = {
    refused: function (f) { refuse(f.message || f.code); },
    welcome: function (f) {
      ready = true;
      attempt = 0;
      status("");
      me = f.you || {};
      if (f.resumed) lastSeq = Math.max(lastSeq, f.seq); // the missed events follow
      else {
        lastSeq = f.seq;
        slides = f.slides || [];
        slide = f.slide || 0;
        poll = f.poll;
        people = {};
        media = {};
        (f.hands || []).forEach(function (u) { seen(u, { hand: true }); });
        (f.media || []).forEach(function (u) { media[u.id] = u; seen(u, {}); });
        // Who is connected now, if the server says (moderators); else presence tells.
        (f.present || []).forEach(function (u) { seen(u, { online: true }); });
        if (MOD && f.present) $("live-count").textContent = f.present.length;
        $("chat-list").textContent = "";
        (f.chat || []).forEach(chat);
        renderSlide();
        renderPoll();
      }
      welcomed = true;
      renderHand();
      renderChat();
      renderMedia();
      renderPeople();
      for (var id in outbox) raw(outbox[id]);
      clearInterval(pinger);
      pinger = setInterval(function () { raw({ type: "ping" }); }, 25000);
      if (f.session && /ended|cancelled/.test(f.session.status)) return ended();
      syncPeers();
    },
    ack: function (f) {
      var fr = outbox[f.ref];
      delete outbox[f.ref];
      if (fr && fr.type === "poll.open") {
        $("poll-form").reset();
        $("poll-form").parentNode.open = false;
      }
    },
    error: function (f) {
      var fr = f.ref && outbox[f.ref], input = $("chat-text");
      flash(f.message || f.code);
      if (!fr) return;
      delete outbox[f.ref];
      if (fr.type === "chat.send" && !input.value) input.value = fr.text;
      if (fr.type === "poll.answer" && poll && f.code === "rate_limited") { poll.answered = null; renderPoll(); }
      if (fr.type === "rtc.join" && local) { // refused (the mesh is full): nothing to leave
        local.getTracks().forEach(function (tr) { tr.stop(); });
        local = null;
        mediaOff(false);
      }
      if (/^hand/.test(fr.type) && !fr.user_id) { me.hand_raised = fr.type === "hand.lower"; renderHand(); }
    },
    "chat.message": chat,
    "hand.raised": function (f) { hand(f.user, true); },
    "hand.lowered": function (f) { hand(f.user, false); },
    reaction: function (f) {
      var s = $("reactions").appendChild(el("span", "float", f.emoji));
      s.style.left = 10 + Math.random() * 70 + "%";
      setTimeout(function () { s.parentNode.removeChild(s); }, 2500);
    },
    "slide.changed": function (f) { slide = f.slide; renderSlide(); },
    "slides.updated": function (f) { slides = f.slides || []; renderSlide(); },
    "poll.opened": function (f) { poll = f.poll; renderPoll(); },
    "poll.results": counts,
    "poll.tally": counts,
    "poll.closed": function (f) {
      if (!poll || poll.id !== f.poll_id) return;
      poll.closed = true;
      poll.correct = f.correct || [];
      poll.counts = f.counts;
      poll.total = f.total;
      renderPoll();
    },
    "participant.muted": function (f) {
      seen(f.user, { muted: f.muted });
      if (f.user.id === me.id) { me.muted = f.muted; renderChat(); }
    },
    "participant.removed": function (f) {
      if (f.user.id === me.id) return refuse(T.removed);
      seen(f.user, { removed: true }); // and not listed again when they leave
    },
    "rtc.joined": function (f) {
      media[f.user.id] = { id: f.user.id, name: f.user.name, media: f.media };
      seen(f.user, {});
      renderMedia();
      syncPeers();
    },
    "rtc.left": function (f) {
      var id = f.user.id;
      delete media[id];
      // Our last connection dropped and the server took us out: offer again.
      if (id === me.id && local) send("rtc.join", { media: localMedia });
      if (id !== me.id) drop(id);
      renderMedia();
      renderPeople();
    },
    "session.ended": ended,
    "rtc.signal": signal,
    presence: function (f) {
      if (!MOD) return;
      $("live-count").textContent = f.count;
      if (f.joined) seen(f.joined, { online: true });
      if (f.left) seen(f.left, { online: false });
    }
  };

  /* ---- Chat, hands, reactions ---- */
  function chat(f) {
    var list = $("chat-list"), by = f.by || {}, d = new Date(f.at);
    var own = mine[f.client_id] || by.id === me.id;
    var atEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 30;
    var li = list.appendChild(el("li", own ? "own" : ""));
    li.appendChild(el("b", "", own ? T.you : by.name));
    if (!isNaN(d)) li.appendChild(el("time", "muted", " " + ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2)));
    li.appendChild(el("div", "text", f.text));
    while (list.children.length > 200) list.removeChild(list.firstChild);
    if (atEnd || own) list.scrollTop = list.scrollHeight;
    seen(f.by, {});
  }
  var input = $("chat-text"), placeholder = input.placeholder;
  $("chat-form").onsubmit = function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    mine[send("chat.send", { text: text })] = 1;
    input.value = "";
  };
  function renderChat() {
    input.disabled = !!me.muted;
    input.placeholder = me.muted ? T.muted_you : placeholder;
  }
  function hand(u, up) {
    seen(u, { hand: up });
    if (u.id === me.id) { me.hand_raised = up; renderHand(); }
  }
  function renderHand() {
    $("hand").textContent = me.hand_raised ? T.lower : T.raise;
    $("hand").setAttribute("aria-pressed", me.hand_raised ? "true" : "false");
  }
  $("hand").onclick = function () {
    send(me.hand_raised ? "hand.lower" : "hand.raise");
    me.hand_raised = !me.hand_raised; // at once; the event confirms
    renderHand();
  };
  [].forEach.call(document.querySelectorAll(".react"), function (b) {
    b.onclick = function () { send("reaction.send", { emoji: b.getAttribute("data-emoji") }); };
  });

  /* ---- Slides ---- */
  function renderSlide() {
    var s = slides[slide], img = $("slide-img");
    img.hidden = !s;
    $("slide-none").hidden = !!s;
    if (s && img.getAttribute("src") !== s.url) {
      if (s.width && s.height) { img.width = s.width; img.height = s.height; }
      img.src = s.url;
    }
    $("slide-pos").textContent = s ? t("slide", { k: slide + 1, n: slides.length }) : "";
    if (MOD) {
      $("slide-prev").disabled = slide <= 0;
      $("slide-next").disabled = slide >= slides.length - 1;
    }
    if (mode !== "saver" && slides[slide + 1]) new Image().src = slides[slide + 1].url;
  }
  if (MOD) {
    $("slide-prev").onclick = function () { if (slide > 0) send("slide.goto", { slide: slide - 1 }); };
    $("slide-next").onclick = function () { if (slide < slides.length - 1) send("slide.goto", { slide: slide + 1 }); };
  }

  /* ---- Polls and quiz questions ---- */
  function counts(f) {
    // Trainers get every answer and the throttled results: keep the newest.
    if (!poll || poll.id !== f.poll_id || poll.closed || f.total < (poll.total || 0)) return;
    poll.counts = f.counts;
    poll.total = f.total;
    renderPoll();
  }
  function renderPoll() {
    var box = $("poll-box");
    box.textContent = "";
    box.hidden = !poll;
    if (!poll) return;
    var mark = poll.answered, answered = typeof mark === "number";
    var bars = poll.counts && (MOD || poll.closed || answered), note = [];
    box.appendChild(el("p", "q", poll.question));
    var ul = box.appendChild(el("ul", "opts"));
    poll.options.forEach(function (o, i) {
      var li = ul.appendChild(el("li"));
      if (!MOD && !poll.closed && !answered) {
        return li.appendChild(button(o, function () {
          poll.answered = i;
          send("poll.answer", { poll_id: poll.id, option: i });
          renderPoll();
        }));
      }
      var right = poll.closed && (poll.correct || []).indexOf(i) >= 0;
      var c = bars ? poll.counts[i] || 0 : 0, pct = poll.total ? Math.round((100 * c) / poll.total) : 0;
      var lab = li.appendChild(el("div", right ? "ok" : "", (right ? "✓ " : "") + o + (mark === i ? " ←" : "")));
      if (right) lab.title = T.correct;
      if (!bars) return;
      lab.appendChild(el("span", "muted", " " + c + " (" + pct + "%)"));
      li.appendChild(el("div", "bar")).appendChild(el("span")).style.width = pct + "%";
    });
    if (!MOD && answered && !poll.closed) note.push(T.answered);
    if (poll.closed) note.push(T.poll_closed);
    if (poll.closed && answered && poll.kind === "quiz") note.push(poll.correct.indexOf(mark) >= 0 ? T.right : T.wrong);
    if (bars) note.push(t("answers", { n: poll.total || 0 }));
    box.appendChild(el("p", "muted", note.join(" · ")));
    if (MOD && !poll.closed) box.appendChild(button(T.close_poll, function () { send("poll.close", { poll_id: poll.id }); })).id = "poll-close";
  }
  if (MOD) {
    var form = $("poll-form");
    $("poll-kind").onchange = function () { form.classList.toggle("quiz", this.value === "quiz"); };
    form.onsubmit = function (e) {
      e.preventDefault();
      var kind = $("poll-kind").value, options = [], correct = [];
      [].forEach.call(form.querySelectorAll(".opt-row"), function (row) {
        var text = row.querySelector(".poll-opt").value.trim();
        if (!text) return;
        if (row.querySelector("[type=checkbox]").checked) correct.push(options.length);
        options.push(text);
      });
      var err = options.length < 2 ? T.need_options : kind === "quiz" && !correct.length ? T.need_correct : "";
      $("poll-form-error").textContent = err;
      if (!err) send("poll.open", { kind: kind, question: $("poll-q").value.trim(), options: options, correct: kind === "quiz" ? correct : [] });
    };
    $("end-class").onclick = function () { if (confirm(T.end_q)) send("session.end"); };
  }

  /* ---- Moderation: everyone seen so far (presence, chat, hands, media) ---- */
  function seen(u, props) {
    if (!u || u.id == null) return;
    var p = people[u.id], changed = !p;
    if (!p) p = people[u.id] = { id: u.id, name: u.name };
    for (var k in props) if (p[k] !== props[k]) { p[k] = props[k]; changed = true; }
    if (changed) renderPeople();
  }
  function renderPeople() {
    if (!MOD) return;
    var ul = $("people"), list = [];
    ul.textContent = "";
    for (var id in people) if (+id !== me.id && !people[id].removed) list.push(people[id]);
    function rank(p) { return (p.hand ? 2 : 0) + (p.online ? 1 : 0); }
    list.sort(function (a, b) { return rank(b) - rank(a) || (a.name > b.name ? 1 : -1); });
    list.forEach(function (p) {
      var li = ul.appendChild(el("li", p.online === false ? "gone" : "")), m = media[p.id];
      li.appendChild(el("span", "who", (p.hand ? "✋ " : "") + p.name + (p.muted ? " 🔇" : "") + (m ? (m.media === "video" ? " 📷" : " 🎤") : "")));
      li.appendChild(button(p.muted ? T.unmute : T.mute, function () { send("moderation.mute", { user_id: p.id, muted: !p.muted }); }));
      if (p.hand) li.appendChild(button(T.lower_other, function () { send("hand.lower", { user_id: p.id }); }));
      li.appendChild(button(T.remove, function () {
        if (confirm(t("remove_q", { name: p.name }))) send("moderation.remove", { user_id: p.id });
      }));
    });
  }

  /* ---- Audio and video: a WebRTC mesh for small groups ----
     No STUN/TURN servers: the room runs on the local network or in the
     province's data centre (a TURN server is to be configured later for
     other networks). Whoever wants media connects to each person offering
     it; between two who both offer, the lower user id makes the offer, and
     "perfect negotiation" settles any glare that is left. */
  var local = null, localMedia = "", peers = {};
  var hasRTC = !!(window.RTCPeerConnection && navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  function mediaMsg(text) { $("media-msg").textContent = text || ""; }
  function mediaError(e) {
    var n = e && e.name;
    if (/NotAllowed|Security|PermissionDenied/.test(n)) return T.denied;
    if (/NotFound|DevicesNotFound|Overconstrained/.test(n)) return T.no_mic;
    return T.media_failed;
  }
  function renderMedia() {
    var names = [];
    $("media-toggle").textContent = T[(mode === "video" ? "cam_" : "mic_") + (local ? "off" : "on")];
    for (var id in media) names.push(media[id].name + (media[id].media === "video" ? " 📷" : " 🎤"));
    $("media-list").textContent = names.length ? T.on_air + " " + names.join(", ") : "";
  }
  function setMode(m) {
    if (m !== "audio" && m !== "video") m = "saver";
    var was = mode;
    mode = $("live-mode").value = m;
    $("live-media").hidden = m === "saver";
    try { localStorage.setItem("live-mode", m); } catch (e) { /* private mode */ }
    if (was !== m) mediaOff(m === "saver");
    mediaMsg(m !== "saver" && !hasRTC ? T.no_rtc : "");
    renderMedia();
    renderSlide();
  }
  $("live-mode").onchange = function () { setMode(this.value); };
  $("media-toggle").onclick = function () {
    if (local) return mediaOff(false);
    if (!hasRTC) return mediaMsg(T.no_rtc);
    mediaMsg("");
    var video = mode === "video" && { width: { ideal: 320 }, height: { ideal: 240 }, frameRate: { max: 15 } };
    navigator.mediaDevices.getUserMedia({ audio: true, video: video }).then(function (s) {
      if (mode === "saver") return s.getTracks().forEach(function (tr) { tr.stop(); });
      local = s;
      localMedia = mode;
      send("rtc.join", { media: mode });
      for (var id in peers) attach(peers[id], false);
      renderMedia();
      syncPeers();
    }, function (e) { mediaMsg(mediaError(e)); });
  };
  // Stop offering media; go on listening unless `all` (data saver, the end).
  function mediaOff(all) {
    if (local) {
      local.getTracks().forEach(function (tr) { tr.stop(); });
      local = null;
      send("rtc.leave", { media: localMedia });
    }
    for (var id in peers) drop(id);
    renderMedia();
    if (!all) syncPeers();
  }
  function syncPeers() {
    if (mode === "saver" || !hasRTC || !ready) return;
    for (var id in media) {
      id = +id;
      if (id !== me.id && !peers[id] && (!local || id > me.id)) attach(peer(id), true);
    }
  }
  function sig(to, kind, data) { raw({ type: "rtc.signal", to: to, kind: kind, data: data }); }
  function peer(id) {
    var pc, p;
    try { pc = new RTCPeerConnection({ iceServers: [] }); } catch (e) { mediaMsg(T.media_failed); return null; }
    p = peers[id] = { id: id, pc: pc, polite: me.id > id };
    pc.onicecandidate = function (e) { if (e.candidate) sig(id, "ice", e.candidate); };
    pc.onnegotiationneeded = function () {
      p.making = true;
      pc.createOffer().then(function (o) { return pc.setLocalDescription(o); })
        .then(function () { sig(id, "offer", pc.localDescription); })
        .catch(noop).then(function () { p.making = false; });
    };
    pc.ontrack = function (e) { show(p, e.track); };
    pc.onconnectionstatechange = function () { if (pc.connectionState === "failed") drop(id); };
    return p;
  }
  // Send our microphone/camera; or, only listening and starting the
  // connection ourselves, ask for audio (and video in video mode).
  function attach(p, starting) {
    if (!p) return;
    try {
      if (local && !p.sending) {
        local.getTracks().forEach(function (tr) { p.pc.addTrack(tr, local); });
        p.sending = true;
      } else if (!local && starting && !p.recv) {
        p.pc.addTransceiver("audio", { direction: "recvonly" });
        if (mode === "video") p.pc.addTransceiver("video", { direction: "recvonly" });
        p.recv = true;
      }
    } catch (e) { mediaMsg(T.media_failed); }
  }
  function signal(f) {
    if (mode === "saver" || !hasRTC || !f.from) return;
    var id = f.from.id, p = peers[id] || (f.kind === "offer" && peer(id)), d = f.data;
    if (!p) return;
    var pc = p.pc, offer = f.kind === "offer";
    if (f.kind === "ice") return pc.addIceCandidate(d).catch(noop);
    var collision = offer && (p.making || pc.signalingState !== "stable");
    if (!p.polite && collision) return; // our own offer wins
    (collision && pc.signalingState === "have-local-offer"
      ? pc.setLocalDescription({ type: "rollback" }).then(function () { return pc.setRemoteDescription(d); })
      : pc.setRemoteDescription(d)
    ).then(function () {
      if (!offer) return;
      attach(p, false);
      return pc.createAnswer().then(function (a) { return pc.setLocalDescription(a); })
        .then(function () { sig(id, "answer", pc.localDescription); });
    }).catch(function (e) { if (window.console) console.warn("rtc", e); });
  }
  function show(p, track) {
    if (mode === "audio" && track.kind === "video") return; // audio only
    if (!p.box) {
      p.stream = new MediaStream();
      p.box = $("peers").appendChild(el("figure", "peer"));
      p.el = p.box.appendChild(el(mode === "video" ? "video" : "audio"));
      p.el.autoplay = true;
      p.el.setAttribute("playsinline", "");
      p.box.appendChild(el("figcaption", "", (media[p.id] || people[p.id] || {}).name));
    }
    p.stream.addTrack(track);
    p.el.srcObject = p.stream;
    if (track.kind === "video") p.box.classList.add("video");
    var play = p.el.play && p.el.play();
    if (play && play.catch) play.catch(noop);
  }
  function drop(id) {
    var p = peers[id];
    if (!p) return;
    delete peers[id];
    try { p.pc.close(); } catch (e) { /* closed */ }
    if (p.box) p.box.parentNode.removeChild(p.box);
  }

  /* ---- Recording the trainer's voice for the replay ---- */
  var rec = null, recStart = null, pending = null;
  function recMsg(text, retry) {
    $("rec-msg").textContent = text;
    if (retry) $("rec-msg").appendChild(button(T.retry, function () { upload(pending); }));
  }
  function recButton() { $("rec").textContent = rec ? T.rec_stop : T.rec_start; }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { /* cookie */ }
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function upload(blob) {
    var fd = new FormData();
    pending = blob;
    recMsg(T.uploading);
    fd.append("audio", blob, "replay.webm");
    fd.append("started_at", recStart.toISOString());
    fetch(root.getAttribute("data-upload"), {
      method: "POST", body: fd, credentials: "same-origin", headers: { "X-CSRFToken": csrf(), Accept: "application/json" }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (r.ok && j.ok) { pending = null; recMsg(T.uploaded); }
        else recMsg(j.error || T.upload_failed, !j.error); // retry what the network lost, not a refusal
      });
    }, function () { recMsg(T.upload_failed, true); });
  }
  if (MOD) {
    recButton();
    $("rec").onclick = function () {
      if (rec) return rec.stop();
      if (!window.MediaRecorder || !hasRTC) return recMsg(T.rec_unsupported);
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) {
        var type = "audio/webm;codecs=opus", chunks = [];
        var r = rec = new MediaRecorder(s, MediaRecorder.isTypeSupported(type) ? { mimeType: type, audioBitsPerSecond: 32000 } : {});
        recStart = new Date();
        r.ondataavailable = function (e) {
          if (e.data && e.data.size) chunks.push(e.data);
          if (rec !== r) return;
          var sec = Math.round((new Date() - recStart) / 1000); // shows it is going
          recMsg(t("recording", { time: recStart.toLocaleTimeString() }) + " · " + Math.floor(sec / 60) + ":" + ("0" + (sec % 60)).slice(-2));
        };
        r.onstop = function () {
          s.getTracks().forEach(function (tr) { tr.stop(); });
          rec = null;
          recButton();
          upload(new Blob(chunks, { type: r.mimeType || "audio/webm" }));
        };
        r.start(1000); // a chunk a second
        recButton();
        recMsg(t("recording", { time: recStart.toLocaleTimeString() }));
      }, function (e) { recMsg(mediaError(e)); });
    };
  }
  window.addEventListener("beforeunload", function (e) {
    if (rec || pending) { e.preventDefault(); e.returnValue = ""; }
  });

  var chosen = "saver";
  try { chosen = localStorage.getItem("live-mode") || chosen; } catch (e) { /* private mode */ }
  setMode(chosen);
  renderHand();
  status("connecting");
  connect();
})();
