/**
 * Every patched() id of the case workflow, with what it changed. Histories recorded before a patch (no marker) replay
 * the old path; test/replay/histories holds recordings of both sides. Retire one with deprecatePatch() once no case
 * opened before it is still running. A case opened after PATCHES_BASELINE records that one marker for all of those
 * before it (the workflow checks them through patchApplied(), patch-baseline.ts); a patch added after it is checked
 * with patched().
 */

/**
 * patched() id of the handling of an ERP refusal of a reship order: the refusal is recorded in the audit trail
 * ('reship_refused') and an SOP part reship turns into a refund instead of failing the workflow. Histories from before
 * (no marker) replay the old path: no audit entry, and the SOP branch fails as it did.
 */
export const RESHIP_REFUSAL_PATCH = 'reship-refusal-handled';

/**
 * patched() id of the handling of a payment partner's refusal of a refund: instead of failing the workflow, the refund
 * record is marked failed, the refusal goes into the audit trail ('refund_refused'), the case is escalated to the
 * platform, flagged (`facts.refundBlocked`) and on-call is paged, and the refund waits for a platform decision
 * (resolve_blocked_refund: retry as a new refund, or settled offline). Histories from before (no marker) replay the
 * old path: the refusal fails the workflow.
 */
export const REFUND_REFUSAL_PATCH = 'refund-refusal-escalated';

/**
 * patched() id of notifications and pages that run beside the case's progress instead of in front of it: the step
 * that sends one goes on at once (so a clock's timer is armed in the same workflow task, and a warning never delays
 * a breach), and the run waits for them only before it continues as new or completes. Histories from before (no
 * marker) replay the old path: each message awaited where it was sent.
 */
export const SIDE_EFFECTS_BESIDE_PATCH = 'side-effects-beside-progress';

/**
 * patched() id of the platform review clock: a request handed to the platform (merchant silent, policy
 * escalate_to_platform) starts a `platform_review` clock (policy.platformReview) owned by the platform; at its deadline
 * on-call is paged. Histories from before wait for the platform's decision with no clock.
 */
export const PLATFORM_REVIEW_CLOCK_PATCH = 'platform-review-clock';

/**
 * patched() id of escalations that reach someone: every escalation notifies its target role through the partner
 * adapters beside the case (safety owner and CS lead paged, the merchant and the customer by their channels, staff roles
 * by a message to their queue), deduplicated per escalation and audited ('escalation_notified'). Histories from
 * before only recorded the escalation.
 */
export const ESCALATION_ALERT_PATCH = 'escalation-alerts';

/**
 * patched() id of commands that act once the workflow task's other jobs have run: a command's handler starts at the
 * activation's condition check instead of in the same microtask burst as activity results delivered beside it. A worker
 * without the case in its cache (restarted, or the case evicted) gets the results of a preceding workflow task that
 * produced no commands (a projection or a message finished) in the same activation as the update; replay delivers them
 * one activation earlier. Handlers that ran first in one and second in the other wrote their commands in a different
 * order, and the history no longer replayed (tools/faults/findings/nde-update-after-empty-workflow-task.json).
 * Histories from before run the handler at once.
 */
export const COMMANDS_AFTER_RESULTS_PATCH = 'commands-after-activation-results';

/**
 * patched() id of disputes (workflows/case/dispute): a case closed by a rejection the customer may take to the platform
 * stays open to request_intervention until its intervention window ends, even once its survey is answered or expired.
 * Histories from before completed when the survey wait ended.
 */
export const DISPUTE_WINDOW_PATCH = 'dispute-intervention-window';

/**
 * patched() id of item-level refunds: once the goods are accepted, the refund of a return (or of an exchange turned
 * refund) is computed from the claimed items and their inspection (accepted items' prices, less deductions; the
 * return postage refunded apart is one of its lines), kept as `refundLines`, and start_refund.amountCents is honoured
 * within its bounds; an exchange reships only the accepted items. Histories from before refund the whole paid amount
 * and reship the ordered items (or the replacement sku).
 */
export const ITEM_REFUND_PATCH = 'item-refund-lines';

/**
 * patched() id of the repair collection clock: once the warranty check sends a repair to collection, a
 * `repair_collection` clock (the customer's: policy.repairCollection, default customerShipBack) runs until the goods
 * are handed over (request_pickup or drop_off); the customer is reminded after repairCollectionWarnAfter, and at the
 * breach the case closes as abandoned with notice. Histories from before wait for the hand-over with no clock.
 */
export const REPAIR_COLLECTION_CLOCK_PATCH = 'repair-collection-clock';

/**
 * patched() id of a repair's return_refund remedy that takes the goods back first, like a return: the case waits for
 * the customer's ship_back or request_pickup (customer_ship_back clock; abandoned at its breach), follows the parcel to
 * the merchant, who inspects it (merchant_inspection clock; deemed accepted at its breach), and only an accepted parcel
 * makes the item's refund due. Histories from before refund the item at once, without the goods.
 */
export const REPAIR_RETURN_PATCH = 'repair-return-before-refund';

