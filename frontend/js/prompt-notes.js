// Notes on how the model will read the prompt (words it never saw, the part its text encoder cuts off), shown
// while the user types: asked from the server (/prompt-notes), which computes them by the same rule as the job
// page, the API and the CLI, so the page can never disagree with what the job will say.
(function () {
  'use strict';
  var WAIT_MS = 300; // after the last keystroke: one request per pause in typing, not one per key
  document.querySelectorAll('[data-notes-for]').forEach(function (list) {
    var box = document.getElementById(list.getAttribute('data-notes-for'));
    if (!box || !window.fetch) {
      return;
    }
    var kind = list.getAttribute('data-kind') || 'TEXT_TO_IMAGE';
    var timer = null;
    var asked = 0;

    function show(notes) {
      list.replaceChildren();
      notes.forEach(function (note) {
        var item = document.createElement('li');
        item.textContent = note;
        list.appendChild(item);
      });
      list.hidden = notes.length === 0;
    }

    function ask() {
      var prompt = box.value.trim();
      var mine = ++asked;
      if (!prompt) {
        show([]);
        return;
      }
      var pack = box.form && box.form.elements.pack ? box.form.elements.pack.value : '';
      var query = new URLSearchParams({ prompt: prompt, pack: pack, kind: kind });
      fetch('/prompt-notes?' + query, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (body && mine === asked) { // an older answer arriving late must not replace a newer one
            show(body.notes);
          }
        })
        .catch(function () { /* notes are advice: without them the form still works */ });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(ask, WAIT_MS);
    }

    box.addEventListener('input', later);
    if (box.form && box.form.elements.pack) {
      box.form.elements.pack.addEventListener('change', ask);
    }
    ask();
  });
})();
