// The inbox, live: a server-sent event for each new case or message; the table's rows are fetched
// again with the page's filters and put in place. Without JavaScript the page works as it is and
// offers a reload link.
'use strict';

(function () {
  const table = document.getElementById('cases');
  const note = document.getElementById('live-note');
  const status = document.getElementById('live-status');
  if (!table || !('EventSource' in window)) return;
  const rowsUrl = table.getAttribute('data-rows');
  if (note) note.textContent = note.getAttribute('data-live-on') || '';

  let fetching = false;
  let again = false;
  async function refresh(announcement) {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    try {
      const response = await fetch(rowsUrl, { credentials: 'same-origin', cache: 'no-store' });
      if (response.status === 401) {
        window.location.assign('/sign-in?expired=1');
        return;
      }
      if (!response.ok) return;
      const template = document.createElement('template');
      template.innerHTML = await response.text();
      const body = template.content.querySelector('tbody');
      const old = document.getElementById('case-rows');
      if (body && old) {
        old.replaceWith(body);
        const count = document.getElementById('case-count');
        if (count) count.textContent = body.getAttribute('data-count') || '';
      }
      if (status && announcement) status.textContent = announcement;
    } finally {
      fetching = false;
      if (again) {
        again = false;
        void refresh('');
      }
    }
  }

  // The sentences come from the locales, with %REF% where the case number goes.
  const words = {
    new: status ? status.getAttribute('data-new-case') : null,
    message: status ? status.getAttribute('data-new-message') : null,
  };
  const events = new EventSource('/events');
  events.addEventListener('case', function (event) {
    let notice;
    try {
      notice = JSON.parse(event.data);
    } catch {
      return;
    }
    const sentence = words[notice.kind];
    void refresh(sentence ? sentence.replace('%REF%', String(notice.caseRef)) : '');
  });
  events.addEventListener('signed-out', function () {
    events.close();
    window.location.assign('/sign-in?expired=1');
  });
})();
