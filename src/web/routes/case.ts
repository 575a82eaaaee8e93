import type { Hono } from 'hono';
import { parseCaseRef } from '../../bot/case-ref.ts';
import type { Translator } from '../../bot/i18n.ts';
import type { CaseStore } from '../../staff/case-store.ts';
import { readableReport } from '../../staff/case-document.ts';
import type { CaseDesk } from '../../staff/desk.ts';
import { servingRule } from '../../staff/evidence.ts';
import type { DeskRefusal, StaffActor } from '../../staff/ports.ts';
import { REFERRAL_PURPOSES, referralPdf, type ReferralPurpose } from '../../staff/referral.ts';
import type { SignedIn, WebContext, WebEnv } from '../context.ts';
import type { Say } from '../say.ts';
import { casePage, caseState, erasePage, linkPage, messageList } from '../views/case.ts';
import { signInPath } from './inbox.ts';
import { messagePage } from '../views/enrol.ts';

export interface CaseDeps {
  readonly cases: Pick<CaseStore, 'audit'>;
  readonly desk: Pick<
    CaseDesk,
    | 'show'
    | 'evidence'
    | 'evidenceFile'
    | 'claim'
    | 'handBack'
    | 'reply'
    | 'note'
    | 'close'
    | 'referral'
    | 'eraseNow'
  >;
  readonly i18n: Translator;
  readonly clock: () => Date;
}

/** What a form may do to a case, and its sentence when done (`web:case.done.*`). */
const ACTIONS = ['claim', 'handback', 'reply', 'note', 'close'] as const;
type Action = (typeof ACTIONS)[number];

/** Refusals a redirect may name (anything else is worded as a server error). */
const REFUSALS: ReadonlySet<string> = new Set<DeskRefusal>([
  'already-claimed',
  'closed',
  'not-claimed',
  'not-assignee',
  'empty',
  'not-staff',
  'no-key',
  'wrong-key',
]);

/** The longest reply, note or outcome taken (the forms say so too). */
const TEXT_LIMIT = 4000;

/**
 * The case page and its actions. Every action goes through the staff desk – the same rules as the
 * CLI and the chat rooms – as the signed-in account (`web:` and its name); after a form the browser is sent
 * back to the case page (post/redirect/get), which says what was done or why nothing was.
 */
