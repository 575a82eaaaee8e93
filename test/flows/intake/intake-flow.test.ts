import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../../src/flows/intake/report.ts';
import type { Effect } from '../../../src/flows/types.ts';
import { ConversationDriver, fileRef } from '../../support/conversation-driver.ts';

type Submit = Extract<Effect, { kind: 'submit-report' }>;
const submits = (chat: ConversationDriver): Submit[] =>
  chat.effects.filter((e): e is Submit => e.kind === 'submit-report');

/** Start → report → no danger → consent: the first personal question. */
function toRole(chat: ConversationDriver): void {
  chat.command('start');
  chat.choice('report');
  expect(chat.step).toBe('intake.danger');
  chat.choice('no');
  expect(chat.step).toBe('intake.consent');
  chat.choice('agree');
  expect(chat.step).toBe('intake.role');
}

/** Answers from role to the summary along the online branch. */
function onlineReport(
  chat: ConversationDriver,
  opts: { police?: string; strafantrag?: string; when?: string } = {},
): void {
  toRole(chat);
  chat.choice('council');
  chat.choices('insult', 'hateOnline');
  chat.choice('online');
  expect(chat.step).toBe('intake.platform');
  chat.choice('facebook');
  chat.text('https://facebook.com/posts/123');
  expect(chat.step).toBe('intake.when');
  chat.text(opts.when ?? '01.11.2026');
  chat.text('NRW');
  chat.text('Musterstadt');
  chat.text('Unter meinem Beitrag steht, ich sei ein Verbrecher und gehöre weg.');
  chat.files(fileRef(1));
  chat.text('https://facebook.com/profile/abc');
  chat.choice('done');
  expect(chat.step).toBe('intake.perpetrator');
  chat.choice('unknown');
  chat.choice(opts.police ?? 'no');
  if (opts.police === 'yes') {
    chat.choice('skip');
    expect(chat.step).toBe('intake.strafantrag');
    chat.choice(opts.strafantrag ?? 'yes');
  }
  chat.choice('no');
  chat.choices('complaint', 'platform');
  chat.choice('chat');
}

