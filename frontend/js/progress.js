// Live progress on a job page: server-sent events update the bar, the stage line and the preview; when the job
// ends the page reloads to show results and buttons. Without JavaScript the page refreshes itself (noscript).
(function () {
  const card = document.getElementById('job');
  if (!card || card.dataset.active !== 'true' || !window.EventSource) return;
  const id = card.dataset.jobId;
  const status = document.getElementById('job-status');
  const bar = document.getElementById('job-bar');
  const detail = document.getElementById('job-detail');
  const preview = document.getElementById('job-preview');
  const announcer = document.getElementById('job-announce');
  const source = new EventSource('/jobs/' + id + '/events');
  let lastStage = null;
  let announced = null;
  let stageLine = null; // the stage part of the detail line of the last event, while running
  let etaDeadline = null; // when the last event's estimate says the job ends (this page's clock)

  // The time left in the server's words (JobView.eta, JobDetails.spoken), counted down between events: a step of a
  // real model's super-resolution takes most of a minute, and the estimate only ever moves the end closer.
  function etaText() {
    const left = Math.round((etaDeadline - Date.now()) / 1000);
    if (left < 1) return 'finishing';
    return 'about ' + (left < 60 ? left + ' s' : Math.floor(left / 60) + ' min ' + (left % 60) + ' s') + ' left';
  }
  function showRunning() {
    detail.textContent = stageLine + (etaDeadline !== null ? ' · ' + etaText() : '');
  }
  const ticker = window.setInterval(function () {
    if (stageLine !== null && etaDeadline !== null) showRunning();
  }, 1000);

  // A polite live region hears of the status and the stage, not of every step: a screen reader would otherwise
  // read progress out several times a second.
  function announce(job) {
    const text = job.status === 'RUNNING' && job.stageLabel ? job.stageLabel + ', ' + job.percent + '%' : job.statusLabel;
    const key = job.status + '/' + job.stage;
    if (announcer && key !== announced) {
      announced = key;
      announcer.textContent = text;
    }
  }

  source.onmessage = function (event) {
    const job = JSON.parse(event.data);
    status.textContent = job.statusLabel;
    status.className = 'status ' + job.status;
    announce(job);
    bar.value = job.percent;
    bar.textContent = job.percent + '%';
    stageLine = null;
    if (job.status === 'QUEUED') {
      detail.textContent = 'Waiting in the queue: position ' + job.queuePosition + '.'
        + (job.queueNote ? ' ' + job.queueNote : '');
    } else if (job.stage) {
      stageLine = job.stageLabel + ', step ' + job.step + ' of ' + job.stageSteps + ' · ' + job.percent + '%';
      etaDeadline = job.etaSeconds === null ? null : Date.now() + job.etaSeconds * 1000;
      showRunning();
    }
    if (job.status === 'RUNNING' && (job.step !== null || job.stage !== lastStage)) {
      preview.hidden = false;
      preview.src = '/jobs/' + id + '/preview.png?t=' + Date.now();
      lastStage = job.stage;
    }
    if (!job.active) {
      window.clearInterval(ticker);
      source.close();
      window.location.reload();
    }
  };
  preview.addEventListener('error', function () { preview.hidden = true; });
  source.onerror = function () {
    // The browser reconnects by itself; a finished job closes the stream, which ends up here too.
  };
})();
