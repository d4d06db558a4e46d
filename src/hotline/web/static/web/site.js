// Shared by the staff pages and the portal. No inline code anywhere (the Content-Security-Policy
// says script-src 'self'): behaviour hangs on data attributes instead of onchange="...".

// A <select data-autosubmit> (the language switch) sends its form as soon as it changes.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (select.matches && select.matches("select[data-autosubmit]")) select.form.submit();
});
