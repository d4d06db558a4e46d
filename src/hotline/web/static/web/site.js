// Shared by the staff pages and the portal. No inline code anywhere (the Content-Security-Policy
// says script-src 'self'): behaviour hangs on data attributes instead of onchange="...".

// A <select data-autosubmit> (the language switch) sends its form as soon as it changes.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (select.matches && select.matches("select[data-autosubmit]")) select.form.submit();
});

// A <form data-explicit-submit> (a decision with a button for each outcome, as the review of a
// return) is sent only by one of its buttons: Enter in one of its fields would "click" its first
// button, deciding what the person never chose.
document.addEventListener("keydown", function (event) {
  var field = event.target;
  if (event.key !== "Enter" || !field.form || !field.form.hasAttribute("data-explicit-submit")) return;
  if (field.tagName === "TEXTAREA" || field.tagName === "BUTTON" || field.type === "submit") return;
  event.preventDefault();
});

// A desk's card (派单台, 退单审核: <article class="ticket">) is swapped in place for what came of
// the action: the keyboard then goes on to the next card still to work (or, when the card came back
// refused, to its message), instead of falling back to the top of the page with the removed button.
(function () {
  var FOCUSABLE = "button, select, summary, input:not([type=hidden]), textarea, a[href]";
  var pending = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    // The actions: a form posted (a section that loads its own part, as the duplicates do, is not one).
    if (event.target.tagName !== "FORM") return;
    var card = event.target.closest("article.ticket[id]");
    pending = card ? card.id : null;
  });
  // htmx:load, on the new card: the events of the request fire on the card it replaced, which is
  // no longer in the document, and reach no listener here.
  document.addEventListener("htmx:load", function (event) {
    var card = event.target;
    if (!pending || !card.matches || !card.matches("article.ticket") || card.id !== pending) return;
    pending = null;
    if (!card || (document.activeElement && document.activeElement !== document.body)) return;
    var target = null;
    if (card.classList.contains("done")) {
      var next = card.nextElementSibling;
      while (next && !(next.matches("article.ticket") && !next.classList.contains("done"))) next = next.nextElementSibling;
      target = next && next.querySelector(FOCUSABLE);
    } else {
      target = card.querySelector("[role=alert]") || card.querySelector(FOCUSABLE);
    }
    if (!target) return;
    if (!target.matches(FOCUSABLE)) target.setAttribute("tabindex", "-1");
    target.focus();
  });
})();
