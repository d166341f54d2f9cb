// The large view of results: a thumbnail in a [data-lightbox] list opens its full image in a modal dialog, with
// the previous and next image on the arrow keys and the buttons, and links to the image's page and its PNG.
// Escape closes it and the keyboard goes back to the thumbnail of the image last shown. Without JavaScript the
// thumbnail is a plain link to the image's page.
(function () {
  const links = Array.from(document.querySelectorAll('[data-lightbox] a.lightbox-link'));
  if (!links.length || !window.HTMLDialogElement) return;

  const dialog = document.createElement('dialog');
  dialog.className = 'lightbox';
  dialog.id = 'lightbox';
  dialog.setAttribute('aria-label', 'Large view');
  dialog.innerHTML =
    '<figure><img id="lightbox-image" alt=""><figcaption id="lightbox-caption"></figcaption></figure>' +
    '<p class="lightbox-bar">' +
    '<button type="button" class="secondary" id="lightbox-prev" aria-label="Previous image">‹ Previous</button>' +
    '<span id="lightbox-position" aria-live="polite"></span>' +
    '<button type="button" class="secondary" id="lightbox-next" aria-label="Next image">Next ›</button>' +
    '<a class="button secondary" id="lightbox-open">Open</a>' +
    '<a class="button secondary" id="lightbox-download" download>Download</a>' +
    '<button type="button" id="lightbox-close">Close</button>' +
    '</p>';
  document.body.appendChild(dialog);
  const image = dialog.querySelector('#lightbox-image');
  const caption = dialog.querySelector('#lightbox-caption');
  const position = dialog.querySelector('#lightbox-position');
  const prev = dialog.querySelector('#lightbox-prev');
  const next = dialog.querySelector('#lightbox-next');
  const open = dialog.querySelector('#lightbox-open');
  const download = dialog.querySelector('#lightbox-download');
  let current = 0;

  function show(index) {
    current = Math.max(0, Math.min(links.length - 1, index));
    const link = links[current];
    image.src = link.dataset.full;
    image.alt = link.querySelector('img').alt;
    caption.textContent = link.dataset.caption || '';
    position.textContent = (current + 1) + ' of ' + links.length;
    open.href = link.getAttribute('href');
    download.href = link.dataset.full;
    prev.disabled = current === 0;
    next.disabled = current === links.length - 1;
  }

  links.forEach(function (link, index) {
    link.addEventListener('click', function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return; // a new tab, as asked
      event.preventDefault();
      show(index);
      dialog.showModal();
      dialog.querySelector('#lightbox-close').focus();
    });
  });
  prev.addEventListener('click', function () { show(current - 1); });
  next.addEventListener('click', function () { show(current + 1); });
  dialog.querySelector('#lightbox-close').addEventListener('click', function () { dialog.close(); });
  // A click on the backdrop (the dialog itself, outside its content) closes, as in most galleries.
  dialog.addEventListener('click', function (event) { if (event.target === dialog) dialog.close(); });
  dialog.addEventListener('keydown', function (event) {
    if (event.key === 'ArrowLeft') { show(current - 1); event.preventDefault(); }
    if (event.key === 'ArrowRight') { show(current + 1); event.preventDefault(); }
  });
  // Escape closes a modal dialog by itself; either way the keyboard returns to where the person is in the list.
  dialog.addEventListener('close', function () { links[current].focus(); });
})();
