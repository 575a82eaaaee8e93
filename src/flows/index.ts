import { FlowRegistry } from './define.ts';
import { caseFlow } from './case/case-flow.ts';
import { intakeFlow } from './intake/intake-flow.ts';
import { deleteFlow } from './menu/delete-flow.ts';
import { languageFlow } from './menu/language-flow.ts';
import { menuFlow } from './menu/menu-flow.ts';
import { rightsFlow } from './rights/rights-flow.ts';

/** All flows Lotse offers. */
export function createFlowRegistry(): FlowRegistry {
  return new FlowRegistry([menuFlow, languageFlow, deleteFlow, intakeFlow, caseFlow, rightsFlow]);
}
