import { describe, expect, it } from 'vitest';
import {
  decryptAttachment,
  fetchMedia,
  MediaError,
  type MediaClient,
} from '../../../src/adapters/matrix/media.ts';
import { encryptAttachment } from './harness/matrix-user.ts';
import { urlOf } from '../../support/fetch.ts';

function client(routes: Record<string, () => Response>, seen: string[] = []): MediaClient {
  return {
    homeserverUrl: 'https://hs.example/',
    accessToken: () => 'token',
    fetch: (input, init) => {
      const url = urlOf(input);
      seen.push(`${url} ${new Headers(init?.headers).get('authorization') ?? ''}`);
      const route = Object.entries(routes).find(([path]) => url.endsWith(path));
      return Promise.resolve(route ? route[1]() : new Response('{}', { status: 404 }));
    },
  };
}

describe('Matrix media', () => {
  it('decrypts an attachment encrypted as the spec describes', () => {
    const { data, file } = encryptAttachment(Buffer.from('Drohbrief als PDF'));
    const plain = decryptAttachment(data, { ...file, url: 'mxc://hs.example/m' });
    expect(Buffer.from(plain).toString()).toBe('Drohbrief als PDF');
  });

  it('refuses an attachment whose hash does not match', () => {
    const { data, file } = encryptAttachment(Buffer.from('original'));
    data[0] = (data[0] ?? 0) ^ 1;
    expect(() => decryptAttachment(data, { ...file, url: 'mxc://hs.example/m' })).toThrow(
      MediaError,
    );
  });

  it('downloads with the access token from the authenticated endpoint and decrypts', async () => {
    const { data, file } = encryptAttachment(Buffer.from('bytes'));
    const seen: string[] = [];
    const media = client(
      { '/_matrix/client/v1/media/download/hs.example/abc': () => new Response(data) },
      seen,
    );
    const bytes = await fetchMedia(
      media,
      { kind: 'encrypted', file: { ...file, url: 'mxc://hs.example/abc' } },
      100,
    );
    expect(Buffer.from(bytes).toString()).toBe('bytes');
    expect(seen).toEqual([
      'https://hs.example/_matrix/client/v1/media/download/hs.example/abc Bearer token',
    ]);
  });

  it('falls back to the older download path of servers without authenticated media', async () => {
    const media = client({
      '/_matrix/media/v3/download/hs.example/abc': () => new Response('plain'),
    });
    const bytes = await fetchMedia(media, { kind: 'plain', mxc: 'mxc://hs.example/abc' }, 100);
    expect(Buffer.from(bytes).toString()).toBe('plain');
  });

  it('stops at the size limit, announced or streamed', async () => {
    const announced = client({
      '/v1/media/download/hs.example/big': () =>
        new Response('x'.repeat(50), { headers: { 'content-length': '5000' } }),
    });
    await expect(
      fetchMedia(announced, { kind: 'plain', mxc: 'mxc://hs.example/big' }, 100),
    ).rejects.toMatchObject({
      reason: 'tooLarge',
    });
    const streamed = client({
      '/v1/media/download/hs.example/big': () =>
        new Response(
          new ReadableStream({
            start(controller) {
              for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(40));
              controller.close();
            },
          }),
        ),
    });
    await expect(
      fetchMedia(streamed, { kind: 'plain', mxc: 'mxc://hs.example/big' }, 100),
    ).rejects.toMatchObject({
      reason: 'tooLarge',
    });
  });

  it('reports media the server does not have as unavailable', async () => {
    await expect(
      fetchMedia(client({}), { kind: 'plain', mxc: 'mxc://hs.example/none' }, 100),
    ).rejects.toMatchObject({
      reason: 'unavailable',
    });
  });
});
