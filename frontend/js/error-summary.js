// A refused form's error summary (templates/errorSummary.html) takes the focus when the page loads, so keyboard and
// screen reader users start at the list of problems. Its links focus their field rather than only scrolling to it,
// opening a collapsed section around it (the server renders those open; a person may have closed one since).
(function () {
  'use strict';
  const summary = document.getElementById('error-summary');
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener('click', function (event) {
    const link = event.target.closest('a[href^="#"]');
    const target = link && document.getElementById(link.getAttribute('href').slice(1));
    if (!target) {
      return;
    }
    event.preventDefault();
    // a field's id may name a group of controls (the two images of an interpolation): its first control then
    const control = target.matches('input, select, textarea') ? target
      : target.querySelector('input, select, textarea') || target;
    const section = control.closest('details');
    if (section) {
      section.open = true;
    }
    const label = control.labels && control.labels.length ? control.labels[0] : control;
    label.scrollIntoView({ block: 'center' });
    control.focus({ preventScroll: true });
  });
})();
