import type { MatrixClient } from 'matrix-js-sdk';
import type { Logger } from '../../bot/logger.ts';

/** The ed25519 key as Element shows a session key: groups of four characters. */
export function formatFingerprint(ed25519: string): string {
  return ed25519.replace(/(.{4})(?!$)/g, '$1 ');
}

/**
 * Makes the bot's device verifiable: logs its fingerprint (device id and ed25519 key, which staff
 * compare with "Sessions" in Element) and, when the account has no cross-signing yet, sets it up
 * and signs this device, so that staff who verify the bot's account once trust its device. Failures
 * are logged and leave the channel running: cross-signing is a convenience, the fingerprint stays.
 */
export async function setUpDeviceTrust(
  client: MatrixClient,
  options: { readonly userId: string; readonly password?: string; readonly logger: Logger },
): Promise<void> {
  const log = options.logger.child({ module: 'matrix-trust' });
  const crypto = client.getCrypto();
  if (crypto === undefined) return;
  try {
    const keys = await crypto.getOwnDeviceKeys();
    log.info(
      { device: client.getDeviceId(), fingerprint: formatFingerprint(keys.ed25519) },
      'Matrix device fingerprint (ed25519): compare it when verifying the bot',
    );
    const status = await crypto.getCrossSigningStatus();
    const local = status.privateKeysCachedLocally;
    if (local.masterKey && local.selfSigningKey && local.userSigningKey) {
      if (!(await crypto.isCrossSigningReady()))
        log.warn('cross-signing keys are held but the device is not signed yet');
      return;
    }
    if (await crypto.userHasCrossSigningKeys(options.userId, true)) {
      log.warn(
        'the bot account has cross-signing keys this device does not hold; verify the device by its fingerprint',
      );
      return;
    }
    await crypto.bootstrapCrossSigning({
      authUploadDeviceSigningKeys: async (makeRequest) => {
        try {
          await makeRequest(null);
        } catch (error) {
          const session = (error as { data?: { session?: unknown } }).data?.session;
          if (options.password === undefined || typeof session !== 'string') throw error;
          await makeRequest({
            type: 'm.login.password',
            identifier: { type: 'm.id.user', user: options.userId },
            password: options.password,
            session,
          });
        }
      },
    });
    log.info('cross-signing set up; the bot device is signed by its account');
  } catch (error) {
    log.warn(
      { err: { name: (error as Error).name, message: (error as Error).message } },
      'cross-signing could not be set up; the device can still be verified by its fingerprint',
    );
  }
}
