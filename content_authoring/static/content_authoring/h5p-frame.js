/* First script of the H5P player page, which runs in a sandboxed frame with an
   opaque origin (sandbox="allow-scripts", no allow-same-origin). There,
   reading window.localStorage, window.sessionStorage or document.cookie throws
   a SecurityError, and H5P core touches them (its xAPI actor id, its copy and
   paste, its offline queue). Give it storage that lives as long as the page
   and an empty cookie jar instead, before any H5P script runs. */
(function () {
  "use strict";
  function memoryStorage() {
    var items = Object.create(null);
    var storage = {
      getItem: function (key) {
        key = String(key);
        return key in items ? items[key] : null;
      },
      setItem: function (key, value) { items[String(key)] = String(value); },
      removeItem: function (key) { delete items[String(key)]; },
      clear: function () { items = Object.create(null); },
      key: function (i) { return Object.keys(items)[i] || null; }
    };
    Object.defineProperty(storage, "length", {
      get: function () { return Object.keys(items).length; }
    });
    return storage;
  }
  ["localStorage", "sessionStorage"].forEach(function (name) {
    try {
      if (window[name]) return;
    } catch (err) { /* opaque origin: replace it below */ }
    try {
      Object.defineProperty(window, name, {
        value: memoryStorage(), configurable: true, enumerable: true
      });
    } catch (err) { /* leave it: H5P catches most of its own storage errors */ }
  });
  try {
    document.cookie; // eslint-disable-line no-unused-expressions
  } catch (err) {
    try {
      Object.defineProperty(document, "cookie", {
        get: function () { return ""; }, set: function () {}, configurable: true
      });
    } catch (err2) { /* nothing else to do */ }
  }
})();
