/* Starts h5p-standalone in the sandboxed player page and talks to the lesson
   page through postMessage only (this frame's origin is opaque):
   - {type: "lms-h5p", kind: "ready"} once the content is shown;
   - {type: "lms-h5p", kind: "height", height} when its height changes;
   - {type: "lms-h5p", kind: "xapi", statement} for a final result: an
     answered/completed statement with a score and no parent activity;
   - {type: "lms-h5p", kind: "error"} if the content could not load. */
(function () {
  "use strict";
  var options = JSON.parse(document.getElementById("h5p-options").textContent);
  var parentOrigin = options.parentOrigin;
  delete options.parentOrigin;
  var FINAL_VERBS = {
    "http://adlnet.gov/expapi/verbs/answered": true,
    "http://adlnet.gov/expapi/verbs/completed": true
  };

  function tell(message) {
    message.type = "lms-h5p";
    if (window.parent !== window) window.parent.postMessage(message, parentOrigin);
  }

  function isFinal(statement) {
    if (!statement || !statement.verb || !FINAL_VERBS[statement.verb.id]) return false;
    var result = statement.result;
    if (!result || !result.score || typeof result.score.max !== "number") return false;
    var activities = statement.context && statement.context.contextActivities;
    return !(activities && activities.parent && activities.parent.length);
  }

  var lastHeight = 0;
  function reportHeight() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height && Math.abs(height - lastHeight) > 2) {
      lastHeight = height;
      tell({ kind: "height", height: height });
    }
  }

  var container = document.getElementById("h5p-container");
  new H5PStandalone.H5P(container, options).then(function () {
    H5P.externalDispatcher.on("xAPI", function (event) {
      var statement = event && event.data && event.data.statement;
      if (isFinal(statement)) {
        tell({ kind: "xapi", statement: JSON.parse(JSON.stringify(statement)) });
      }
    });
    document.body.setAttribute("data-h5p-ready", "true");
    tell({ kind: "ready" });
    reportHeight();
    if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(document.body);
    else setInterval(reportHeight, 1000);
  }, function (error) {
    container.textContent = container.dataset.error;
    document.body.setAttribute("data-h5p-ready", "error");
    tell({ kind: "error", message: String(error && error.message || error) });
  });
})();
