// The live refresh of the inbox (live.js) and the case page (case.js): on a server-sent event from
// the staff feed, parts of the page are fetched again and put in place, one fetch at a time, and
// the change is announced in the page's #live-status. A signed-out session goes to the sign-in.
// Loaded before the page's own script; without it, or without JavaScript, the page works as it is.
'use strict';

/**
 * Starts the refresh; false (and nothing done) in a browser without EventSource.
 *   url       where the fresh parts are fetched (this origin, with the session cookie)
 *   ids       the page's elements replaced by the fetched ones of the same id
 *   replaced  optional, called with each fresh element once it is in place
 *   announce  given a case event's notice: the sentence to announce after the refresh ('' for
 *             none), or null when the notice does not concern this page (no refresh)
 *   ready     optional, called when the event stream is open
 */
window.lotseRefresh = function (options) {
  if (!('EventSource' in window)) return false;
  const status = document.getElementById('live-status');
  const signIn = function () {
    window.location.assign('/sign-in?expired=1');
  };

  let fetching = false;
  let again = false;
  async function refresh(announcement) {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    try {
      const response = await fetch(options.url, { credentials: 'same-origin', cache: 'no-store' });
      if (response.status === 401) {
        signIn();
        return;
      }
      if (!response.ok) return;
      const template = document.createElement('template');
      template.innerHTML = await response.text();
      for (const id of options.ids) {
        const fresh = template.content.getElementById(id);
        const old = document.getElementById(id);
        if (fresh && old) {
          old.replaceWith(fresh);
          if (options.replaced) options.replaced(fresh);
        }
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

  const events = new EventSource('/events');
  events.addEventListener('case', function (event) {
    let notice;
    try {
      notice = JSON.parse(event.data);
    } catch {
      return;
    }
    const announcement = options.announce(notice);
    if (announcement !== null) void refresh(announcement);
  });
  if (options.ready) events.addEventListener('ready', options.ready);
  events.addEventListener('signed-out', function () {
    events.close();
    signIn();
  });
  return true;
};
