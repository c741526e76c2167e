// The exam timer: counts down what the server said when the page loaded. The server enforces
// the deadline; this only shows it, tells screen readers when 5 minutes and 1 minute are left
// (politely) and when the time is up (at once), and then hands the form in, so the learner
// lands on the results page that says what counted.
(function () {
  "use strict";
  var timer = document.getElementById("timer");
  if (!timer) { return; }
  var polite = document.getElementById("timer-polite");
  var urgent = document.getElementById("timer-alert");
  var end = Date.now() + parseInt(timer.getAttribute("data-seconds"), 10) * 1000;
  var atLoad = Math.ceil((end - Date.now()) / 1000);
  // Each threshold is told once, when the countdown crosses it on this page: a page opened
  // with 3 minutes left does not say "5 minutes left".
  var warnings = [[300, "5 minutes left."], [60, "1 minute left."]];

  function handIn() {
    var form = document.getElementById("answer-form");
    if (!form) { window.location.reload(); return; }
    var action = document.createElement("input");
    action.type = "hidden";
    action.name = "action";
    action.value = "timeout";
    form.appendChild(action);
    form.submit();
  }

  function tick() {
    var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    timer.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    warnings.forEach(function (warning) {
      if (!warning.told && atLoad > warning[0] && left <= warning[0]) {
        warning.told = true;
        if (polite) { polite.textContent = warning[1]; }
      }
    });
    if (left <= 300) { timer.classList.add("running-out"); }
    if (left === 0) {
      if (urgent) { urgent.textContent = "Time is up. Your exam is being handed in with the answers saved."; }
      // A moment for the announcement, and for the server's clock to pass the deadline too.
      setTimeout(handIn, 1500);
      return;
    }
    setTimeout(tick, 250);
  }
  tick();
})();
