// Drag and drop ordering of a lesson's blocks in the authoring page, by the
// block's handle. The ↑ ↓ buttons (plain forms) remain the keyboard and
// no-JavaScript way; this only adds dragging, then saves the whole order in
// one request.
(function () {
  "use strict";
  var list = document.querySelector(".author-blocks[data-reorder-url]");
  if (!list) return;
  var status = document.createElement("p");
  status.className = "muted";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  list.parentNode.insertBefore(status, list.nextSibling);
  var dragged = null;

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function order() {
    return Array.prototype.map.call(
      list.querySelectorAll("li[data-movable][data-block-id]"),
      function (li) { return li.getAttribute("data-block-id"); }
    );
  }

  function renumber() {
    var n = 0;
    list.querySelectorAll("li[data-movable] .head strong").forEach(function (el) {
      n += 1;
      el.textContent = el.textContent.replace(/^\d+\./, n + ".");
    });
  }

  function save(before) {
    var body = new URLSearchParams();
    body.set("order", order().join(","));
    fetch(list.getAttribute("data-reorder-url"), {
      method: "POST",
      headers: { "X-CSRFToken": csrf(), "Accept": "application/json" },
      body: body,
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      renumber();
      status.textContent = list.getAttribute("data-saved");
    }).catch(function () {
      // Put the list back as the server has it.
      before.forEach(function (id) {
        list.appendChild(list.querySelector('li[data-block-id="' + id + '"]'));
      });
      status.textContent = list.getAttribute("data-failed");
    });
  }

  // Pointer events, not HTML5 drag and drop: they work the same with a mouse
  // and with a finger on a tablet.
  var before = null;
  list.addEventListener("pointerdown", function (event) {
    var handle = event.target.closest && event.target.closest(".handle");
    if (!handle) return;
    dragged = handle.closest("li[data-block-id]");
    before = order();
    dragged.classList.add("dragging");
    handle.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  list.addEventListener("pointermove", function (event) {
    if (!dragged) return;
    var under = document.elementFromPoint(event.clientX, event.clientY);
    var over = under && under.closest && under.closest("li[data-movable]");
    if (!over || over === dragged || over.parentNode !== list) return;
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  function drop() {
    if (!dragged) return;
    dragged.classList.remove("dragging");
    dragged = null;
    if (before && before.join(",") !== order().join(",")) save(before);
  }
  list.addEventListener("pointerup", drop);
  list.addEventListener("pointercancel", drop);
})();
