// The case page, live: when the staff feed names this case (the person wrote, someone claimed or
// closed it), its status and conversation are fetched again and put in place, and a new message is
// announced. Without JavaScript the page works as it is; a reload shows what is new.
'use strict';

(function () {
  const section = document.getElementById('conversation');
  const status = document.getElementById('live-status');
  if (!section || !('EventSource' in window)) return;
  const caseRef = section.getAttribute('data-case') || '';
  const liveUrl = '/cases/' + encodeURIComponent(caseRef) + '/live';

  let fetching = false;
  let again = false;
  async function refresh(announcement) {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    try {
      const response = await fetch(liveUrl, { credentials: 'same-origin', cache: 'no-store' });
      if (response.status === 401) {
        window.location.assign('/sign-in?expired=1');
        return;
      }
      if (!response.ok) return;
      const template = document.createElement('template');
      template.innerHTML = await response.text();
      for (const id of ['case-state', 'messages']) {
        const fresh = template.content.getElementById(id);
        const old = document.getElementById(id);
        if (fresh && old) old.replaceWith(fresh);
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

  const newMessage = status ? status.getAttribute('data-new-message') || '' : '';
  const events = new EventSource('/events');
  events.addEventListener('case', function (event) {
    let notice;
    try {
      notice = JSON.parse(event.data);
    } catch {
      return;
    }
    if (!notice || notice.caseRef !== caseRef) return;
    void refresh(notice.kind === 'message' ? newMessage : '');
  });
  events.addEventListener('ready', function () {
    section.setAttribute('data-live', 'on');
  });
  events.addEventListener('signed-out', function () {
    events.close();
    window.location.assign('/sign-in?expired=1');
  });
})();
