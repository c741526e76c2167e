// The exam timer: counts down what the server said when the page loaded. The server enforces
// the deadline; this only shows it. Screen readers hear it every five minutes and in the last
// minute, not every second.
(function () {
  var timer = document.getElementById("timer");
  var announce = document.getElementById("timer-announce");
  if (!timer) { return; }
  var end = Date.now() + parseInt(timer.getAttribute("data-seconds"), 10) * 1000;
  var lastAnnounced = null;
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    timer.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    var slot = left <= 60 ? "last" : Math.floor(minutes / 5);
    if (announce && slot !== lastAnnounced && (left <= 60 || seconds === 0 && minutes % 5 === 0)) {
      announce.textContent = left <= 60 ? "Less than a minute left" : minutes + " minutes left";
      lastAnnounced = slot;
    }
    if (left > 0) { setTimeout(tick, 1000); }
  }
  tick();
})();
