// The operator's console (web/console.html): the keyboard (Alt+N a new call, Alt+D the duplicate
// candidates), a new call, the side's panels, the answer box.
(function () {
  var form = document.getElementById("console-form");
  var phone = document.getElementById("id_citizen_phone");
  // What a new call starts from, and the kind that is answered on the spot: on the form's data-*.
  var defaults = {
    channel: form.dataset.defaultChannel, kind: form.dataset.defaultKind, urgency: form.dataset.defaultUrgency
  };
  var consultation = form.dataset.consultation;
  var kind = document.getElementById("id_kind");
  var answer = document.getElementById("console-answer");

  function showAnswer() { answer.hidden = kind.value !== consultation; }

  // The call just taken (#console-done): the number to tell the caller is said where the keyboard
  // waits for the next call, the phone field, as its description: a screen reader reads it there,
  // and not the message itself (a live region already there as the page opens is not read).
  function describePhone(done) {
    var ids = (phone.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== "console-done";
    });
    if (done) ids.push("console-done");
    if (ids.length) phone.setAttribute("aria-describedby", ids.join(" "));
    else phone.removeAttribute("aria-describedby");
  }

  // The side's panels. Emptied (by a new call, here and in answers.js), a panel shows again what
  // the page showed before anything was typed, not a blank box the operator cannot read.
  var panels = ["console-caller", "console-similar", "console-answers", "console-suggest"].map(function (id) {
    return document.getElementById(id);
  });
  panels.forEach(function (panel) {
    var hint = panel.innerHTML;
    new MutationObserver(function () {
      if (!panel.childElementCount && !panel.textContent.trim()) panel.innerHTML = hint;
    }).observe(panel, {childList: true});
  });
  // An IME's text in composition is pinyin, not yet the caller's words: no lookup for it. The
  // side looks at the text again at compositionend (web/console.py, _AS_TYPED).
  document.addEventListener("htmx:confirm", function (event) {
    var trigger = event.detail.triggeringEvent;
    if (trigger && trigger.isComposing) event.preventDefault();
  });

  // The side's lookups are GET requests carrying what was typed, and a server refuses an address
  // over 8,000 characters (core.http.MAX_URL_LENGTH; a Chinese character takes nine once encoded):
  // a long call's whole content was refused, and the panel showed the refusal in place of its
  // answer. The lookups read a call by its start (the similar search its first 200 characters, as
  // a stored ticket's), so they are sent the content's start, within what the address can hold.
  var LOOKUP_CHARS = 500, LOOKUP_ENCODED = 7000;
  document.addEventListener("htmx:configRequest", function (event) {
    var params = event.detail.parameters;
    if (event.detail.verb !== "get" || !event.detail.elt.closest(".console")) return;
    var content = params.content;
    if (typeof content !== "string" || !content) return;
    var others = 0;
    event.detail.formData.forEach(function (value, name) {
      if (name !== "content") others += name.length + 2 + encodeURIComponent(String(value)).length;
    });
    var room = LOOKUP_ENCODED - others, cut = "", used = 0;
    var chars = Array.from(content.slice(0, LOOKUP_CHARS * 2)).slice(0, LOOKUP_CHARS);
    for (var i = 0; i < chars.length; i++) {
      var size = encodeURIComponent(chars[i]).length;
      if (used + size > room) break;
      cut += chars[i]; used += size;
    }
    if (cut !== content) params.content = cut;
  });

  // A new token for a new call (web/console.py: a call sent twice with one token is one ticket):
  // 32 hex digits, from the browser's random numbers (there even without https).
  function newToken() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // A new call: every field empty (or its default), a new token, the side panels back to their
  // hints and the last result gone.
  function newCall() {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit") return;
      el.value = el.tagName === "SELECT" ? (defaults[el.name] || "") : "";
    });
    if (form.elements.token) form.elements.token.value = newToken();
    form.querySelectorAll(".errorlist, .error").forEach(function (el) { el.remove(); });
    ["console-done", "console-error"].forEach(function (id) {
      var el = document.getElementById(id); if (el) el.remove();
    });
    describePhone(false);
    // A lookup of the last call still under way would fill the panels again when it answers.
    if (window.htmx) {
      document.querySelectorAll(".console [hx-get]").forEach(function (el) { htmx.trigger(el, "htmx:abort"); });
    }
    panels.forEach(function (panel) { panel.innerHTML = ""; });
    // The console's own address, whatever the page came back at (?done=, or /console/link/<id>/
    // and the others a call sent back answers a POST at): a reload then opens an empty console,
    // it does not send the last call again.
    history.replaceState(null, "", document.getElementById("new-call").getAttribute("href"));
    showAnswer();
    phone.focus();
  }

  document.getElementById("new-call").addEventListener("click", function (event) {
    event.preventDefault(); newCall();
  });
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.code === "KeyN") {
      event.preventDefault(); newCall();
    } else if (event.code === "KeyD") {
      // To the duplicate candidates: the first one's button, then Tab through the others.
      var first = document.querySelector("#console-similar button");
      if (first) { event.preventDefault(); first.focus(); }
    }
  });
  // Enter in a single-line field moves on to the next field; in the address (the last one) it
  // submits the call, as the browser does.
  form.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key !== "Enter" || el.tagName !== "INPUT" || el.id === "id_address") return;
    event.preventDefault();
    var fields = Array.prototype.filter.call(form.elements, function (f) {
      return f.name && f.type !== "hidden" && f.type !== "submit" && !f.disabled;
    });
    var next = fields[fields.indexOf(el) + 1];
    if (next) next.focus();
  });
  // "采用" on a suggestion sets the form's field to it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-set-field]");
    if (!button) return;
    var field = document.getElementById(button.dataset.setField);
    field.value = button.dataset.value;
    field.dispatchEvent(new Event("change", {bubbles: true}));
  });
  kind.addEventListener("change", showAnswer);
  showAnswer();
  describePhone(document.getElementById("console-done") !== null);
  // Ready for the call: the phone field, or the first field the operator must correct, or why the
  // call was not taken (#console-error, read out there: an alert already there as the page opens is
  // not), from where Tab goes on into the call as typed.
  (form.querySelector("[aria-invalid=true]") || document.getElementById("console-error") || phone).focus();
})();
