// Mask editor for inpainting: paint the region to repaint over the image (brush with an outline of its size,
// eraser, undo/redo, clear, invert, overlay strength; Ctrl+Z, Ctrl+Shift+Z, [ and ]). The mask is kept at the
// image's own resolution, white = repaint, and is sent as a PNG file with the form. A mask that repaints nothing,
// or an uploaded one of another size than the image, is refused here before anything is sent, with the server's
// own words (the server checks the same: RequestRules). Without JavaScript the form still works with an uploaded
// mask file.
(function () {
  const form = document.getElementById('inpaint-form');
  if (!form) return;
  const editor = document.getElementById('editor');
  const view = document.getElementById('editor-canvas');
  const ctx = view.getContext('2d');
  const brush = document.getElementById('brush-size');
  const overlay = document.getElementById('overlay');
  const eraserButton = document.getElementById('tool-eraser');
  const errorBox = document.getElementById('inpaint-error');
  const brushValue = document.getElementById('brush-value');
  const cursor = document.getElementById('brush-cursor');
  const maskFile = document.getElementById('mask');
  // The server's messages (RequestRules), word for word.
  const NOTHING_PAINTED = 'Paint the region to repaint, or upload a mask (white = repaint).';
  const KEEPS_EVERYTHING = 'The mask marks nothing to repaint: paint the region to repaint in white.';
  let uploadedMask = null;    // { width, height, repaints } of a chosen mask file, once read
  let source = null;          // HTMLImageElement being repainted
  let mask = null;            // canvas at the image's resolution: white = repaint, black = keep
  let maskCtx = null;
  let erasing = false;
  let painting = false;
  let painted = false;
  let last = null;
  const undo = [];
  const redo = [];

  function start(image) {
    source = image;
    mask = document.createElement('canvas');
    mask.width = image.naturalWidth;
    mask.height = image.naturalHeight;
    maskCtx = mask.getContext('2d');
    maskCtx.fillStyle = '#000';
    maskCtx.fillRect(0, 0, mask.width, mask.height);
    undo.length = 0;
    redo.length = 0;
    painted = false;
    editor.hidden = false;
    draw();
  }

  function draw() {
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, view.width, view.height);
    ctx.drawImage(source, 0, 0, view.width, view.height);
    // Show the painted region as a translucent red layer.
    const tint = document.createElement('canvas');
    tint.width = mask.width;
    tint.height = mask.height;
    const t = tint.getContext('2d');
    const data = maskCtx.getImageData(0, 0, mask.width, mask.height);
    const out = t.createImageData(mask.width, mask.height);
    for (let i = 0; i < data.data.length; i += 4) {
      if (data.data[i] > 127) {
        out.data[i] = 230; out.data[i + 1] = 40; out.data[i + 2] = 60; out.data[i + 3] = 255;
      }
    }
    t.putImageData(out, 0, 0);
    ctx.globalAlpha = overlay.value / 100;
    ctx.drawImage(tint, 0, 0, view.width, view.height);
    ctx.globalAlpha = 1;
  }

  function snapshot() {
    undo.push(maskCtx.getImageData(0, 0, mask.width, mask.height));
    if (undo.length > 50) undo.shift();
    redo.length = 0;
  }

  function toMask(event) {
    const r = view.getBoundingClientRect();
    return { x: (event.clientX - r.left) * mask.width / r.width, y: (event.clientY - r.top) * mask.height / r.height };
  }

  function stroke(from, to) {
    const r = view.getBoundingClientRect();
    maskCtx.strokeStyle = erasing ? '#000' : '#fff';
    maskCtx.lineCap = 'round';
    maskCtx.lineWidth = Math.max(1, brush.value * mask.width / r.width);
    maskCtx.beginPath();
    maskCtx.moveTo(from.x, from.y);
    maskCtx.lineTo(to.x + 0.01, to.y);
    maskCtx.stroke();
    painted = true;
    draw();
  }

  // The brush's outline follows a mouse or pen, at the size a stroke will have (the brush is in screen pixels).
  function moveCursor(e) {
    if (e.pointerType === 'touch') { cursor.hidden = true; return; }
    const r = view.getBoundingClientRect();
    cursor.hidden = false;
    cursor.style.left = (e.clientX - r.left) + 'px';
    cursor.style.top = (e.clientY - r.top) + 'px';
    cursor.style.width = cursor.style.height = brush.value + 'px';
  }
  function brushChanged() {
    brushValue.textContent = brush.value + ' px';
    cursor.style.width = cursor.style.height = brush.value + 'px';
  }
  view.classList.add('painting-cursor');
  view.addEventListener('pointermove', moveCursor);
  view.addEventListener('pointerenter', moveCursor);
  view.addEventListener('pointerleave', function () { cursor.hidden = true; });
  brush.addEventListener('input', brushChanged);

  // Shortcuts while the editor is open, except in text fields, where Ctrl+Z undoes typing and [ ] are text.
  document.addEventListener('keydown', function (e) {
    if (!mask || editor.hidden) return;
    const t = e.target;
    if (t.isContentEditable || t.tagName === 'TEXTAREA'
        || (t.tagName === 'INPUT' && !['range', 'checkbox', 'radio', 'button', 'submit', 'file'].includes(t.type))) return;
    const key = e.key.toLowerCase();
    if ((e.ctrlKey || e.metaKey) && key === 'z') {
      if (e.shiftKey) redoStep(); else undoStep();
      e.preventDefault();
    } else if ((e.ctrlKey || e.metaKey) && key === 'y') {
      redoStep();
      e.preventDefault();
    } else if (!e.ctrlKey && !e.metaKey && !e.altKey && (e.key === '[' || e.key === ']')) {
      const step = Math.max(2, Math.round(brush.value * 0.2));
      brush.value = Number(brush.value) + (e.key === ']' ? step : -step); // the range clamps to min and max
      brushChanged();
      e.preventDefault();
    }
  });

  view.addEventListener('pointerdown', function (e) {
    if (!mask) return;
    view.setPointerCapture(e.pointerId);
    snapshot();
    painting = true;
    last = toMask(e);
    stroke(last, last);
  });
  view.addEventListener('pointermove', function (e) {
    if (!painting) return;
    const p = toMask(e);
    stroke(last, p);
    last = p;
  });
  ['pointerup', 'pointercancel'].forEach(function (type) {
    view.addEventListener(type, function () { painting = false; });
  });

  eraserButton.addEventListener('click', function () {
    erasing = !erasing;
    eraserButton.setAttribute('aria-pressed', String(erasing));
  });
  function undoStep() {
    if (!undo.length) return;
    redo.push(maskCtx.getImageData(0, 0, mask.width, mask.height));
    maskCtx.putImageData(undo.pop(), 0, 0);
    draw();
  }
  function redoStep() {
    if (!redo.length) return;
    undo.push(maskCtx.getImageData(0, 0, mask.width, mask.height));
    maskCtx.putImageData(redo.pop(), 0, 0);
    draw();
  }
  document.getElementById('tool-undo').addEventListener('click', undoStep);
  document.getElementById('tool-redo').addEventListener('click', redoStep);
  document.getElementById('tool-clear').addEventListener('click', function () {
    snapshot();
    maskCtx.fillStyle = '#000';
    maskCtx.fillRect(0, 0, mask.width, mask.height);
    painted = false;
    draw();
  });
  document.getElementById('tool-invert').addEventListener('click', function () {
    snapshot();
    const d = maskCtx.getImageData(0, 0, mask.width, mask.height);
    for (let i = 0; i < d.data.length; i += 4) {
      const v = d.data[i] > 127 ? 0 : 255;
      d.data[i] = d.data[i + 1] = d.data[i + 2] = v;
      d.data[i + 3] = 255;
    }
    maskCtx.putImageData(d, 0, 0);
    painted = true;
    draw();
  });
  overlay.addEventListener('input', function () { if (mask) draw(); });

  const galleryImage = document.getElementById('source-image');
  if (galleryImage) {
    if (galleryImage.complete && galleryImage.naturalWidth) start(galleryImage);
    else galleryImage.addEventListener('load', function () { start(galleryImage); });
  }
  const upload = document.getElementById('source');
  if (upload) {
    upload.addEventListener('change', function () {
      if (!upload.files.length) return;
      const img = new Image();
      img.onload = function () { start(img); };
      img.src = URL.createObjectURL(upload.files[0]);
    });
  }

  // Whether a mask marks anything to repaint, by the server's rule (KeepMask.fromPainted): luma of 128 or more.
  function repaintsSomething(pixels) {
    for (let i = 0; i < pixels.length; i += 4) {
      if ((299 * pixels[i] + 587 * pixels[i + 1] + 114 * pixels[i + 2]) / 1000 >= 128) return true;
    }
    return false;
  }

  // A chosen mask file is read at once, so that a wrong one is named before the form goes.
  maskFile.addEventListener('change', function () {
    uploadedMask = null;
    if (!maskFile.files.length) return;
    const img = new Image();
    img.onload = function () {
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const cc = c.getContext('2d');
      cc.drawImage(img, 0, 0);
      uploadedMask = { width: c.width, height: c.height,
        repaints: repaintsSomething(cc.getImageData(0, 0, c.width, c.height).data) };
      const problem = uploadProblem();
      errorBox.textContent = problem || '';
      errorBox.hidden = !problem;
    };
    img.src = URL.createObjectURL(maskFile.files[0]);
  });

  function refuse(event, message) {
    event.preventDefault();
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  // The same message as the server's RequestRules.maskSizeProblem.
  function sizeProblem(m) {
    if (!source || (m.width === source.naturalWidth && m.height === source.naturalHeight)) return null;
    return 'The mask is ' + m.width + ' × ' + m.height + ' px but the image is ' + source.naturalWidth + ' × '
      + source.naturalHeight + ' px: use a mask of the image\'s size (the editor paints one).';
  }

  // The form's token expired (a tab left open): the studio answered with its "submit again" page, a fresh
  // token in it and in a new cookie. The painted mask and every field are still here, so take the fresh token and
  // let the person press the button again instead of losing the painting.
  function keepForAnotherTry(doc) {
    const resend = doc.getElementById('resend-form');
    const fresh = resend && resend.querySelector('input[type=hidden]');
    const mine = fresh && form.querySelector('input[type=hidden][name="' + fresh.name + '"]');
    if (!mine) return false;
    mine.value = fresh.value;
    errorBox.textContent = 'This form expired; your painted mask and input are kept — press Repaint again.';
    errorBox.hidden = false;
    form.querySelector('button[type=submit]').focus();
    return true;
  }

  function uploadProblem() {
    return sizeProblem(uploadedMask) || (uploadedMask.repaints ? null : KEEPS_EVERYTHING);
  }

  form.addEventListener('submit', function (event) {
    errorBox.hidden = true;
    if (maskFile.files && maskFile.files.length) {
      if (!uploadedMask) return;   // still being read: the server checks it
      const problem = uploadProblem();
      if (problem) refuse(event, problem);
      return;                      // plain form post of the uploaded file
    }
    if (!mask) return;             // no image yet: the server says what is missing
    if (!painted) { refuse(event, NOTHING_PAINTED); return; }
    if (!repaintsSomething(maskCtx.getImageData(0, 0, mask.width, mask.height).data)) {
      refuse(event, KEEPS_EVERYTHING);
      return;
    }
    event.preventDefault();
    mask.toBlob(function (blob) {
      const data = new FormData(form);
      data.set('mask', blob, 'mask.png');
      fetch(form.action, { method: 'POST', body: data, credentials: 'same-origin' }).then(function (response) {
        if (response.redirected) {
          window.location.assign(response.url);
          return null;
        }
        return response.text().then(function (text) {
          const doc = new DOMParser().parseFromString(text, 'text/html');
          if (keepForAnotherTry(doc)) return;
          const messages = Array.from(doc.querySelectorAll('.field-error, .error')).map(function (n) { return n.textContent; });
          errorBox.textContent = messages.length ? messages.join(' ') : (doc.body ? doc.body.textContent : text);
          errorBox.hidden = false;
        });
      }).catch(function () {
        errorBox.textContent = 'Could not reach the studio. Check your connection and try again.';
        errorBox.hidden = false;
      });
    }, 'image/png');
  });
})();
