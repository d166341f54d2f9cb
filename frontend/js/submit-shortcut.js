// Ctrl+Enter (Cmd+Enter on a Mac) in a prompt box sends its form, as in other image tools. requestSubmit runs the
// form's own submit handlers (the mask editor puts the painted mask in) exactly as a click on its button would.
(function () {
  'use strict';
  document.querySelectorAll('[name=prompt]').forEach(function (box) {
    if (!box.form) {
      return;
    }
    box.setAttribute('aria-keyshortcuts', 'Control+Enter Meta+Enter');
    box.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.repeat) {
        event.preventDefault();
        box.form.requestSubmit();
      }
    });
  });
})();
