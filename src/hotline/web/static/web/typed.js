// The language switch (web/_language.html) loads the page again in the other language: what had been
// typed on it (a citizen's appeal half written, an operator's notes during a call) would be lost. It
// is kept for that one reload, in this tab's sessionStorage, and put back into the fields the new page
// holds at their defaults; never a password, a file or a hidden field.
(function () {
  var KEY = "hotline-typed";
  var KEPT_TYPES = /^(text|search|tel|email|number|url|date|datetime-local|time|month|week|radio|checkbox)$/;

  function forms() {
    return Array.prototype.filter.call(document.forms, function (form) {
      return !form.classList.contains("language");
    });
  }

  function formKey(form, index) {
    return form.id ? "#" + form.id : String(index);
  }

  function kept(field) {
    if (!field.name || field.disabled || field.name === "csrfmiddlewaretoken") return false;
    if (field.tagName === "TEXTAREA" || field.tagName === "SELECT") return true;
    return field.tagName === "INPUT" && KEPT_TYPES.test(field.type);
  }

  function changed(field) {
    if (field.type === "radio" || field.type === "checkbox") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return field.value !== field.defaultValue;
  }

  function valueOf(field) {
    if (field.type === "radio" || field.type === "checkbox") return field.checked;
    if (field.tagName === "SELECT") {
      return Array.prototype.filter.call(field.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
    }
    return field.value;
  }

  document.addEventListener("submit", function (event) {
    if (!event.target.classList || !event.target.classList.contains("language")) return;
    var fields = [];
    forms().forEach(function (form, index) {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (kept(field) && changed(field)) {
          fields.push({ form: formKey(form, index), name: field.name, option: field.value, value: valueOf(field) });
        }
      });
    });
    try {
      if (fields.length) sessionStorage.setItem(KEY, JSON.stringify({ page: location.pathname, fields: fields }));
    } catch (e) { /* storage refused (private mode, full): the switch goes on without it */ }
  });

  // After every deferred script has set its listeners, and after htmx has taken in the page.
  document.addEventListener("DOMContentLoaded", function () { setTimeout(restore, 0); });

  function restore() {
    var saved;
    try {
      saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
      sessionStorage.removeItem(KEY);
    } catch (e) { saved = null; }
    if (!saved || saved.page !== location.pathname) return;
    var byKey = {};
    forms().forEach(function (form, index) { byKey[formKey(form, index)] = form; });
    saved.fields.forEach(function (item) {
      var form = byKey[item.form];
      if (!form) return;
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name !== item.name || !kept(field) || changed(field)) return;
        if (field.type === "radio" || field.type === "checkbox") {
          if (field.value !== item.option) return;
          field.checked = item.value;
        } else if (field.tagName === "SELECT") {
          Array.prototype.forEach.call(field.options, function (o) { o.selected = item.value.indexOf(o.value) !== -1; });
        } else {
          field.value = item.value;
        }
        // What listens to the field (a counter of characters, the console's search for similar tickets)
        // hears of it as of typing.
        field.dispatchEvent(new Event("input", { bubbles: true }));
        field.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  }
})();
