/* Orientation assistant: after htmx swaps in the next step, move the focus to the step's
   title so that screen-reader and keyboard users start reading the new question. The
   assistant works without this file. */
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    var title = event.target.querySelector && event.target.querySelector("[data-step-title]");
    if (!title && event.target.id === "assistant") title = document.querySelector("#assistant [data-step-title]");
    if (title) title.focus();
  });
})();
