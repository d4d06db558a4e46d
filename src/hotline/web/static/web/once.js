// A <form data-once> (the portal's appeal and rating, the grid worker's report) is sent once. On a
// slow network a second tap on its button, while the first sending is under way, sends it again,
// and the browser shows the second's answer: for a rating, 已评价过 (409), though the first was
// recorded; for a report, its photo uploaded twice. The forms' tokens keep the server from taking
// one twice; this keeps the phone from sending it twice. A page shown again by the back button
// (from the browser's cache) can be sent again.
(function () {
  // On the window, after the page's own listeners (on the document): a sending that one of them
  // holds back (web/static/web/photo.js while it shrinks the photo) is not one.
  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-once")) return;
    if (form.hasAttribute("data-sent")) {
      event.preventDefault();
      return;
    }
    if (!event.defaultPrevented) form.setAttribute("data-sent", "");
  });

  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sent]"), function (form) {
      form.removeAttribute("data-sent");
    });
  });
})();
