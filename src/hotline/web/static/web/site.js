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
