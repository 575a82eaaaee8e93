import type { Logger } from '../bot/logger.ts';
import type { CaseRecord } from './case-store.ts';
import type { CaseNotice, NoticeKind, StaffChannel } from './ports.ts';

/** Fans notices out to every staff channel; one failing channel never stops the others. */
export class StaffNotifier {
  readonly #channels: StaffChannel[] = [];
  readonly #log: Logger;

  constructor(logger: Logger) {
    this.#log = logger.child({ module: 'staff-notifier' });
  }

  add(channel: StaffChannel): void {
    this.#channels.push(channel);
  }

  async notify(kind: NoticeKind, record: CaseRecord, at: string): Promise<void> {
    const notice: CaseNotice = {
      kind,
      caseRef: record.caseRef,
      urgent: record.urgent,
      kinds: record.kinds,
      state: record.state,
      status: record.status,
      at,
      ...(record.assignee === undefined ? {} : { assignee: record.assignee }),
    };
    await Promise.all(
      this.#channels.map(async (channel) => {
        try {
          await channel.notify(notice);
        } catch (error) {
          this.#log.error({ err: error, channel: channel.name, kind }, 'staff notice failed');
        }
      }),
    );
  }
}
