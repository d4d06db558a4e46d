// The knowledge base's answers on the operator's console (web/_console_answers.html): "用此答复"
// puts the article's answer in the answer box, makes the call a consultation and names the
// article, so that answering on the spot records which article answered. A new call forgets it.
(function () {
  var form = document.getElementById("console-form");
  var article = document.getElementById("id_article_id");
  var answer = document.getElementById("id_answer");
  var kind = document.getElementById("id_kind");
  var note = document.getElementById("answer-article");
  if (!form || !article || !answer) return;

  function forget() {
    article.value = "";
    note.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-use-article]");
    if (!button) return;
    answer.value = button.dataset.body;
    article.value = button.dataset.useArticle;
    note.hidden = false;
    if (kind.value !== form.dataset.consultation) {
      kind.value = form.dataset.consultation;
      kind.dispatchEvent(new Event("change", {bubbles: true}));
    }
    answer.focus();
  });
  document.getElementById("new-call").addEventListener("click", function () {
    forget();
    document.getElementById("console-answers").innerHTML = "";
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyN") {
      forget();
      document.getElementById("console-answers").innerHTML = "";
    }
  });
})();
