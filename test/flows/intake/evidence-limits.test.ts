import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.ts';
import { evidenceLimits } from '../../../src/config/schema.ts';
import { createFlowRegistry } from '../../../src/flows/index.ts';
import { ConversationDriver, fileRef } from '../../support/conversation-driver.ts';

/** Start → report, a letter, to the evidence question. */
function toEvidence(chat: ConversationDriver): void {
  chat.command('start');
  chat.choice('report');
  chat.choice('no');
  chat.choice('agree');
  chat.choice('council');
  chat.choices('threat');
  chat.choice('letter');
  chat.choice('today');
  chat.choice('BY');
  chat.choice('skip');
  chat.text('Ein Brief mit einer Drohung lag im Briefkasten.');
  expect(chat.step).toBe('intake.evidence');
}

describe('evidence limits from the settings', () => {
  const config = loadConfig(
    { EVIDENCE_MAX_FILES: '3', EVIDENCE_MAX_LINKS: '1', EVIDENCE_MAX_PER_MESSAGE: '2' },
    null,
  );
  const flows = createFlowRegistry({ evidence: evidenceLimits(config) });

  it('refuses more files at once than EVIDENCE_MAX_PER_MESSAGE, and asks again', () => {
    const chat = new ConversationDriver({ flows });
    toEvidence(chat);
    chat.files(fileRef(1), fileRef(2), fileRef(3));
    expect(chat.said).toContain('höchstens 2');
    expect(chat.step).toBe('intake.evidence');
    expect(chat.data('intake')['evidence']).toBeUndefined();
    chat.files(fileRef(1), fileRef(2));
    expect(chat.question.text).toContain('2 Dateien, 0 Links');
  });

  it('takes EVIDENCE_MAX_FILES files and EVIDENCE_MAX_LINKS links per report, then asks to finish', () => {
    const chat = new ConversationDriver({ flows });
    toEvidence(chat);
    chat.files(fileRef(1), fileRef(2));
    chat.files(fileRef(3));
    expect(chat.question.text).toContain('3 Dateien, 0 Links');
    chat.files(fileRef(4));
    expect(chat.said).toContain('Höchstzahl');
    chat.text('https://example.org/a');
    expect(chat.question.text).toContain('3 Dateien, 1 Link');
    chat.text('https://example.org/b');
    expect(chat.said).toContain('Höchstzahl');
    chat.choice('done');
    expect(chat.step).toBe('intake.perpetrator');
    expect(chat.data('intake')['evidence']).toMatchObject({ links: ['https://example.org/a'] });
  });

  it('keeps the defaults without settings: 10 at once, 20 in all', () => {
    expect(loadConfig({}, null)).toMatchObject({
      EVIDENCE_MAX_FILES: 20,
      EVIDENCE_MAX_LINKS: 20,
      EVIDENCE_MAX_PER_MESSAGE: 10,
    });
    const chat = new ConversationDriver();
    toEvidence(chat);
    chat.files(...Array.from({ length: 11 }, (_, i) => fileRef(i + 1)));
    expect(chat.said).toContain('höchstens 10');
  });

  it('refuses settings beyond what a stored draft holds', () => {
    expect(() => loadConfig({ EVIDENCE_MAX_FILES: '51' }, null)).toThrow(/EVIDENCE_MAX_FILES/);
    expect(() => loadConfig({ EVIDENCE_MAX_LINKS: '0' }, null)).toThrow(/EVIDENCE_MAX_LINKS/);
  });
});