/**
 * patched() id of the appeal window as owned clocks (workflows/case/dispute): an executed ruling starts
 * `dispute_appeal_customer` / `dispute_appeal_merchant` (policy.appealWindow, owned by each party that may still appeal),
 * so the window shows in queues and the stuck-case view with its owing party; an appeal satisfies the appellant's and
 * cancels the other's (a new one starts after the re-review), and a lapsed window cancels them (not a breach: nobody
 * was late). Histories from before kept the window as the dispute's appealDeadline only.
 */
export const DISPUTE_APPEAL_CLOCK_PATCH = 'dispute-appeal-clock';

/**
 * patched() id of the survey after a reopening: a case the platform reopened (a dispute on a closed case, an overridden
 * review) that closes again gets a new satisfaction survey (the earlier one kept in `earlierSurveys`, its own message
 * key `satisfaction_survey:<n>`), open for its own surveyWindow. Histories from before waited out the first survey's
 * window (or expired it at once) and sent no second one.
 */
export const SURVEY_AFTER_REOPENING_PATCH = 'survey-after-reopening';

/**
 * patched() id of a repair's exchange the ERP refuses: it turns into a refund the way return_refund is one, the goods
 * going back to the merchant first (ship_back or request_pickup under customer_ship_back, the courier's delivery, the
 * merchant's inspection), and only an accepted parcel makes the item's price due. Histories from before made the
 * item's refund due at once, without the goods.
 */
export const REPAIR_EXCHANGE_REFUSED_PATCH = 'repair-exchange-refused-returns-goods';

/**
 * patched() id of a declined repair quote (declined, or silent for repairQuoteDecision) followed to the customer's door:
 * the provider is told to return the goods unrepaired and the case waits in `returning_unrepaired` under the provider's
 * `repair_unrepaired_return` clock (policy.repairUnrepairedReturn; escalated to the platform at breach) for the
 * provider's shipped_back (its tracking number) and the courier's delivery of that parcel, and only then closes
 * `returned_unrepaired`. Histories from before closed the case at once.
 */
export const REPAIR_UNREPAIRED_RETURN_PATCH = 'repair-unrepaired-return-tracked';

/**
 * patched() id of per-item reasons: a return or exchange whose claimed items name reasons other than the case's is
 * assessed item by item (domain/eligibility.ts assessClaimedItems): an ineligible item (e.g. a no-reason return of an
 * excluded category) refuses the request naming its sku, and the postage is borne by the party any item's reason makes
 * responsible before the customer. Histories from before assessed the case-level reason only.
 */
export const ITEM_REASONS_PATCH = 'item-reasons-assessed';

/**
 * patched() id of search attributes upserted once per workflow task, and only when they changed: every change of the
 * case used to upsert status, escalation and next deadline at once (23 upserts for a return from open to refund, most
 * of them repeating the values already set, each a history event and a visibility write). Histories from before upsert
 * on every change.
 */
export const SEARCH_ATTRIBUTES_PER_TASK_PATCH = 'search-attributes-per-task';

/**
 * patched() id of the courier's evidence in a dispute under its own clock: request_info to the courier starts the
 * courier's `dispute_courier_evidence` clock (policy.disputeCourierEvidence, default 48 h; escalated to the platform at
 * breach), counted from the oldest request it has not answered. A courier that acknowledges a request to answer later
 * (evidenceRequestId) answers with the courier event `evidence` (POST /callbacks/courier), recorded on the request and
 * in the audit trail like an answer of its adapter; an answer or a refusal of the last open request satisfies the clock
 * (a late one closes its breach). Histories from before took the adapter's answer only, with no clock.
 */
export const COURIER_EVIDENCE_CLOCK_PATCH = 'dispute-courier-evidence-clock';

/**
 * patched() id of a calendar year applied to a running case (apply_calendar, from POST /admin/calendars/:year/apply):
 * the case counts with the year's holidays and make-up working days from then on (carried through continue-as-new),
 * each running working-day clock whose deadline the year moves is re-timed as a priority change re-times it, and the
 * change is audited ('calendar_applied'). Histories from before kept the calendar the case opened with.
 */
export const CALENDAR_APPLY_PATCH = 'calendar-year-applied';

/**
 * patched() id of the store projection handed to the worker through a sink (workflows/case/store-sink.ts) as each
 * workflow task that changed the case completes, instead of a `projectCase` activity per version: no history events,
 * no activity task. The run's last version (before it completes or continues as new) still goes through the activity,
 * so it reaches the store durably. Histories from before project every version through the activity.
 */
export const PROJECTION_SINK_PATCH = 'projection-through-sink';

/**
 * patched() id of search attributes upserted once per workflow activation (workflows/case/upsert-merging.ts): the
 * upserts of one activation's microtask rounds go out as one command with each attribute's last value (a return's first
 * activation made five). Histories from before upsert once per round that changed them.
 */
export const SEARCH_ATTRIBUTES_PER_ACTIVATION_PATCH = 'search-attributes-per-activation';

/**
 * patched() id that stands for every patch above (workflows/case/patch-baseline.ts): a case opened from now on records
 * this one marker at its start instead of a marker at each patch it passes. A patch added after it is checked on its
 * own, with patched().
 */
export const PATCHES_BASELINE = 'patches-baseline-1';
