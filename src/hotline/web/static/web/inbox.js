// The department's inbox (web/inbox.html).
// A reply template fills the reply box; without JavaScript the box is typed by hand.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (!select.matches("select[data-reply-template]") || !select.value) return;
  var box = select.form.querySelector("textarea[name=text]");
  box.value = select.value;
  box.focus();
});
