// The CERFA 12156 budget editor (issue 15.7): running totals while typing, and
// « Ajouter une ligne » in the page. Without this script the form still works: the
// button posts and the server answers with one more line, and the totals are the saved
// ones. The server decides in every case.
(function () {
  "use strict";

  function cents(value) {
    var number = parseFloat(String(value || "").replace(/\s/g, "").replace(",", "."));
    return isFinite(number) ? Math.round(number * 100) : 0;
  }

  var euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });

  function format(amount) {
    // As the server writes it (the « euros » filter): "12 345,50 €".
    return euros.format(amount / 100).replace(/\u00a0/g, " ");
  }

  function setUp(form) {
    var charges = JSON.parse(document.getElementById("comptes-de-charges").textContent);
    var lines = form.querySelector("[data-budget-lines]");
    var template = document.getElementById("ligne-de-budget-vide");
    var total = form.querySelector("input[name$='-TOTAL_FORMS']");
    var prefix = total.name.replace(/-TOTAL_FORMS$/, "");
    var fixed = 0;
    form.querySelectorAll("[data-fixed-product]").forEach(function (row) {
      fixed += cents(row.getAttribute("data-fixed-product"));
    });

    // Only a text that changed is written: rewriting the same text would still announce
    // it (role=status) and can make the browser's scroll anchoring jump the page.
    function show(selector, text) {
      var element = form.querySelector(selector);
      if (element.textContent !== text) element.textContent = text;
    }

    function update() {
      var sums = { charges: 0, products: fixed };
      for (var index = 0; index < Number(total.value); index++) {
        var account = form.elements[prefix + "-" + index + "-account"];
        var amount = form.elements[prefix + "-" + index + "-amount"];
        var deleted = form.elements[prefix + "-" + index + "-DELETE"];
        if (!account || !amount || !account.value || (deleted && deleted.checked)) continue;
        sums[charges.indexOf(account.value) >= 0 ? "charges" : "products"] += cents(amount.value);
      }
      show("[data-total=charges]", format(sums.charges));
      show("[data-total=products]", format(sums.products));
      var gap = sums.charges - sums.products;
      show(
        "[data-balance]",
        gap === 0
          ? "Le budget est équilibré."
          : gap > 0
            ? "Les charges dépassent les produits de " + format(gap) + "."
            : "Les produits dépassent les charges de " + format(-gap) + "."
      );
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);

    form.querySelector("[data-add-line]").addEventListener("click", function (event) {
      event.preventDefault();
      var index = Number(total.value);
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var line = holder.querySelector("fieldset");
      lines.appendChild(line);
      total.value = String(index + 1);
      var first = line.querySelector("select, textarea, input:not([type=hidden])");
      if (first) first.focus();
    });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-budget-editor]").forEach(setUp);
  });
})();
