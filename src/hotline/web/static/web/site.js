// Shared by the staff pages and the portal. No inline code anywhere (the Content-Security-Policy
// says script-src 'self'): behaviour hangs on data attributes instead of onchange="...".

// A <form data-explicit-submit> (a decision with a button for each outcome, as the review of a
// return) is sent only by one of its buttons: Enter in one of its fields would "click" its first
// button, deciding what the person never chose.
document.addEventListener("keydown", function (event) {
  var field = event.target;
  if (event.key !== "Enter" || !field.form || !field.form.hasAttribute("data-explicit-submit")) return;
  if (field.tagName === "TEXTAREA" || field.tagName === "BUTTON" || field.type === "submit") return;
  event.preventDefault();
});

// A page that comes back after an action (a form posted without htmx: the ticket's page, the list of
// extension requests) says what was done in its messages (web/base.html): the keyboard starts there,
// which a screen reader then reads (a live region already there as the page opens is not read), and
// Tab goes on into the page, instead of from the top before the header. Not when the page puts the
// focus somewhere itself (autofocus; the console's script, which runs after this one) or was opened
// at a place in it (#fragment).
(function () {
  var said = document.querySelector("main > .messages");
  if (!said || window.location.hash || document.querySelector("[autofocus]")) return;
  if (document.activeElement && document.activeElement !== document.body) return;
  said.focus();
})();

// A <form data-confirm="id"> does what is not lightly undone (the dispatch queue's 合并至: the appellants
// get the other ticket's answer), so its button asks first, in place: it gives way to the element `id`
// ([data-confirm-box]: the question, the button that does it, [data-confirm-ok], and 取消,
// [data-confirm-cancel]), and the keyboard goes to the button that does it, which the question
// labels. 取消, or Escape in the question, puts the first button back with the keyboard on it. Without
// JavaScript the form itself asks the server, which answers with a page that asks. Not window.confirm:
// a dialog the page cannot word, style or test, that browsers may suppress.
(function () {
  function box(id) {
    var found = id ? document.getElementById(id) : null;
    return found && found.hasAttribute("data-confirm-box") ? found : null;
  }

  function asker(ask) {
    var forms = document.querySelectorAll("form[data-confirm]");
    for (var i = 0; i < forms.length; i++) {
      if (forms[i].getAttribute("data-confirm") === ask.id) return forms[i];
    }
    return null;
  }

  function putBack(ask, focus) {
    var form = asker(ask);
    ask.hidden = true;
    if (!form) return;
    form.hidden = false;
    var button = form.querySelector("button");
    if (focus && button) button.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-confirm")) return;
    var ask = box(form.getAttribute("data-confirm"));
    if (!ask) return;  // nothing to ask with: the server asks
    event.preventDefault();
    // One question open at a time: another one left open goes back to its button.
    var open = document.querySelectorAll("[data-confirm-box]:not([hidden])");
    for (var i = 0; i < open.length; i++) putBack(open[i], false);
    form.hidden = true;
    ask.hidden = false;
    var ok = ask.querySelector("[data-confirm-ok]");
    if (ok) ok.focus();
  });

  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("[data-confirm-cancel]");
    var ask = cancel && cancel.closest("[data-confirm-box]");
    if (ask) putBack(ask, true);
  });

  document.addEventListener("keydown", function (event) {
    if (!event.target.closest) return;
    // Enter held down asked and would answer too: the answer takes a key pressed again.
    if (event.repeat && event.target.matches("[data-confirm-ok]")) {
      event.preventDefault();
      return;
    }
    if (event.key !== "Escape") return;
    var ask = event.target.closest("[data-confirm-box]");
    if (!ask || ask.hidden) return;
    event.preventDefault();
    putBack(ask, true);
  });
})();

// A part of a page that checks for news by itself ([data-poll], hx-trigger "every 30s, visibilitychange
// from:document": the dispatch desk's new tickets) does not while the tab is hidden, nobody reads it
// then; shown again, it checks at once. (A filter in hx-trigger would need eval, which the CSP refuses.)
document.addEventListener("htmx:beforeRequest", function (event) {
  if (document.hidden && event.target.hasAttribute && event.target.hasAttribute("data-poll")) event.preventDefault();
});

