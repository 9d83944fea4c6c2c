// Progressive enhancement for the question page. Every flow works without this file.
// - the current answer autosaves when it changes (the form's one-time token stays for the real submit)
// - "I don't know" and an answer exclude each other: ticking it clears the answer, answering unticks it
// - keyboard shortcuts: 1-9 choose an option (where there are options), n next, p previous (not while typing in a field)
// - a live countdown for timed assessments; at zero the page reloads and the server submits
(function () {
  "use strict";
  var form = document.querySelector("form.answer-form");  // note: form.action is shadowed by the buttons named "action"
  var status = document.getElementById("save-status");

  function announce(text) {
    if (status) { status.textContent = text; }
  }

  // Registered before the autosave below, so that a save sends the answer as it is after the change.
  var dontKnow = form && form.querySelector('input[name="dont_know"]');
  function answered(input) {
    if (input.type === "radio" || input.type === "checkbox") { return input.checked; }
    return input.value !== "";
  }
  function answerChanged(event) {
    var target = event.target;
    if (target === dontKnow && dontKnow.checked) {
      form.querySelectorAll('[name="answer"]').forEach(function (input) {
        if (input.type === "radio" || input.type === "checkbox") { input.checked = false; } else { input.value = ""; }
      });
    } else if (target && target.name === "answer" && dontKnow.checked && answered(target)) {
      dontKnow.checked = false;
    }
  }
  if (dontKnow) {
    form.addEventListener("change", answerChanged);
    form.addEventListener("input", answerChanged);  // typing unticks it at once, not on leaving the field
  }

  if (form) {
    form.addEventListener("change", function (event) {
      var name = event.target && event.target.name;
      if (name !== "answer" && name !== "flagged" && name !== "dont_know") { return; }
      var data = new FormData(form);
      data.set("action", "save");
      data.delete("token");
      fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin", redirect: "manual" })
        .then(function (response) {
          announce(response.type === "opaqueredirect" || response.ok ? "Answer saved." : "Not saved yet: check your answer.");
        })
        .catch(function () { announce("Not saved yet: you seem to be offline. Your answer is kept on this page."); });
    });

    var hint = document.querySelector(".shortcuts");
    if (hint) { hint.hidden = false; }

    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) { return; }
      var target = event.target || {};
      var tag = (target.tagName || "").toLowerCase();
      var typing = tag === "textarea" || tag === "select" ||
        (tag === "input" && !/^(radio|checkbox|button|submit)$/.test(target.type || ""));
      if (typing) { return; }
      var button = null;
      if (/^[1-9]$/.test(event.key)) {
        var options = form.querySelectorAll('input[name="answer"][type="radio"], input[name="answer"][type="checkbox"]');
        var option = options[Number(event.key) - 1];
        if (option && !option.disabled) { option.click(); option.focus(); event.preventDefault(); }
        return;
      }
      if (event.key === "n") {
        button = form.querySelector('button[value="next"], button[value="check"], button[value="overview"]');
      } else if (event.key === "p") {
        button = form.querySelector('button[value="prev"]');
      }
      if (button) { event.preventDefault(); button.click(); }
    });
  }

  var timer = document.querySelector("[data-deadline]");
  if (timer) {
    var end = Date.parse(timer.getAttribute("data-deadline"));
    var out = timer.querySelector(".timer-value");
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      out.textContent = Math.floor(left / 60) + " min " + String(left % 60).padStart(2, "0") + " s";
      if (left <= 0) { window.location.reload(); } else { window.setTimeout(tick, 1000); }
    };
    tick();
  }
})();