export function caseRoutes(app: Hono<WebEnv>, deps: CaseDeps): void {
  const time = (iso: string): string => deps.i18n.time.format(iso);

  app.get('/cases/:ref', async (c) => {
    const who = c.get('signedIn');
    if (who === undefined) return c.redirect(signInPath(c), 303);
    const say = c.get('say');
    const ref = caseRefOf(c);
    if (ref === undefined) return unknownCase(c);
    const actor = actorOf(who);
    const shown = await deps.desk.show(actor, ref);
    if (!shown.ok) return refusedPage(c, shown.reason);
    const evidence = await deps.desk.evidence(actor, ref);
    const done = c.req.query('done');
    const refused = c.req.query('refused');
    return c.html(
      casePage({
        say,
        viewer: { display: who.display, csrf: who.csrf },
        details: shown.value,
        report: readableReport(shown.value, say.lang, deps.i18n),
        files: evidence.ok ? evidence.value.files : [],
        links: evidence.ok ? evidence.value.links : [],
        audit: await deps.cases.audit(ref),
        time,
        ...(done !== undefined && (ACTIONS as readonly string[]).includes(done)
          ? { notice: say(`case.done.${done}`) }
          : {}),
        ...(refused !== undefined && REFUSALS.has(refused)
          ? { error: refusal(say, refused as DeskRefusal) }
          : {}),
      }),
    );
  });

  // The parts the page refreshes when the person writes (case.js): status and conversation.
  app.get('/cases/:ref/live', async (c) => {
    const who = c.get('signedIn');
    if (who === undefined) return c.body(null, 401);
    const ref = caseRefOf(c);
    if (ref === undefined) return c.body(null, 404);
    const shown = await deps.desk.show(actorOf(who), ref);
    if (!shown.ok) return c.body(null, shown.reason === 'unknown-case' ? 404 : 403);
    const say = c.get('say');
    const view = { say, details: shown.value, time };
    return c.html(
      `<div><div id="case-state">${await caseState(view)}</div><div id="messages">${await messageList(view)}</div></div>`,
    );
  });

  app.get('/cases/:ref/files/:name', async (c) => {
    const who = c.get('signedIn');
    if (who === undefined) return c.body(null, 401);
    const ref = caseRefOf(c);
    if (ref === undefined) return unknownCase(c);
    const opened = await deps.desk.evidenceFile(actorOf(who), ref, c.req.param('name'));
    if (!opened.ok) return refusedPage(c, opened.reason);
    const file = opened.value;
    const say = c.get('say');
    if (!file.ok)
      return c.html(
        messagePage({
          say,
          title: say('error.title'),
          message: say(`case.evidence.${file.reason}`),
        }),
        file.reason === 'unknown-file' ? 404 : 410,
      );
    const rule = servingRule(file.item.mediaType, file.item.name);
    return c.body(new Uint8Array(file.bytes), 200, { ...rule.headers });
  });

  app.get('/cases/:ref/links/:index', async (c) => {
    const who = c.get('signedIn');
    if (who === undefined) return c.redirect(signInPath(c), 303);
    const ref = caseRefOf(c);
    if (ref === undefined) return unknownCase(c);
    const evidence = await deps.desk.evidence(actorOf(who), ref);
    if (!evidence.ok) return refusedPage(c, evidence.reason);
    const index = /^\d{1,3}$/.test(c.req.param('index')) ? Number(c.req.param('index')) : -1;
    const link = evidence.value.links[index];
    const say = c.get('say');
    if (link?.kind !== 'web')
      return c.html(
        messagePage({ say, title: say('error.title'), message: say('error.notFound') }),
        404,
      );
    return c.html(
      linkPage({ say, viewer: { display: who.display, csrf: who.csrf }, caseRef: ref, link }),
    );
  });

  for (const action of ACTIONS)
    app.post(`/cases/:ref/${action}`, async (c) => {
      const who = c.get('signedIn');
      if (who === undefined) return c.redirect(signInPath(c), 303);
      const ref = caseRefOf(c);
      if (ref === undefined) return unknownCase(c);
      const body = await c.req.parseBody();
      const field = (name: string): string => {
        const value = body[name];
        return typeof value === 'string' ? value.slice(0, TEXT_LIMIT) : '';
      };
      const actor = actorOf(who);
      const result = await act(action, actor, ref, field);
      if (!result.ok && result.reason === 'unknown-case') return unknownCase(c);
      const base = `/cases/${encodeURIComponent(ref)}`;
      return c.redirect(
        result.ok ? `${base}?done=${action}` : `${base}?refused=${result.reason}`,
        303,
      );
    });

  function act(action: Action, actor: StaffActor, ref: string, field: (name: string) => string) {
    switch (action) {
      case 'claim':
        return deps.desk.claim(actor, ref);
      case 'handback':
        return deps.desk.handBack(actor, ref);
      case 'reply':
        return deps.desk.reply(actor, ref, field('text'));
      case 'note':
        return deps.desk.note(actor, ref, field('text'));
      case 'close':
        return deps.desk.close(actor, ref, field('outcome'));
    }
  }

  app.post('/cases/:ref/referral', async (c) => {
    const who = c.get('signedIn');
    if (who === undefined) return c.redirect(signInPath(c), 303);
    const ref = caseRefOf(c);
    if (ref === undefined) return unknownCase(c);
    const body = await c.req.parseBody();
    const purpose = REFERRAL_PURPOSES.find((p) => p === body['purpose']);
    const say = c.get('say');
    if (purpose === undefined)
      return c.html(
        messagePage({ say, title: say('error.title'), message: say('case.referral.choose') }),
        400,
      );
    const report = await deps.desk.referral(actorOf(who), ref, purpose);
    if (!report.ok) return refusedPage(c, report.reason);
    const pdf = await referralPdf({
      caseRef: ref,
      report: report.value,
      purpose,
      lang: say.lang,
      contactPoint: say('case.referral.contactPoint'),
      at: deps.clock().toISOString(),
      i18n: deps.i18n,
    });
    return c.body(new Uint8Array(pdf), 200, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${referralName(ref, purpose)}"`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "sandbox; default-src 'none'",
    });
  });

  // Erasing is confirmed twice: this page, then the case number typed again.
  app.get('/cases/:ref/erase', async (c) => {
    const who = c.get('signedIn');
    if (who === undefined) return c.redirect(signInPath(c), 303);
    const ref = caseRefOf(c);
    if (ref === undefined) return unknownCase(c);
    const shown = await deps.desk.show(actorOf(who), ref);
    if (!shown.ok) return refusedPage(c, shown.reason);
    return c.html(
      erasePage({
        say: c.get('say'),
        viewer: { display: who.display, csrf: who.csrf },
        caseRef: ref,
      }),
    );
  });

  app.post('/cases/:ref/erase', async (c) => {
    const who = c.get('signedIn');
    if (who === undefined) return c.redirect(signInPath(c), 303);
    const ref = caseRefOf(c);
    if (ref === undefined) return unknownCase(c);
    const body = await c.req.parseBody();
    const typed = typeof body['confirm'] === 'string' ? parseCaseRef(body['confirm']) : undefined;
    const say = c.get('say');
    if (typed !== ref)
      return c.html(
        erasePage({
          say,
          viewer: { display: who.display, csrf: who.csrf },
          caseRef: ref,
          error: say('case.erase.mismatch'),
        }),
        400,
      );
    const erased = await deps.desk.eraseNow(actorOf(who), ref);
    if (!erased.ok) return refusedPage(c, erased.reason);
    return c.html(
      messagePage({
        say,
        title: say('case.erase.doneTitle'),
        message: say('case.erase.done', { ref }),
      }),
    );
  });
}

/** The desk's actor for a web account: the audit trail names `web:` and the account name. */
function actorOf(who: SignedIn): StaffActor {
  return { id: `web:${who.account}`, name: who.display };
}

/** The case number from the path; a malformed one finds no case and never reaches a Redis key. */
function caseRefOf(c: WebContext): string | undefined {
  return parseCaseRef(c.req.param('ref')?.slice(0, 64) ?? '');
}

function referralName(ref: string, purpose: ReferralPurpose): string {
  return `${ref.replace(/[^A-Za-z0-9-]/g, '')}-${purpose}.pdf`;
}

function refusal(say: Say, reason: DeskRefusal): string {
  return say.other(`web:case.refused.${reason}`, say('error.server'));
}

function unknownCase(c: WebContext): Response | Promise<Response> {
  const say = c.get('say');
  return c.html(
    messagePage({ say, title: say('error.title'), message: say('error.unknownCase') }),
    404,
  );
}

function refusedPage(c: WebContext, reason: DeskRefusal): Response | Promise<Response> {
  if (reason === 'unknown-case') return unknownCase(c);
  const say = c.get('say');
  return c.html(
    messagePage({ say, title: say('error.title'), message: refusal(say, reason) }),
    403,
  );
}