// A desk's row is swapped in place for what came of the action on it: the cards of the dispatch
// desk and of the returns (派单台, 退单审核: <article class="ticket">, web/dispatch.py) and the rows of
// the inbox, the callback desk and the supervision board (承办, 回访, 督办: the items of an
// <ol data-desk>, web.actions.done). The keyboard then goes on from there, instead of falling back to
// the top of the page with the removed button (a keyboard user would Tab through the header and every
// row again): a row done goes on to the next row still to work (the last one, to the one before it;
// the last of all, to the page's heading); a row still listed, to its next control after the message
// that says what was done (the one used is gone, or done with); a refusal, to what it says (the card
// sent back, or the message in the row's result slot, the form left as it was typed). A part of a row
// sent back (a result slot, a card's duplicate candidates) without a refusal: to the control after
// what it says was done (a candidate linked: its badge).
(function () {
  var ROW = "article.ticket[id], [data-desk] > [id]";
  var FOCUSABLE = "button, select, summary, input:not([type=hidden]), textarea, a[href]";
  var pending = null;

  function toWork(row) {
    return row.matches(ROW) && !row.classList.contains("done");
  }

  function nextRow(row) {
    var next = row.nextElementSibling;
    while (next && !toWork(next)) next = next.nextElementSibling;
    return next;
  }

  function previousRow(row) {
    var previous = row.previousElementSibling;
    while (previous && !toWork(previous)) previous = previous.previousElementSibling;
    return previous;
  }

  // `element` itself when it matches `selector`, else the first inside it.
  function within(element, selector) {
    return element.matches(selector) ? element : element.querySelector(selector);
  }

  function firstAfter(row, mark) {
    var controls = row.querySelectorAll(FOCUSABLE);
    for (var i = 0; i < controls.length; i++) {
      if (controls[i].closest("[hidden]")) continue;  // a question not asked (data-confirm)
      if (mark.compareDocumentPosition(controls[i]) & Node.DOCUMENT_POSITION_FOLLOWING) return controls[i];
    }
    return null;
  }

  // The row came back whole, the message of what was done new with it: a screen reader reads a live
  // region when what is in it changes, not one that arrives with its words. The page's own
  // (#announcement, web/base.html) says it again, emptied first so that the same words twice are
  // read twice. A part sent back into a row's slot is read there (the slot is a live region).
  function announce(said) {
    var box = document.getElementById("announcement");
    if (!box || !said) return;
    box.textContent = "";
    window.setTimeout(function () { box.textContent = said.textContent.replace(/\s+/g, " ").trim(); }, 100);
  }

  // A row gone from a list paged by offset (web/_inbox_pages.html) moves the rows after it up by one:
  // the next page starts a row earlier, or the row that moved up onto this page would be skipped.
  function shiftNextPage() {
    var link = document.querySelector("nav.pages a[rel=next]");
    if (!link) return;
    var url = new URL(link.href);
    var offset = parseInt(url.searchParams.get("offset"), 10);
    if (!(offset > 0)) return;
    url.searchParams.set("offset", String(offset - 1));
    link.setAttribute("href", url.pathname + url.search);
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    // The actions: a form posted (a section that loads its own part, as the duplicates do, is not one).
    if (event.target.tagName !== "FORM") return;
    var row = event.target.closest(ROW);
    pending = row ? row.id : null;
  });
  // htmx:load, on what came in: the events of the request fire on the row it replaced, which is no
  // longer in the document, and reach no listener here.
  document.addEventListener("htmx:load", function (event) {
    var loaded = event.target;
    if (!pending || !loaded.closest) return;
    var row = loaded.closest(ROW);
    if (!row || row.id !== pending) return;  // another part of the page (a count swapped out of band)
    pending = null;
    var done = loaded === row && row.classList.contains("done");
    if (done && row.closest("[data-desk]")) shiftNextPage();
    if (loaded === row) announce(within(row, "[role=status]"));
    // Focus left on another part of the page is where the person went meanwhile: it stays there.
    var active = document.activeElement;
    if (active && active !== document.body && !row.contains(active)) return;
    var target = null;
    if (loaded !== row) {
      // The part sent back: htmx:load comes for each element swapped in (here the first), all of
      // them in place by now; an inner swap's slot is their parent.
      var parent = loaded.parentElement;
      var slot = parent !== row && row.contains(parent) ? parent : loaded;
      target = within(slot, "[role=alert]");
      var told = target ? null : within(slot, "[role=status]");
      if (told) target = firstAfter(row, told) || told;
    } else if (done) {
      var other = nextRow(row) || previousRow(row);
      // None left: the page's heading, from where the count (or the next page) follows.
      target = other ? other.querySelector(FOCUSABLE) : document.querySelector("main h1");
    } else {
      var said = row.querySelector("[role=status]");
      target = row.querySelector("[role=alert]") || (said ? firstAfter(row, said) : row.querySelector(FOCUSABLE));
      if (!target) {
        var following = nextRow(row);
        target = following && following.querySelector(FOCUSABLE);
      }
      if (!target) {
        // The row kept with no control left (a return waiting for review) and none after it: the
        // row before, else what the row says, not the page's body (Tab would start at the top).
        var before = previousRow(row);
        target = (before && before.querySelector(FOCUSABLE)) || said;
      }
    }
    if (!target) return;
    if (!target.matches(FOCUSABLE)) target.setAttribute("tabindex", "-1");
    target.focus();
  });
})();
