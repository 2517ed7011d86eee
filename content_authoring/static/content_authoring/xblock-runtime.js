/* A small XBlock JavaScript runtime (API version 1), for third-party XBlocks.

   The server wraps a block whose fragment called initialize_js() in
   <section data-init="Fn" data-runtime-class="DaklakRuntime"
   data-runtime-version="1" data-usage-id="12" data-handler-prefix="/blocks/12/handler/">
   with its JSON arguments in a <script type="json/xblock-args"> child. On page
   load, and after htmx swaps, each such block not yet started gets
   window[Fn](runtime, element, args), as in Open edX.

   Handler calls stay behind the session and CSRF: every request a block makes
   to its own handler URLs (through jQuery, XMLHttpRequest or fetch) is sent as
   a POST carrying the page's CSRF token and a fresh X-Submission-Id, so the
   server can count a resent request once. Requests to anything else are left
   alone. */
(function () {
  "use strict";
  if (window.DaklakRuntime) return; // included once per page, but be safe

  var prefixes = []; // handler URL prefixes of the blocks started on this page

  function csrfToken() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (err) { /* fall back to the cookie */ }
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // crypto.randomUUID needs a secure context; a phone on the LAN over plain
  // http has only getRandomValues.
  function submissionId() {
    var b = new Uint8Array(16), hex = [];
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    for (var i = 0; i < 16; i++) hex.push((b[i] + 0x100).toString(16).slice(1));
    hex = hex.join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16),
            hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function isHandlerCall(url) {
    if (!url || !prefixes.length) return false;
    var parsed;
    try { parsed = new URL(String(url), window.location.href); } catch (err) { return false; }
    if (parsed.origin !== window.location.origin) return false;
    for (var i = 0; i < prefixes.length; i++) {
      if (parsed.pathname.indexOf(prefixes[i]) === 0) return true;
    }
    return false;
  }

  // --- requests to handlers: POST + CSRF + submission id ---------------------

  var xhr = window.XMLHttpRequest && window.XMLHttpRequest.prototype;
  if (xhr) {
    var open = xhr.open, send = xhr.send, setHeader = xhr.setRequestHeader;
    xhr.open = function (method, url) {
      var args = Array.prototype.slice.call(arguments);
      this._xblockCall = isHandlerCall(url);
      this._xblockHeaders = {};
      if (this._xblockCall) args[0] = "POST";
      return open.apply(this, args);
    };
    xhr.setRequestHeader = function (name, value) {
      if (this._xblockHeaders) this._xblockHeaders[String(name).toLowerCase()] = true;
      return setHeader.call(this, name, value);
    };
    xhr.send = function () {
      if (this._xblockCall) {
        if (!this._xblockHeaders["x-csrftoken"]) setHeader.call(this, "X-CSRFToken", csrfToken());
        if (!this._xblockHeaders["x-submission-id"]) setHeader.call(this, "X-Submission-Id", submissionId());
      }
      return send.apply(this, arguments);
    };
  }

  if (window.fetch) {
    var realFetch = window.fetch;
    window.fetch = function (input, init) {
      var isRequest = typeof Request !== "undefined" && input instanceof Request;
      var url = isRequest ? input.url : input;
      if (!isHandlerCall(url)) return realFetch.apply(this, arguments);
      init = Object.assign({}, init || {});
      var headers = new Headers(init.headers || (isRequest ? input.headers : undefined));
      if (!headers.has("X-CSRFToken")) headers.set("X-CSRFToken", csrfToken());
      if (!headers.has("X-Submission-Id")) headers.set("X-Submission-Id", submissionId());
      init.headers = headers;
      init.method = "POST";
      if (!init.credentials) init.credentials = "same-origin";
      return realFetch.call(this, input, init);
    };
  }

  // --- the runtime object blocks receive --------------------------------------

  function blockElement(element) {
    var el = element && element.jquery ? element[0] : element;
    return el && el.closest ? el.closest("[data-usage-id]") : null;
  }

  function Runtime() {}
  Runtime.prototype.handlerUrl = function (element, handlerName, suffix, query) {
    var block = blockElement(element);
    var url = block.getAttribute("data-handler-prefix") + encodeURIComponent(handlerName) + "/";
    if (suffix) url += String(suffix).replace(/^\/+/, "");
    if (query) url += "?" + query;
    return url;
  };
  Runtime.prototype.children = function (element) {
    var block = blockElement(element), found = [];
    block.querySelectorAll("[data-usage-id]").forEach(function (child) {
      // Direct children only: the nearest wrapper above the child is block.
      if (child.parentElement.closest("[data-usage-id]") === block && child._xblock) {
        found.push(child._xblock);
      }
    });
    return found;
  };
  Runtime.prototype.childMap = function (element, name) {
    var children = this.children(element);
    for (var i = 0; i < children.length; i++) {
      if (children[i].name === name) return children[i];
    }
    return undefined;
  };
  // Studio events (save, cancel, error): nothing listens on a lesson page.
  Runtime.prototype.notify = function () {};
  Runtime.prototype.listenTo = function () {};

  window.DaklakRuntime = { v1: Runtime };

  // --- starting blocks ---------------------------------------------------------

  function jsonArgs(el) {
    for (var i = 0; i < el.children.length; i++) {
      var child = el.children[i];
      if (child.matches("script.xblock-json-init-args")) {
        try { return JSON.parse(child.textContent); } catch (err) { return {}; }
      }
    }
    return {};
  }

  function initializeBlock(el) {
    if (el._xblock) return el._xblock;
    var prefix = el.getAttribute("data-handler-prefix");
    if (prefix && prefixes.indexOf(prefix) < 0) prefixes.push(prefix);
    // Children first, as Open edX does: a parent's init may look them up.
    el.querySelectorAll("[data-init]").forEach(function (child) {
      if (child.parentElement.closest("[data-init]") === el) initializeBlock(child);
    });
    var runtimeClass = window[el.getAttribute("data-runtime-class")] || window.DaklakRuntime;
    var Version = runtimeClass["v" + (el.getAttribute("data-runtime-version") || "1")];
    var init = window[el.getAttribute("data-init")];
    var block = {};
    el._xblock = block; // marked first: a failing block is not retried in a loop
    if (typeof init !== "function" || !Version) {
      el.setAttribute("data-init-failed", "missing");
      return block;
    }
    try {
      block = init(new Version(), el, jsonArgs(el)) || {};
    } catch (err) {
      el.setAttribute("data-init-failed", "error");
      if (window.console) window.console.error(err);
    }
    block.element = el;
    block.name = el.getAttribute("data-name") || undefined;
    el._xblock = block;
    el.setAttribute("data-initialized", "true");
    return block;
  }

  function initializeBlocks(root) {
    var scope = root && root.jquery ? root[0] : (root || document);
    var all = Array.prototype.slice.call(scope.querySelectorAll("[data-init]"));
    if (scope.matches && scope.matches("[data-init]")) all.unshift(scope);
    all.forEach(function (el) {
      // Top-level blocks of this scope; initializeBlock starts their children.
      var parent = el.parentElement && el.parentElement.closest("[data-init]");
      if (!parent || all.indexOf(parent) < 0) initializeBlock(el);
    });
  }

  if (!window.XBlock) {
    window.XBlock = { initializeBlock: initializeBlock, initializeBlocks: initializeBlocks };
  }

  // Classic scripts at the end of <body> run before the blocks' own inline
  // code has defined their init functions: start blocks once the page is parsed.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initializeBlocks(document); });
  } else {
    initializeBlocks(document);
  }
  document.addEventListener("htmx:load", function (e) { initializeBlocks(e.target); });
})();
