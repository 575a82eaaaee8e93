/**
 * One scenario suite for every channel adapter (console JSON lines, Telegram, Matrix …): the same
 * conversations, driven through each adapter's own transport, must look the same to the person.
 * An adapter's test file implements a ChannelDriver and calls `channelScenarios`:
 *
 *   channelScenarios('console JSON lines', () => startConsoleDriver(redis.prefix));
 *
 * Expected sentences come from the locale files, so the suite holds no copy of any text.
 */
import { describe, expect, it } from 'vitest';
import { Translator } from '../../src/bot/i18n.ts';
import type { Language } from '../../src/flows/types.ts';

/** What the person has in front of them: the last message and the options offered with it. */
export interface Question {
  readonly text: string;
  /** Choice, several-choice and confirm options; adapters may offer shortcut buttons too. */
  readonly options: readonly { readonly id: string; readonly label: string }[];
}

/** A person using one channel. Every method resolves once all replies to the input are out. */
export interface ChannelDriver {
  /** Types a message; "/start" and the other commands are typed too. */
  sendText(text: string): Promise<void>;
  /** Picks an offered option the channel's way (a button, a choice line). */
  tap(optionId: string): Promise<void>;
  /** Picks several options of a several-choice question and sends them. */
  choose(optionIds: readonly string[]): Promise<void>;
  /** Sends a file, the channel's way. */
  sendFile(file: {
    readonly name: string;
    readonly mime: string;
    readonly bytes: Uint8Array;
  }): Promise<void>;
  /** The question now asked. */
  lastQuestion(): Promise<Question>;
  /** The texts of every message sent in reply to the last input, in order. */
  lastReplies(): Promise<string[]>;
  /** Every key and value the channel's Redis holds under the test's prefix (`everythingUnder`). */
  stored(): Promise<string>;
  /**
   * For a channel whose chat ends with "delete my data" (Matrix: the bot leaves): checks that it
   * ended, opens a new chat and returns the greeting's texts.
   */
  reopen?(): Promise<string[]>;
  /**
   * How many files the channel has fetched from the messenger for this person so far; only for
   * channels that download files (the console reads them locally).
   */
  fetchedFiles?(): Promise<number>;
}

/** Starts a fresh conversation (a new person) on the channel; called inside each test. */
export type StartDriver = (language: Language) => Promise<ChannelDriver>;

const i18n = Translator.create();
const t = (lang: Language, key: string, params?: Record<string, string | number>) =>
  i18n.t(lang, { key, ...(params ? { params } : {}) });

const ids = (q: Question) => q.options.map((o) => o.id);

