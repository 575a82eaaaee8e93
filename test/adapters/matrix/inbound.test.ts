import { describe, expect, it } from 'vitest';
import { readMessage, stripReplyFallback } from '../../../src/adapters/matrix/inbound.ts';
import { MAX_FILE_BYTES } from '../../../src/bot/files.ts';
import { encryptAttachment } from './harness/matrix-user.ts';

describe('reading Matrix messages', () => {
  it('reads text and emotes; ignores notices, edits and unknown types', () => {
    expect(readMessage({ msgtype: 'm.text', body: 'Hallo' })).toEqual({
      kind: 'text',
      text: 'Hallo',
    });
    expect(readMessage({ msgtype: 'm.emote', body: 'winkt' })).toEqual({
      kind: 'text',
      text: 'winkt',
    });
    expect(readMessage({ msgtype: 'm.notice', body: 'bot' }).kind).toBe('ignore');
    expect(
      readMessage({ msgtype: 'm.text', body: '* neu', 'm.relates_to': { rel_type: 'm.replace' } })
        .kind,
    ).toBe('ignore');
    expect(readMessage({ msgtype: 'm.location', body: 'geo:1,2' }).kind).toBe('ignore');
    expect(readMessage({ body: 'no msgtype' }).kind).toBe('ignore');
  });

  it('drops the quoted fallback of a rich reply', () => {
    expect(
      readMessage({
        msgtype: 'm.text',
        body: '> <@lotse:example.org> Wann ist es passiert?\n> Heute\n\ngestern',
        'm.relates_to': { 'm.in_reply_to': { event_id: '$x' } },
      }),
    ).toEqual({ kind: 'text', text: 'gestern' });
    expect(stripReplyFallback('> quote\nanswer')).toBe('answer');
    expect(stripReplyFallback('no quote')).toBe('no quote');
  });

  it('reads plain and encrypted attachments with name, type and declared size', () => {
    expect(
      readMessage({
        msgtype: 'm.image',
        body: 'shot.png',
        info: { mimetype: 'image/png', size: 10 },
        url: 'mxc://example.org/abc',
      }),
    ).toEqual({
      kind: 'media',
      name: 'shot.png',
      mime: 'image/png',
      // The declared size: the engine weighs it against the report's budget before download.
      size: 10,
      source: { kind: 'plain', mxc: 'mxc://example.org/abc' },
    });
    const { file } = encryptAttachment(Buffer.from('x'));
    const read = readMessage({
      msgtype: 'm.file',
      body: 'Beschreibung',
      filename: 'brief.pdf',
      info: { mimetype: 'application/pdf', size: 1 },
      file: { ...file, url: 'mxc://example.org/enc' },
    });
    expect(read).toMatchObject({ kind: 'media', name: 'brief.pdf', mime: 'application/pdf' });
    expect(read.kind === 'media' && read.source.kind).toBe('encrypted');
  });

  it('guesses the type from the file name when the client sends none', () => {
    expect(
      readMessage({ msgtype: 'm.audio', body: 'memo.ogg', url: 'mxc://example.org/a' }),
    ).toMatchObject({ kind: 'media', mime: 'audio/ogg' });
  });

  it('reads the length of a recording (info.duration) and of a voice message (MSC3245)', () => {
    const audio = { msgtype: 'm.audio', body: 'memo.ogg', url: 'mxc://example.org/a' };
    expect(
      readMessage({ ...audio, info: { mimetype: 'audio/ogg', duration: 42_400 } }),
    ).toMatchObject({ kind: 'media', mime: 'audio/ogg', seconds: 42 });
    // Element's voice message: the length in the extensible-event audio part.
    expect(
      readMessage({
        ...audio,
        body: 'Voice message',
        info: { mimetype: 'audio/ogg' },
        'org.matrix.msc1767.audio': { duration: 61_600, waveform: [0, 512, 1024] },
        'org.matrix.msc3245.voice': {},
      }),
    ).toMatchObject({ kind: 'media', seconds: 62 });
    // A length the sender's client did not give, or one that cannot be true, is no length.
    for (const duration of [undefined, -5, 'long', Number.NaN, 10 ** 12]) {
      const read = readMessage({ ...audio, info: { mimetype: 'audio/ogg', duration } });
      expect(read.kind).toBe('media');
      expect(read.kind === 'media' && 'seconds' in read).toBe(false);
    }
  });

  it('knows no type for an extension that names an object property', () => {
    for (const body of ['x.constructor', 'x.toString', 'x.__proto__'])
      expect(readMessage({ msgtype: 'm.file', body, url: 'mxc://example.org/a' })).toEqual({
        kind: 'refused',
        reason: 'type',
      });
  });

  it('refuses by the description alone: too large, wrong type, no source', () => {
    expect(
      readMessage({
        msgtype: 'm.video',
        body: 'film.mp4',
        info: { mimetype: 'video/mp4', size: MAX_FILE_BYTES + 1 },
        url: 'mxc://example.org/v',
      }),
    ).toEqual({ kind: 'refused', reason: 'tooLarge' });
    expect(
      readMessage({
        msgtype: 'm.file',
        body: 'setup.exe',
        info: { mimetype: 'application/x-msdownload', size: 5 },
        url: 'mxc://example.org/e',
      }),
    ).toEqual({ kind: 'refused', reason: 'type' });
    expect(
      readMessage({ msgtype: 'm.image', body: 'x.png', info: { mimetype: 'image/png' } }),
    ).toEqual({
      kind: 'refused',
      reason: 'empty',
    });
  });

  it('cleans what the sender declares: the mimetype to its token, the file name of path, controls and bidi', () => {
    const read = readMessage({
      msgtype: 'm.file',
      body: 'Beschreibung',
      filename: `../../bin/\u202eRechnung\u0000${'x'.repeat(300)}.pdf`,
      // Printed as it came, this would set the staff terminal's title and clear the screen.
      info: { mimetype: 'application/pdf;\u001b]0;pwned\u0007\u001b[2J', size: 5 },
      url: 'mxc://example.org/p',
    });
    expect(read).toMatchObject({ kind: 'media', mime: 'application/pdf' });
    const name = read.kind === 'media' ? read.name : '';
    expect(name.startsWith('Rechnungxxx')).toBe(true);
    expect(Array.from(name)).toHaveLength(120);
    expect(/[\p{Cc}\p{Cf}/\\]/u.test(name)).toBe(false);
    // An escape sequence inside the token itself leaves no type to accept.
    expect(
      readMessage({
        msgtype: 'm.image',
        body: 'x.png',
        info: { mimetype: 'image/png\u001b[31m', size: 5 },
        url: 'mxc://example.org/q',
      }),
    ).toEqual({ kind: 'refused', reason: 'type' });
  });
});
