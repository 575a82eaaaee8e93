import { FlowRegistry } from './define.ts';
import { caseFlow } from './case/case-flow.ts';
import { intakeFlowFrom } from './intake/intake-flow.ts';
import { intake } from './intake/intake-spec.ts';
import type { EvidenceLimits } from './intake/questions.ts';
import { deleteFlow } from './menu/delete-flow.ts';
import { languageFlow } from './menu/language-flow.ts';
import { menuFlow } from './menu/menu-flow.ts';
import { rightsFlow } from './rights/rights-flow.ts';

/** What the flows take from the settings. */
export interface FlowOptions {
  /** How many evidence files and links a report takes (default: DEFAULT_EVIDENCE_LIMITS). */
  readonly evidence?: EvidenceLimits;
}

/** All flows Lotse offers. */
export function createFlowRegistry(options: FlowOptions = {}): FlowRegistry {
  const intakeFlow = intakeFlowFrom(intake(options.evidence));
  return new FlowRegistry([menuFlow, languageFlow, deleteFlow, intakeFlow, caseFlow, rightsFlow]);
}
