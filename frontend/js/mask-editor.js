// Mask editor for inpainting: paint the region to repaint over the image (brush, eraser, undo/redo, clear, invert,
// overlay strength). The mask is kept at the image's own resolution, white = repaint, and is sent as a PNG file
// with the form. Without JavaScript the form still works with an uploaded mask file.
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
  document.getElementById('tool-undo').addEventListener('click', function () {
    if (!undo.length) return;
    redo.push(maskCtx.getImageData(0, 0, mask.width, mask.height));
    maskCtx.putImageData(undo.pop(), 0, 0);
    draw();
  });
  document.getElementById('tool-redo').addEventListener('click', function () {
    if (!redo.length) return;
    undo.push(maskCtx.getImageData(0, 0, mask.width, mask.height));
    maskCtx.putImageData(redo.pop(), 0, 0);
    draw();
  });
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

  form.addEventListener('submit', function (event) {
    const maskFile = document.getElementById('mask');
    if (!mask || !painted || (maskFile.files && maskFile.files.length)) return;   // plain form post
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
