// "Copy parameters" on a job page: puts the job's settings, as the JSON body of its API request, on the clipboard.
// The button stays hidden without JavaScript, since nothing else could copy.
(function () {
  'use strict';
  var button = document.getElementById('copy-params');
  var status = document.getElementById('copy-status');
  if (!button || !status) return;

  // Pages served over plain http to another machine have no navigator.clipboard: copy from a selected text
  // field instead.
  function copyBySelection(text) {
    var field = document.createElement('textarea');
    field.value = text;
    field.setAttribute('readonly', '');
    field.style.position = 'fixed';
    field.style.opacity = '0';
    document.body.appendChild(field);
    field.select();
    var copied = document.execCommand('copy');
    document.body.removeChild(field);
    return copied ? Promise.resolve() : Promise.reject(new Error('copy refused'));
  }

  button.hidden = false;
  button.addEventListener('click', function () {
    var text = button.dataset.copy;
    var copying = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(text).catch(function () { return copyBySelection(text); })
      : copyBySelection(text);
    copying.then(function () {
      status.textContent = 'Copied ' + document.getElementById('copy-what').textContent + '.';
    }, function () {
      status.textContent = 'Could not copy; the parameters are: ' + text;
    });
  });
})();
