// Times are rendered in UTC with their zone (works without JavaScript); here they are rewritten into the
// reader's own zone, seconds and zone name included, so "19:53:00" never shows as "19:53".
(function () {
  'use strict';
  var format = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short'
  });
  document.querySelectorAll('time[datetime]').forEach(function (el) {
    var at = new Date(el.getAttribute('datetime'));
    if (!isNaN(at.getTime())) {
      el.title = el.textContent;
      el.textContent = format.format(at);
    }
  });
})();
