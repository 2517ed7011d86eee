/* Ordering blocks: move items with the arrow buttons (keyboard, screen
   readers) or drag them by the handle (mouse or finger, pointer events). The
   form posts items in page order with position numbers kept in step, which
   is also what a phone without JavaScript fills in by hand. */
(function () {
  "use strict";
  function setup(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("[data-ordering]").forEach(function (box) {
      if (box.dataset.ready) return;
      box.dataset.ready = "1";
      box.classList.add("js-ordering");
      box.querySelectorAll("[data-order-moves],.grip,[data-order-help]").forEach(function (e) { e.hidden = false; });
      box.querySelectorAll("[data-order-help-nojs]").forEach(function (e) { e.hidden = true; });
    });
  }
  function renumber(list) {
    list.querySelectorAll("[data-order-item]").forEach(function (li, i) {
      var input = li.querySelector("input[name=position]");
      if (input) input.value = i + 1;
    });
  }
  function announce(li) {
    var box = li.closest("[data-ordering]"), list = li.parentNode;
    var items = Array.prototype.slice.call(list.children);
    var status = box.querySelector("[data-order-status]");
    if (!status) return;
    status.textContent = (box.dataset.moved || "")
      .replace("%(item)s", li.querySelector(".order-text").textContent)
      .replace("%(position)s", items.indexOf(li) + 1)
      .replace("%(count)s", items.length);
  }
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-ordering] [data-move]");
    if (!button) return;
    var li = button.closest("[data-order-item]"), list = li.parentNode;
    var up = button.dataset.move === "up";
    var other = up ? li.previousElementSibling : li.nextElementSibling;
    if (!other) return;
    list.insertBefore(li, up ? other : other.nextElementSibling);
    renumber(list);
    button.focus();
    announce(li);
  });
  var dragged = null;
  document.addEventListener("pointerdown", function (e) {
    var grip = e.target.closest && e.target.closest("[data-ordering] .grip");
    if (!grip) return;
    dragged = grip.closest("[data-order-item]");
    dragged.classList.add("dragging");
    grip.setPointerCapture(e.pointerId);
    e.preventDefault();
  });
  document.addEventListener("pointermove", function (e) {
    if (!dragged) return;
    var list = dragged.parentNode;
    var over = document.elementFromPoint(e.clientX, e.clientY);
    var target = over && over.closest && over.closest("[data-order-item]");
    if (!target || target === dragged || target.parentNode !== list) return;
    var box = target.getBoundingClientRect();
    list.insertBefore(dragged, e.clientY > box.top + box.height / 2 ? target.nextElementSibling : target);
  });
  function drop() {
    if (!dragged) return;
    var li = dragged;
    dragged = null;
    li.classList.remove("dragging");
    renumber(li.parentNode);
    announce(li);
  }
  document.addEventListener("pointerup", drop);
  document.addEventListener("pointercancel", drop);
  document.addEventListener("htmx:load", function (e) { setup(e.detail.elt); });
  setup(document);
})();
