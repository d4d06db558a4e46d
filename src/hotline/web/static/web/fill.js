// A button with data-set-field puts its data-value in the field of that id (答复模板 on the
// ticket page); loaded once, whatever number of times its fragment is shown.
(function () {
  if (window.hotlineFill) return;
  window.hotlineFill = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-set-field]");
    if (!button || document.getElementById("console-form")) return;  // the console has its own
    var field = document.getElementById(button.dataset.setField);
    if (!field) return;
    field.value = button.dataset.value;
    field.focus();
  });
})();
