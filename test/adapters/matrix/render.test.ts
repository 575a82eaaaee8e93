import { describe, expect, it } from 'vitest';
import { escapeHtml, renderNotice, textToHtml } from '../../../src/adapters/matrix/render.ts';

describe('Matrix rendering', () => {
  it('escapes every markup character and keeps the plain body beside the HTML', () => {
    const content = renderNotice({
      text: 'Hallo <script>alert("x")</script> & \'du\'\n\nZweiter Absatz\nmit Umbruch',
      expects: { kind: 'text' },
    });
    expect(content.msgtype).toBe('m.notice');
    expect(content.format).toBe('org.matrix.custom.html');
    expect(content.body).toBe(
      'Hallo <script>alert("x")</script> & \'du\'\n\nZweiter Absatz\nmit Umbruch',
    );
    expect(content.formatted_body).toBe(
      '<p>Hallo &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;du&#39;</p><p>Zweiter Absatz<br>mit Umbruch</p>',
    );
    expect(content.formatted_body).not.toContain('<script');
  });

  it('mentions nobody, so that a name or "@room" in the text notifies no one', () => {
    const content = renderNotice({
      text: '@room Anna @anna:example.org',
      expects: { kind: 'text' },
    });
    expect(content['m.mentions']).toEqual({});
  });

  it('lists choices as a numbered list, in the body and as <ol>', () => {
    const content = renderNotice({
      text: 'Was möchten Sie tun?',
      expects: {
        kind: 'choice',
        options: [
          { id: 'report', label: 'Vorfall melden' },
          { id: 'rights', label: 'Rechte <& Pflichten>' },
        ],
      },
    });
    expect(content.body).toBe('Was möchten Sie tun?\n\n1. Vorfall melden\n2. Rechte <& Pflichten>');
    expect(content.formatted_body).toBe(
      '<p>Was möchten Sie tun?</p><ol><li>Vorfall melden</li><li>Rechte &lt;&amp; Pflichten&gt;</li></ol>',
    );
    expect(content['de.lotse.expects'].options?.map((o) => o.id)).toEqual(['report', 'rights']);
  });

  it('lists shortcuts beside a typed answer as words, not numbers', () => {
    const content = renderNotice({
      text: 'In welcher Gemeinde?',
      expects: { kind: 'place', options: [{ id: 'skip', label: 'Überspringen' }] },
    });
    expect(content.body).toBe('In welcher Gemeinde?\n\n• Überspringen');
    expect(content.formatted_body).toContain('<ul><li>Überspringen</li></ul>');
  });

  it('carries the case reference and the batch it belongs to', () => {
    const content = renderNotice(
      {
        text: 'Gesendet: 7KQ2-9XMD-4HTR-V',
        expects: { kind: 'none' },
        caseRef: '7KQ2-9XMD-4HTR-V',
      },
      { of: '$event', index: 1, count: 2 },
    );
    expect(content['de.lotse.case']).toBe('7KQ2-9XMD-4HTR-V');
    expect(content['de.lotse.batch']).toEqual({ of: '$event', index: 1, count: 2 });
  });

  it('escapes helpers on their own', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
    expect(textToHtml('a\nb\n\n\nc')).toBe('<p>a<br>b</p><p>c</p>');
  });
});
