// Conditional questions: shown only when the answer they depend on holds one of their
// values. Without JavaScript every question shows, with its condition written out; the
// server drops the answers whose condition is not met.
(function () {
  function chosen(form, name) {
    return Array.from(form.querySelectorAll('[name="' + name + '"]'))
      .filter(function (input) { return (input.type !== "radio" && input.type !== "checkbox") || input.checked; })
      .map(function (input) { return input.value; });
  }
  function refresh(form) {
    form.querySelectorAll("[data-depends-on]").forEach(function (block) {
      var wanted = block.getAttribute("data-depends-values").split("|");
      var given = chosen(form, block.getAttribute("data-depends-on"));
      var shown = given.some(function (value) { return wanted.indexOf(value) !== -1; });
      block.hidden = !shown;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".questionnaire-form");
    if (!form) { return; }
    form.addEventListener("change", function () { refresh(form); });
    refresh(form);
  });
})();
