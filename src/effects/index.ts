import type { EffectRunner } from '../bot/engine.ts';
import { caseDetails, type CaseDetailsPorts } from './case-details.ts';
import { caseMessage, type CaseMessagePorts } from './case-message.ts';
import { caseStatus, type CaseStatusPorts } from './case-status.ts';
import { eraseMyData, type EraseMyDataPorts } from './erase-my-data.ts';
import { submitReport, type SubmitReportPorts } from './submit-report.ts';

/** Everything the effect handlers reach, as ports; src/app.ts fills them with the real parts. */
export interface EffectPorts {
  readonly eraseMyData: EraseMyDataPorts;
  readonly submitReport: SubmitReportPorts;
  readonly caseMessage: CaseMessagePorts;
  readonly caseDetails: CaseDetailsPorts;
  readonly caseStatus: CaseStatusPorts;
}

/** The engine's effect runner: one handler per effect kind. */
export function effectRunner(ports: EffectPorts): EffectRunner {
  return {
    run: async (event, effect) => {
      switch (effect.kind) {
        case 'erase-my-data':
          await eraseMyData(ports.eraseMyData, event);
          return undefined;
        case 'submit-report':
          await submitReport(ports.submitReport, event, effect);
          return undefined;
        case 'case-message':
          return caseMessage(ports.caseMessage, event, effect);
        case 'case-details':
          return caseDetails(ports.caseDetails, event, effect);
        case 'case-status':
          return caseStatus(ports.caseStatus, effect.caseRef);
        // The engine itself sets the language in the session.
        case 'set-language':
          return undefined;
      }
    },
  };
}