describe('incident intake', () => {
  it('runs the online branch to a validated report with a case reference', () => {
    const chat = new ConversationDriver({ caseRefs: ['7KQ2-9XMD-4HTR-V'] });
    onlineReport(chat);
    expect(chat.step).toBe('intake.deadline');
    expect(chat.said).toContain('1. Februar 2027');
    expect(chat.said).toContain('18. Januar 2027');
    chat.choice('remind');
    expect(chat.step).toBe('intake.summary');
    expect(chat.said).toContain('Nordrhein-Westfalen');
    expect(chat.said).toContain('Beweise: 1 Datei, 1 Link');
    expect(chat.said).toContain('mit Erinnerung');
    expect(chat.optionIds).toEqual(['send', 'edit', 'discard']);

    const reply = chat.choice('send');
    // After sending, the chat is where the person writes to staff about the case.
    expect(chat.step).toBe('case.chat');
    expect(chat.session?.cases).toEqual(['7KQ2-9XMD-4HTR-V']);
    expect(reply[0]?.caseRef).toBe('7KQ2-9XMD-4HTR-V');
    expect(reply[0]?.text).toContain('7KQ2-9XMD-4HTR-V');
    expect(reply[0]?.text).toContain('0800 300 99 44');

    const [submit] = submits(chat);
    expect(submits(chat)).toHaveLength(1);
    expect(submit?.urgent).toBe(false);
    const report = reportSchema.parse(submit?.report);
    expect(report).toMatchObject({
      caseRef: '7KQ2-9XMD-4HTR-V',
      role: 'council',
      kinds: ['insult', 'hateOnline'],
      channel: 'online',
      platform: 'facebook',
      link: 'https://facebook.com/posts/123',
      when: { kind: 'date', date: '2026-11-01' },
      state: 'NW',
      municipality: 'Musterstadt',
      police: 'no',
      contact: 'chat',
      strafantragDeadline: '2027-02-01',
      reminder: true,
      language: 'de',
    });
    expect(report.evidence.files[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.evidence.links).toEqual(['https://facebook.com/profile/abc']);
    // The draft is gone; a second "send" (a double tap) is just a wrong answer now.
    expect(chat.data('intake')).toEqual({});
    chat.choice('send');
    expect(submits(chat)).toHaveLength(1);
    expect(chat.step).toBe('case.chat');
  });

  it('asks no platform for an attack at the home, and marks it urgent', () => {
    const chat = new ConversationDriver();
    toRole(chat);
    chat.choice('mayorHonorary');
    chat.choices('physical');
    chat.choice('home');
    expect(chat.step).toBe('intake.when');
    chat.choice('today');
    chat.choice('BY');
    chat.choice('skip');
    chat.text('Ein Mann hat mich vor meiner Haustür gestoßen.');
    chat.choice('done');
    chat.choice('known');
    chat.choice('yes');
    expect(chat.step).toBe('intake.fileNumber');
    chat.text('AZ 123/26');
    expect(chat.step).toBe('intake.strafantrag');
    chat.choice('yes');
    chat.choice('yes');
    chat.choices('callBack');
    chat.choice('phone');
    chat.text('0170 1234567');
    // A Strafantrag was made with the police report: no deadline question.
    expect(chat.step).toBe('intake.summary');
    const reply = chat.choice('send');
    expect(reply[0]?.text).toContain('dringend');
    const report = reportSchema.parse(submits(chat)[0]?.report);
    expect(report).toMatchObject({
      urgent: true,
      platform: null,
      link: null,
      fileNumber: 'AZ 123/26',
      contactValue: '0170 1234567',
      municipality: null,
      strafantragDeadline: null,
    });
  });

  it('shows emergency numbers first when someone is in danger, then lets the person go on', () => {
    const chat = new ConversationDriver();
    chat.command('start');
    chat.choice('report');
    chat.choice('yes');
    expect(chat.step).toBe('intake.dangerHelp');
    expect(chat.said).toContain('110');
    expect(chat.said).toContain('112');
    chat.choice('continue');
    expect(chat.step).toBe('intake.consent');
    chat.choice('agree');
    chat.choice('noSay');
    chat.choices('threat');
    chat.choice('letter');
    chat.choice('ongoing');
    chat.choice('BW');
    // The state hotline appears with the emergency words once the Land is known.
    chat.text('Notfall');
    expect(chat.said).toContain('0711 5401-3003');
    expect(chat.step).toBe('intake.municipality');
  });

  it('keeps no report without consent but offers the rights information', () => {
    const chat = new ConversationDriver();
    chat.command('start');
    chat.choice('report');
    chat.choice('no');
    chat.choice('decline');
    expect(chat.step).toBe('rights.topics');
    expect(chat.data('intake')).toEqual({});
    expect(submits(chat)).toHaveLength(0);
  });

  it('explains every wrong answer and asks the same question again', () => {
    const chat = new ConversationDriver();
    toRole(chat);
    const expectSame = (step: string, hint: string) => {
      expect(chat.step).toBe(step);
      expect(chat.question.text).toContain(hint);
    };
    chat.choice('president');
    expectSame('intake.role', 'Bitte wählen Sie');
    chat.choice('council');
    chat.text('7, 12');
    expectSame('intake.kinds', 'aus den Möglichkeiten');
    chat.text('1, 3');
    chat.choice('online');
    chat.choice('x');
    chat.text('ein Link? nein');
    expectSame('intake.link', 'https://');
    chat.text('javascript:alert(1)');
    expectSame('intake.link', 'https://');
    chat.choice('skip');
    chat.text('24.12.2026');
    expectSame('intake.when', 'Zukunft');
    chat.text('31.02.2026');
    expectSame('intake.when', 'Datum kann ich nicht lesen');
    chat.text('01.01.1970');
    expectSame('intake.when', 'weit zurück');
    chat.text('gestern');
    chat.text('Atlantis');
    expectSame('intake.state', '„Atlantis“ kenne ich nicht als Bundesland');
    chat.text('12345');
    expectSame('intake.state', 'Dieses Bundesland kenne ich nicht');
    chat.text('Sachsen-Anhalt');
    expect(chat.data('intake')['state']).toBe('ST');
    chat.text('   ');
    expectSame('intake.municipality', 'leer');
    chat.text('Halle');
    chat.text('kurz');
    expectSame('intake.description', 'zu kurz');
    chat.text('x'.repeat(3001));
    expectSame('intake.description', 'zu lang');
    chat.text('Eine lange genug Beschreibung\u0000 mit Steuerzeichen\u202E.');
    expect(chat.data('intake')['description']).toBe(
      'Eine lange genug Beschreibung mit Steuerzeichen.',
    );
    chat.send({ kind: 'files', files: [], rejected: ['tooLarge'] });
    expectSame('intake.evidence', '20 MB');
    chat.send({ kind: 'files', files: [], rejected: ['type'] });
    expectSame('intake.evidence', 'Art von Datei');
    chat.text('hier ist nichts');
    expectSame('intake.evidence', 'Dateien, Fotos oder Links');
    chat.choice('done');
    chat.choice('unknown');
    chat.choice('planned');
    chat.choice('no');
    chat.choices();
    expectSame('intake.help', 'mindestens eine Möglichkeit.');
    chat.choices('record');
    chat.choice('email');
    chat.text('nicht-erreichbar@');
    expectSame('intake.contactEmail', 'E-Mail-Adresse');
    chat.text('rat@halle.example');
    expect(chat.step).toBe('intake.deadline');
  });

  it('keeps evidence apart: duplicates once, links deduplicated, a limit', () => {
    const chat = new ConversationDriver();
    onlineReport(chat);
    chat.choice('noRemind');
    chat.choice('edit');
    chat.choice('evidence');
    expect(chat.step).toBe('intake.evidence');
    chat.files(fileRef(1), fileRef(2));
    // fileRef(1) came before: kept once.
    expect(chat.question.text).toContain('2 Dateien, 1 Link');
    chat.text('https://facebook.com/profile/abc https://example.org/more');
    expect(chat.question.text).toContain('2 Dateien, 2 Links');
    for (let i = 3; i <= 20; i++) chat.files(fileRef(i));
    chat.files(fileRef(21));
    expect(chat.question.text).toContain('Höchstzahl');
    chat.choice('done');
    expect(chat.step).toBe('intake.summary');
  });

  it('lets the person change any answer from the summary and follows new branches', () => {
    const chat = new ConversationDriver();
    toRole(chat);
    chat.choice('staff');
    chat.choices('threat');
    chat.choice('phone');
    chat.choice('unknown');
    chat.choice('HE');
    chat.choice('skip');
    chat.text('Anrufe mit Drohungen, mehrmals in der Woche.');
    chat.choice('done');
    chat.choice('several');
    chat.choice('no');
    chat.choice('yes');
    chat.choices('counselling');
    chat.choice('none');
    // The day is not known: a hint on the deadline, no reminder.
    expect(chat.step).toBe('intake.deadline');
    expect(chat.optionIds).toEqual(['ok']);
    chat.choice('ok');
    expect(chat.step).toBe('intake.summary');

    chat.choice('edit');
    expect(chat.optionIds).not.toContain('platform');
    chat.choice('channel');
    chat.choice('online');
    expect(chat.step).toBe('intake.platform');
    chat.choice('tiktok');
    chat.choice('skip');
    expect(chat.step).toBe('intake.summary');
    expect(chat.said).toContain('TikTok');

    chat.choice('edit');
    chat.choice('contact');
    chat.choice('email');
    chat.text('a@b.example');
    chat.choice('edit');
    chat.choice('contact');
    chat.choice('phone');
    // A new way of contact asks for its own detail; the e-mail address is dropped.
    expect(chat.step).toBe('intake.contactPhone');
    chat.text('+49 30 123456');
    expect(chat.said).toContain('+49 30 123456');
    expect(chat.said).not.toContain('a@b.example');

    chat.choice('edit');
    chat.choice('back');
    expect(chat.step).toBe('intake.summary');
    chat.choice('discard');
    chat.choice('no');
    expect(chat.step).toBe('intake.summary');
    chat.choice('discard');
    chat.choice('yes');
    expect(chat.step).toBe('menu.main');
    expect(chat.data('intake')).toEqual({});
    expect(submits(chat)).toHaveLength(0);
  });

  it('goes back one step at any time and keeps the draft for resuming', () => {
    const chat = new ConversationDriver();
    toRole(chat);
    chat.choice('council');
    chat.choices('insult');
    expect(chat.step).toBe('intake.channel');
    chat.command('back');
    expect(chat.step).toBe('intake.kinds');
    chat.text('zurück');
    expect(chat.step).toBe('intake.role');
    chat.choice('localHead');
    chat.choices('stalking');
    chat.choice('inPerson');
    chat.command('menu');
    expect(chat.step).toBe('menu.main');

    chat.choice('report');
    expect(chat.step).toBe('intake.resume');
    expect(chat.question.text).toContain('22. November 2026');
    chat.choice('continue');
    expect(chat.step).toBe('intake.when');
    expect(chat.data('intake')['role']).toBe('localHead');

    chat.command('menu');
    chat.choice('report');
    chat.choice('restart');
    expect(chat.step).toBe('intake.danger');
    expect(chat.data('intake')).toEqual({});
  });

  it('states the deadline carefully when it is near or past', () => {
    const soon = new ConversationDriver();
    onlineReport(soon, { when: '01.09.2026' });
    expect(soon.step).toBe('intake.deadline');
    expect(soon.said).toContain('1. Dezember 2026');
    expect(soon.optionIds).toEqual(['ok']);
    soon.choice('ok');
    expect(soon.data('intake')['reminder']).toBe(false);

    const past = new ConversationDriver();
    onlineReport(past, { when: '01.03.2026' });
    expect(past.said).toContain('vielleicht schon abgelaufen');

    const filed = new ConversationDriver();
    onlineReport(filed, { police: 'yes' });
    expect(filed.step).toBe('intake.summary');
  });

  it('asks after a police report whether a Strafantrag was made, and tells the deadline if not', () => {
    for (const [language, reported, deadline, disclaimer] of [
      [
        'de',
        'Eine Strafanzeige ist noch kein Strafantrag',
        '1. Februar 2027',
        'Allgemeine Information, keine Rechtsberatung.',
      ],
      [
        'en',
        'A report to the police (Strafanzeige) is not yet a request for prosecution (Strafantrag)',
        '1 February 2027',
        'General information, not legal advice.',
      ],
    ] as const) {
      for (const answer of ['no', 'unsure']) {
        const chat = new ConversationDriver({ language });
        onlineReport(chat, { police: 'yes', strafantrag: answer });
        expect(chat.step, `${language} ${answer}`).toBe('intake.deadline');
        expect(chat.said).toContain(reported);
        expect(chat.said).toContain('Ich stelle Strafantrag');
        expect(chat.said).toContain(deadline);
        expect(chat.said).toContain(disclaimer);
        expect(chat.optionIds).toEqual(['remind', 'noRemind']);
        chat.choice('remind');
        chat.choice('send');
        expect(reportSchema.parse(submits(chat)[0]?.report)).toMatchObject({
          police: 'yes',
          strafantragDeadline: '2027-02-01',
          reminder: true,
        });
      }
      const made = new ConversationDriver({ language });
      onlineReport(made, { police: 'yes', strafantrag: 'yes' });
      expect(made.step).toBe('intake.summary');
      made.choice('send');
      expect(reportSchema.parse(submits(made)[0]?.report).strafantragDeadline).toBeNull();
    }
  });

  it('gives a deadline hint for ongoing and unknown days, in both languages', () => {
    const hints = {
      de: { ongoing: 'jede einzelne Tat ihre eigene Frist', unknown: 'den Tag nicht genau kennen' },
      en: { ongoing: 'each single act has its own period', unknown: 'do not know the exact day' },
    } as const;
    for (const language of ['de', 'en'] as const)
      for (const when of ['ongoing', 'unknown'] as const) {
        const chat = new ConversationDriver({ language });
        toRole(chat);
        chat.choice('council');
        chat.choices('insult');
        chat.choice('letter');
        chat.choice(when);
        chat.choice('SN');
        chat.choice('skip');
        chat.text('Immer wieder Briefe mit Beschimpfungen.');
        chat.choice('done');
        chat.choice('unknown');
        chat.choice('no');
        chat.choice('no');
        chat.choices('record');
        chat.choice('none');
        expect(chat.step, `${language} ${when}`).toBe('intake.deadline');
        expect(chat.said).toContain(hints[language][when]);
        expect(chat.said).toContain('§ 77b StGB');
        expect(chat.said).toContain(
          language === 'de' ? 'keine Rechtsberatung' : 'not legal advice',
        );
        expect(chat.optionIds).toEqual(['ok']);
        chat.choice('ok');
        expect(chat.step).toBe('intake.summary');
        chat.choice('send');
        expect(reportSchema.parse(submits(chat)[0]?.report)).toMatchObject({
          strafantragDeadline: null,
          reminder: false,
        });
      }
  });

  it('carries the short "not legal advice" line in every deadline text', () => {
    for (const [when, expected] of [
      ['01.11.2026', 'keine Rechtsberatung'],
      ['01.09.2026', 'keine Rechtsberatung'],
      ['01.03.2026', 'keine Rechtsberatung'],
    ] as const) {
      const chat = new ConversationDriver();
      onlineReport(chat, { when });
      expect(chat.step).toBe('intake.deadline');
      expect(chat.said, when).toContain(expected);
    }
  });

  it('asks about the deadline again when the police answer changes from the summary', () => {
    const chat = new ConversationDriver();
    onlineReport(chat);
    chat.choice('noRemind');
    expect(chat.step).toBe('intake.summary');
    chat.choice('edit');
    chat.choice('police');
    chat.choice('yes');
    chat.choice('skip');
    chat.choice('unsure');
    expect(chat.step).toBe('intake.deadline');
    expect(chat.said).toContain('Eine Strafanzeige ist noch kein Strafantrag');
    chat.choice('remind');
    expect(chat.step).toBe('intake.summary');
    expect(chat.said).toContain('Strafantrag gestellt: Weiß ich nicht');
    expect(chat.said).toContain('mit Erinnerung');
  });

  it('offers the new roles, kinds and platforms', () => {
    const chat = new ConversationDriver();
    toRole(chat);
    expect(chat.optionIds).toEqual(expect.arrayContaining(['deputy', 'localCouncil', 'candidate']));
    chat.choice('candidate');
    expect(chat.optionIds).toEqual(expect.arrayContaining(['impersonation', 'sexualHarassment']));
    chat.choices('impersonation', 'sexualHarassment');
    chat.choice('online');
    expect(chat.optionIds).toEqual(expect.arrayContaining(['nebenan', 'googleReviews', 'bluesky']));
    chat.choice('nebenan');
    expect(chat.step).toBe('intake.link');
  });

  it('runs completely in English', () => {
    const chat = new ConversationDriver({ language: 'en' });
    onlineReport(chat);
    expect(chat.said).toContain('1 February 2027');
    chat.choice('noRemind');
    expect(chat.said).toContain('Please check your answers');
    expect(chat.said).toContain('North Rhine-Westphalia');
    const reply = chat.choice('send');
    expect(reply[0]?.text).toContain('Your case number');
    expect(reportSchema.parse(submits(chat)[0]?.report).language).toBe('en');
  });

  it('counts every answer in the summary in both languages without a missing text', () => {
    for (const language of ['de', 'en'] as const) {
      const chat = new ConversationDriver({ language });
      onlineReport(chat);
      chat.choice('remind');
      for (const message of chat.last) {
        expect(message.text).not.toMatch(/intake:|common:|\{\{/);
      }
      expect(chat.said.split('\n').length).toBeGreaterThan(14);
    }
  });
});
