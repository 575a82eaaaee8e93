// The case page, live: when the staff feed names this case (the person wrote, someone claimed or
// closed it), its status and conversation are fetched again and put in place (refresh.js), and a
// new message is announced. Without JavaScript the page works as it is; a reload shows what is new.
'use strict';

(function () {
  const section = document.getElementById('conversation');
  const status = document.getElementById('live-status');
  if (!section || !window.lotseRefresh) return;
  const caseRef = section.getAttribute('data-case') || '';

  const newMessage = status ? status.getAttribute('data-new-message') || '' : '';
  window.lotseRefresh({
    url: '/cases/' + encodeURIComponent(caseRef) + '/live',
    ids: ['case-state', 'messages'],
    announce: function (notice) {
      if (!notice || notice.caseRef !== caseRef) return null;
      return notice.kind === 'message' ? newMessage : '';
    },
    ready: function () {
      section.setAttribute('data-live', 'on');
    },
  });
})();
