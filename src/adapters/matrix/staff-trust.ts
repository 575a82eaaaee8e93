import { setTimeout as sleep } from 'node:timers/promises';
import { KnownMembership, type MatrixClient, type MatrixEvent, type Room } from 'matrix-js-sdk';
import { EventShieldColour, EventShieldReason } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { Logger } from '../../bot/logger.ts';
import type { RoomAudience, SenderProof } from './staff-room.ts';

/** How often a sender's devices are looked up again when the bot's copy may be stale. */
const DEVICE_LOOKUPS = 4;
const DEVICE_LOOKUP_PAUSE_MS = 500;

/**
 * How far the sender of a decrypted staff room message is proven. Verified only when it came
 * encrypted, from a device its owner has cross-signed, over a session that belongs to that sender
 * and was not forwarded (matrix-rust-sdk's shield: none). An event a homeserver stamped with a
 * staff member's id but encrypted on another account's device is a MISMATCHED_SENDER, an
 * unsigned or unknown device of a staff account is refused, and so is an account whose
 * cross-signing identity changed since the bot first saw it (trust on first use), until staff
 * accept the new one (`acceptIdentity`).
 */
export async function senderProof(
  client: MatrixClient,
  event: MatrixEvent,
  log: Logger,
): Promise<SenderProof> {
  const crypto = client.getCrypto();
  if (!event.isEncrypted() || crypto === undefined) return 'unencrypted';
  const sender = event.getSender();
  if (sender === undefined || event.isDecryptionFailure()) return 'unverified';
  for (let lookup = 1; ; lookup++) {
    const info = await crypto.getEncryptionInfoForEvent(event);
    if (info !== null && info.shieldColour === EventShieldColour.NONE) {
      const identity = await crypto.getUserVerificationStatus(sender);
      if (!identity.needsUserApproval) return 'verified';
      log.warn('a staff account changed its cross-signing identity; its commands are refused');
      return 'identity-changed';
    }
    // A device or a signature the bot has not fetched yet: its device list may be stale.
    const stale =
      info?.shieldReason === EventShieldReason.UNKNOWN_DEVICE ||
      info?.shieldReason === EventShieldReason.UNSIGNED_DEVICE;
    if (!stale || lookup >= DEVICE_LOOKUPS) {
      const reason = info === null ? 'undecrypted' : EventShieldReason[info.shieldReason ?? 0];
      log.warn({ shield: reason }, 'a staff room message not from a verified device');
      return 'unverified';
    }
    await crypto.getUserDeviceInfo([sender], true);
    await sleep(DEVICE_LOOKUP_PAUSE_MS);
  }
}

/** Members who are in a room or invited to it (an invited member gets room keys too). */
async function audience(room: Room): Promise<string[]> {
  await room.loadMembersIfNeeded();
  return [
    ...room.getMembersWithMembership(KnownMembership.Join),
    ...room.getMembersWithMembership(KnownMembership.Invite),
  ].map((m) => m.userId);
}

/**
 * Who would read what the bot posts in the staff room: staff only while the room is encrypted and
 * every joined or invited member (the bot aside) is on the staff list.
 */
export async function roomAudience(
  client: MatrixClient,
  roomId: string,
  staffIds: ReadonlySet<string>,
): Promise<RoomAudience> {
  const room = client.getRoom(roomId);
  const encrypted = (await client.getCrypto()?.isEncryptionEnabledInRoom(roomId)) ?? false;
  if (room === null || !encrypted) return 'unencrypted';
  const me = client.getUserId();
  const members = await audience(room);
  return members.every((id) => id === me || staffIds.has(id)) ? 'staff-only' : 'outsiders';
}

/**
 * Room keys of the staff room go only to devices the bot trusts, and it trusts exactly the devices
 * that listed staff members have cross-signed (with the identity first seen for them): every other
 * device in the room – an unverified session of a staff account, any device of someone not on the
 * list – gets a "withheld" notice instead of the key. Called before each message to the room, so a
 * device signed (or a member removed from the list) since is taken into account.
 */
export async function shareKeysOnlyWithStaff(
  client: MatrixClient,
  roomId: string,
  staffIds: ReadonlySet<string>,
): Promise<void> {
  const crypto = client.getCrypto();
  const room = client.getRoom(roomId);
  if (crypto === undefined || room === null) return;
  room.setBlacklistUnverifiedDevices(true);
  const me = client.getUserId();
  const members = (await audience(room)).filter((id) => id !== me);
  const devices = await crypto.getUserDeviceInfo(members, true);
  for (const [userId, byId] of devices) {
    const identity = await crypto.getUserVerificationStatus(userId);
    for (const deviceId of byId.keys()) {
      const status = await crypto.getDeviceVerificationStatus(userId, deviceId);
      if (status === null) continue;
      const trusted = staffIds.has(userId) && status.signedByOwner && !identity.needsUserApproval;
      if (status.localVerified !== trusted)
        await crypto.setDeviceVerified(userId, deviceId, trusted);
    }
  }
}

/**
 * Accepts a user's current cross-signing identity where it differs from the one the bot pinned
 * when it first saw the account; false when there is nothing to accept.
 */
export async function acceptIdentity(client: MatrixClient, userId: string): Promise<boolean> {
  const crypto = client.getCrypto();
  if (crypto === undefined) return false;
  await crypto.getUserDeviceInfo([userId], true);
  if (!(await crypto.getUserVerificationStatus(userId)).needsUserApproval) return false;
  await crypto.pinCurrentUserIdentity(userId);
  return true;
}
