// The report's Print button: hidden in the page, shown and wired here, so a browser without
// scripts never shows a button that does nothing (printing from its own menu still works).
(function () {
  var button = document.getElementById("print-report");
  if (!button) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