/** The scenarios every channel must pass. */
export function channelScenarios(channel: string, start: StartDriver): void {
  describe(`channel scenarios: ${channel}`, () => {
    it('goes from the menu to the emergency help and back', async () => {
      const person = await start('de');
      await person.sendText('/start');
      const menu = await person.lastQuestion();
      expect(menu.text).toBe(t('de', 'common:menu.prompt'));
      expect(ids(menu)).toEqual(
        expect.arrayContaining(['report', 'rights', 'emergency', 'delete']),
      );
      await person.tap('emergency');
      const help = await person.lastQuestion();
      expect(help.text).toBe(t('de', 'common:emergency.text'));
      expect(ids(help)).toEqual(['menu']);
      await person.tap('menu');
      expect((await person.lastQuestion()).text).toBe(t('de', 'common:menu.prompt'));
    });

    it('explains invalid input and asks the same question again', async () => {
      const person = await start('de');
      await person.sendText('/start');
      const before = await person.lastQuestion();
      await person.sendText('Bananenbrot');
      const again = await person.lastQuestion();
      expect(again.text).toBe(`${t('de', 'common:invalid.choice')}\n\n${before.text}`);
      expect(ids(again)).toEqual(ids(before));
    });

    it('takes a typed number or label wherever a button is offered', async () => {
      const person = await start('de');
      await person.sendText('/start');
      const menu = await person.lastQuestion();
      await person.sendText(String(ids(menu).indexOf('emergency') + 1));
      expect((await person.lastQuestion()).text).toBe(t('de', 'common:emergency.text'));
      await person.sendText(t('de', 'common:nav.menu'));
      expect((await person.lastQuestion()).text).toBe(t('de', 'common:menu.prompt'));
    });

    it('switches the language and goes on where the person was', async () => {
      const person = await start('de');
      await person.sendText('/start');
      await person.tap('language');
      expect(ids(await person.lastQuestion())).toEqual(['de', 'en']);
      await person.tap('en');
      expect(await person.lastReplies()).toContain(t('en', 'common:language.changed'));
      const menu = await person.lastQuestion();
      expect(menu.text).toBe(t('en', 'common:menu.prompt'));
      expect(menu.options.find((o) => o.id === 'report')?.label).toBe(
        t('en', 'common:menu.report'),
      );
    });

    it('deletes the person`s data only after a confirmation', async () => {
      const person = await start('de');
      await person.sendText('/start');
      await person.tap('delete');
      const confirm = await person.lastQuestion();
      expect(confirm.text).toBe(t('de', 'common:delete.prompt'));
      expect(ids(confirm)).toEqual(['yes', 'no']);
      await person.tap('no');
      expect(await person.lastReplies()).toContain(t('de', 'common:delete.kept'));
      await person.tap('delete');
      await person.tap('yes');
      // A channel may add words of its own (Telegram: what it deleted; Matrix: that it leaves).
      expect(await person.lastReplies()).toContain(t('de', 'common:delete.done'));
      expect((await person.lastQuestion()).options).toEqual([]);
      // Nothing left: the next conversation is greeted like a first one.
      if (person.reopen) {
        expect(await person.reopen()).toContain(t('de', 'common:welcome'));
      } else {
        await person.sendText('Hallo');
        expect(await person.lastReplies()).toContain(t('de', 'common:welcome'));
      }
    });

    it('takes files only at the evidence step: elsewhere one line, nothing fetched', async () => {
      const person = await start('de');
      await person.sendText('/start');
      const before = await person.fetchedFiles?.();
      await person.sendFile({ name: 'notiz.txt', mime: 'text/plain', bytes: Buffer.from('Notiz') });
      expect(await person.lastReplies()).toEqual([t('de', 'common:file.notHere')]);
      if (before !== undefined) expect(await person.fetchedFiles?.()).toBe(before);
      // The conversation goes on where it was: "1" is still the menu's first option.
      await person.sendText('1');
      expect((await person.lastQuestion()).text).toBe(t('de', 'intake:danger.prompt'));
    });

    it('walks a short incident report to the summary, leaving no answer readable in Redis', async () => {
      const person = await start('de');
      await person.sendText('/start');
      await person.tap('report');
      await person.tap('no'); // danger
      await person.tap('agree');
      await person.tap('council');
      await person.choose(['insult', 'threat']);
      await person.tap('inPerson');
      await person.tap('today');
      await person.sendText('Sachsen');
      await person.tap('skip'); // municipality
      await person.sendText('Beim Bürgerdialog beleidigt und bedroht. SCENARIO-7');
      await person.sendFile({
        name: 'notiz.txt',
        mime: 'text/plain',
        bytes: Buffer.from('Notiz SCENARIO-FILE-7'),
      });
      expect((await person.lastQuestion()).text).toBe(
        i18n.t('de', {
          key: 'intake:evidence.status',
          params: {
            files: { key: 'intake:count.files', params: { count: 1 } },
            links: { key: 'intake:count.links', params: { count: 0 } },
          },
        }),
      );
      await person.tap('done');
      await person.tap('unknown'); // perpetrator
      await person.tap('no'); // police
      await person.tap('no'); // family
      await person.choose(['record']);
      await person.tap('email');
      await person.sendText('scenario.7@example.org');
      await person.tap('noRemind');
      const summary = await person.lastQuestion();
      expect(summary.text).toContain('SCENARIO-7');
      expect(summary.text).toContain('scenario.7@example.org');
      expect(summary.text).toContain(t('de', 'intake:summary.prompt'));
      expect(ids(summary)).toEqual(['send', 'edit', 'discard']);
      // The unfinished draft and the messages that made it are sealed in Redis (issue 10, item 6).
      const stored = await person.stored();
      for (const answer of [
        'SCENARIO-7',
        'SCENARIO-FILE-7',
        'scenario.7@example.org',
        'Bürgerdialog',
      ])
        expect(stored, answer).not.toContain(answer);
    });
  });
}
