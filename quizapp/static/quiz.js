// Progressive enhancement for the question page. Every flow works without this file.
// - the current answer autosaves when it changes (the form's one-time token stays for the real submit)
// - "I don't know" and an answer exclude each other: ticking it clears the answer, answering unticks it
// - keyboard shortcuts: 1-9 choose an option (where there are options), n next, p previous (not while typing in a field)
// - a live countdown for timed assessments; at zero the page goes to the report (the server submits)
// (scrollers.js, on every page, lets a code block, formula or table that scrolls sideways take keyboard focus)
// - after "Check answer" (the page opens at #feedback) focus moves to the feedback's heading
(function () {
  "use strict";
  var form = document.querySelector("form.answer-form");  // note: form.action is shadowed by the buttons named "action"
  var status = document.getElementById("save-status");

  // The anchor scrolls to the heading; focusing it too makes a screen reader start at the verdict.
  var feedback = window.location.hash === "#feedback" && document.getElementById("feedback");
  if (feedback) { feedback.focus(); }

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

  var edited = false;  // a typed answer changed since the last save (a text field saves when it is left)
  function save() {
    edited = false;
    var data = new FormData(form);
    data.set("action", "save");
    data.delete("token");
    fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.type === "opaqueredirect" || response.ok) { announce("Answer saved."); }
        else if (response.status === 409) { announce("Not saved: this answer can no longer change. Reload the page to see why."); }
        else { announce("Not saved yet: check your answer."); }
      })
      .catch(function () { announce("Not saved yet: you seem to be offline. Your answer is kept on this page."); });
  }

  if (form) {
    form.addEventListener("input", function (event) {
      if (event.target && event.target.name === "answer") { edited = true; }
    });
    form.addEventListener("change", function (event) {
      var name = event.target && event.target.name;
      if (name !== "answer" && name !== "flagged" && name !== "dont_know") { return; }
      save();
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

  // The countdown runs from the time left as the server made the page (a device's clock may be wrong) on the
  // page's own monotonic clock. The visible role=timer is not announced on its own; the polite region says
  // the milestones only, not every second. Just before the limit an answer still being typed is saved; at the
  // limit the page goes to the attempt's resume URL, which submits it and redirects to the report.
  var timer = document.querySelector(".timer[data-left-ms]");
  if (timer) {
    var end = performance.now() + Number(timer.getAttribute("data-left-ms"));
    var out = timer.querySelector(".timer-value");
    var said = document.getElementById("timer-status");
    var milestones = [[600, "10 minutes left."], [300, "5 minutes left."], [60, "1 minute left."]];
    var lastLeft = null;
    var savedLate = false;
    var tick = function () {
      var left = Math.max(0, Math.ceil((end - performance.now()) / 1000));
      out.textContent = Math.floor(left / 60) + " min " + String(left % 60).padStart(2, "0") + " s";
      milestones.forEach(function (m) {
        if (lastLeft !== null && lastLeft > m[0] && left <= m[0]) { said.textContent = m[1]; }
      });
      lastLeft = left;
      timer.classList.toggle("ending", left <= 60);
      if (left <= 5 && !savedLate && edited) { savedLate = true; save(); }
      if (left <= 0) {
        said.textContent = "Time is up: submitting your attempt.";
        window.location.replace(timer.getAttribute("data-expire-url"));
      } else {
        window.setTimeout(tick, ((end - performance.now()) % 1000) + 20);  // just after the next whole second
      }
    };
    tick();
  }
})();
