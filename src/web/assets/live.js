// The inbox, live: a server-sent event for each new case or message; the table's rows are fetched
// again with the page's filters and put in place (refresh.js). Without JavaScript the page works as
// it is and offers a reload link.
'use strict';

(function () {
  const table = document.getElementById('cases');
  const note = document.getElementById('live-note');
  const status = document.getElementById('live-status');
  if (!table || !window.lotseRefresh) return;

  // The sentences come from the locales, with %REF% where the case number goes.
  const words = {
    new: status ? status.getAttribute('data-new-case') : null,
    message: status ? status.getAttribute('data-new-message') : null,
  };
  const started = window.lotseRefresh({
    url: table.getAttribute('data-rows'),
    ids: ['case-rows'],
    replaced: function (body) {
      const count = document.getElementById('case-count');
      if (count) count.textContent = body.getAttribute('data-count') || '';
    },
    announce: function (notice) {
      const sentence = words[notice.kind];
      return sentence ? sentence.replace('%REF%', String(notice.caseRef)) : '';
    },
  });
  if (started && note) note.textContent = note.getAttribute('data-live-on') || '';
})();
