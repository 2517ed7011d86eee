/* Blocks answered through htmx: show a refusal (400/403/404) inside the block's
   form instead of dropping it, and say so when the phone is offline. The form
   keeps its submission id, so pressing the button again counts once. */
(function () {
  "use strict";
  function box(elt) {
    var form = elt && elt.closest && elt.closest("[data-block-form]");
    return form && form.querySelector("[data-block-error]");
  }
  document.addEventListener("htmx:beforeSwap", function (e) {
    // htmx sets detail.elt to the swap target; the form that asked is requestConfig.elt.
    var asker = (e.detail.requestConfig && e.detail.requestConfig.elt) || e.detail.elt;
    var status = e.detail.xhr.status, target = box(asker);
    if (!target) return;
    if (status >= 400 && status < 500) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
      e.detail.target = target;
      e.detail.swapOverride = "innerHTML";
    } else if (status >= 500) {
      target.textContent = target.dataset.failed || "";
    }
  });
  document.addEventListener("htmx:sendError", function (e) {
    var target = box(e.detail.elt);
    if (target) target.textContent = target.dataset.offline || "";
  });
})();
