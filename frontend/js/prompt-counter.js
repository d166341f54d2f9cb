// A live character count under prompt boxes, against the same limit the server enforces (the box's
// maxlength is that limit too), so nobody types past it unawares.
(function () {
  'use strict';
  document.querySelectorAll('[data-counts]').forEach(function (note) {
    var box = document.getElementById(note.getAttribute('data-counts'));
    if (!box || !box.maxLength || box.maxLength < 0) {
      return;
    }
    var update = function () {
      note.textContent = box.value.length + ' of ' + box.maxLength + ' characters';
    };
    box.addEventListener('input', update);
    update();
  });
})();
