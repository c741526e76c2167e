// The exam player, with JavaScript: a pick is saved as it is made, and ordering steps move in
// place (by their buttons or by dragging). Everything here is an enhancement: without it the
// buttons submit the form and the server does the same work.
(function () {
  "use strict";
  var form = document.getElementById("answer-form");
  if (!form) { return; }
  var status = document.getElementById("save-status");
  // Mock exams only: in practice and placement tests, saving an answer checks it for good.
  var autosave = form.hasAttribute("data-autosave");
  var busy = false;
  var again = false;

  function say(text) {
    if (status) { status.textContent = text; }
  }

  // The page's progress and the navigator's current number, after a save (``done``: this
  // question is answered now) or a clear (it is not).
  function progress(answered, items, done) {
    var bar = document.getElementById("progress");
    var text = document.getElementById("progress-text");
    if (bar) { bar.value = answered; }
    if (text) { text.textContent = answered + " of " + items + " answered"; }
    var had = form.querySelector('input[name="had-answer"]');
    if (had) { had.value = done ? "1" : "0"; }  // so emptying it again clears it on the server
    var here = document.querySelector('.qnav [aria-current="page"]');
    if (here) {
      here.classList.toggle("answered", done);
      var words = here.querySelector(".sr-only");
      if (words) {
        words.textContent = done
          ? words.textContent.replace(", not answered", ", answered")
          : words.textContent.replace(", answered", ", not answered");
      }
    }
  }

  function save() {
    if (!autosave) { return; }
    if (busy) { again = true; return; }  // one save at a time; the latest pick goes next
    busy = true;
    var data = new FormData(form);
    data.set("action", "autosave");
    say("");  // only the outcome is announced: "Saved", or why not
    // getAttribute: form.action would be the buttons named "action".
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (reply) {
      return reply.json().then(function (body) { return { ok: reply.ok, body: body }; });
    }).then(function (reply) {
      if (reply.body.finished) {
        // Time ran out on the server: its results page says what counted.
        window.location.assign(reply.body.finished);
        return;
      }
      if (!reply.ok) { say(reply.body.error || "Not saved: use “Save answer and go on”."); return; }
      if (reply.body.saved) {
        say("Saved");
        progress(reply.body.answered, reply.body.items, true);
      } else if (reply.body.cleared) {
        say("Answer cleared");
        progress(reply.body.answered, reply.body.items, false);
      } else {
        say("");
      }
    }).catch(function () {
      say("Not saved: check your connection, then use “Save answer and go on”.");
    }).then(function () {
      busy = false;
      if (again) { again = false; save(); }
    });
  }

  // Radios, check boxes and lists change on a pick; text fields when the learner leaves them.
  form.addEventListener("change", function (event) {
    if (event.target.closest("[data-ordering]")) { return; }
    save();
  });

  var list = form.querySelector("[data-ordering]");
  if (!list) { return; }
  var told = document.getElementById("order-status");
  var help = document.getElementById("ordering-help");
  var touched = form.querySelector('input[name="touched"]');
  if (help) {
    help.textContent = "Move a step with its “Move up” and “Move down” buttons, or drag it. " +
      "If the order shown is already your answer, tick “This order is my answer”.";
  }

  // A moved step makes the order the learner's answer (the server does the same for a move
  // without JavaScript); an untouched order is not one.
  function chosen() {
    if (touched) { touched.checked = true; }
  }

  function steps() { return Array.prototype.slice.call(list.querySelectorAll("li")); }

  function renumber() {
    var all = steps();
    all.forEach(function (step, n) {
      step.id = "step-" + n;
      step.querySelector('input[type="hidden"]').name = "order-" + n;
      var up = step.querySelector('button[value^="up-"]');
      var down = step.querySelector('button[value^="down-"]');
      up.value = "up-" + n;
      down.value = "down-" + n;
      up.disabled = n === 0;
      down.disabled = n === all.length - 1;
    });
  }

  function announce(step) {
    var place = steps().indexOf(step) + 1;
    var text = step.querySelector(".order-text").textContent;
    if (told) { told.textContent = "“" + text + "” is now step " + place + " of " + steps().length + "."; }
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest('button[name="move"]');
    if (!button) { return; }
    event.preventDefault();  // moved here, not by the server
    var step = button.closest("li");
    var up = button.value.indexOf("up-") === 0;
    var other = up ? step.previousElementSibling : step.nextElementSibling;
    if (!other) { return; }
    if (up) { list.insertBefore(step, other); } else { list.insertBefore(other, step); }
    renumber();
    // Focus stays with the step, on the same button unless that end is reached.
    var same = step.querySelector('button[value^="' + (up ? "up" : "down") + '-"]');
    var opposite = step.querySelector('button[value^="' + (up ? "down" : "up") + '-"]');
    (same.disabled ? opposite : same).focus();
    announce(step);
    chosen();
    save();
  });

  // Dragging with a pointer; the buttons above are the keyboard's (and touch screens') way.
  var dragged = null;
  steps().forEach(function (step) { step.draggable = true; });
  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("li");
    if (!dragged) { return; }
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.querySelector(".order-text").textContent);
    dragged.classList.add("dragging");
  });
  list.addEventListener("dragover", function (event) {
    if (!dragged) { return; }
    event.preventDefault();
    var over = event.target.closest("li");
    if (!over || over === dragged) { return; }
    var box = over.getBoundingClientRect();
    list.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextSibling : over);
  });
  list.addEventListener("drop", function (event) { event.preventDefault(); });
  list.addEventListener("dragend", function () {
    if (!dragged) { return; }
    dragged.classList.remove("dragging");
    renumber();
    announce(dragged);
    dragged = null;
    chosen();
    save();
  });
})();
