// The report form (web/report.html) shows the fields of its kind alone: a kept kind (日报…季报) is
// asked for by its date, the chosen days (custom) by the first and last days chosen below. The server
// renders them for the kind asked for; here they follow the select as it changes. The other kind's
// group ([data-kind-fields]) is hidden, so neither seen, focused nor read out, and its fields
// disabled, so not sent; the select is described by the chosen days' hint only while they are chosen.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var kind = form.querySelector("select[name=kind]");
  var groups = form.querySelectorAll("[data-kind-fields]");
  var hint = document.getElementById("kind-hint");

  function follow() {
    var custom = kind.value === "custom";
    Array.prototype.forEach.call(groups, function (group) {
      var shown = (group.getAttribute("data-kind-fields") === "custom") === custom;
      group.hidden = !shown;
      Array.prototype.forEach.call(group.querySelectorAll("input, select"), function (field) {
        field.disabled = !shown;
      });
    });
    // A description hidden is still read out from aria-describedby: it goes with its group.
    if (hint && custom) kind.setAttribute("aria-describedby", hint.id);
    else kind.removeAttribute("aria-describedby");
  }

  kind.addEventListener("change", follow);
  // A page brought back from the browser's history keeps the kind chosen before leaving it.
  follow();
})();
