/** The alert pipeline: reconcile findings into alerts + outbox, acknowledge, plan and compose digests (sending: src/delivery). Import from here. */
export { reconcile, decideReconcile, lifecyclePolicy, type ReconcileResult } from './reconcile.js';
export { evaluationScope, explicitScope, type EvaluationScope, type ScopeBranch } from './scope.js';
export { decideWithFinding, decideWithoutFinding, repeatDue, type LifecyclePolicy, type ScopeVerdict, type Change } from './lifecycle.js';
export { acknowledge, checkAck, decideAck, type Acknowledgement, type AckTarget, type CheckedAck } from './acknowledge.js';
export { planDeliveries, planBacklogSummary, decidePlan, planPolicy, sendTime, type PlanConfig, type PlanResult } from './planner.js';
export { planDigests, chooseSends, deliveryKey, normalizePhone, type PlannedDigest, type PlannedSend, type OrgContacts, type PlanPolicy } from './plan.js';
export { composeMessage, composeSubject, composeText, composeHtml, composeSms, composeRobotText, escapeHtml } from './compose.js';
export type { DigestModel, DigestItem, DigestBranch, DigestCommittee } from './digest-model.js';
export * from './types.js';
export type { AlertListRow, AlertEventRow, OrgAlertSummary } from '../store/types/alerts.js';
export type { PeriodStats, DeliveryStatus } from '../store/types/deliveries.js';
