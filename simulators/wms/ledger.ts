import type { Inventory, InventoryState, StockItem } from './inventory.ts';
import type {
  Discrepancy,
  DiscrepancyReason,
  Expectation,
  LedgerMove,
  LedgerNotification,
  LedgerSnapshot,
  PickDecision,
  PutawayDecision,
  WebhookOutcome,
} from './ledger-records.ts';
import type { DeliveredMove, MoveRef, PickRequest, PutawayRequest, TransportEvent } from './wms-wire.ts';

/**
 * The WMS simulator's book: every putaway/pick answer becomes an *expected move* that reserves a bin;
 * `transport.delivered` webhooks are matched against expectations, moved in the inventory, and any
 * disagreement is kept as a discrepancy. The ledger follows what the fleet reports physically happened
 * (it moves the HU even when it flags the move), except for duplicates, which change nothing.
 */

export interface LedgerOptions {
  readonly inventory: Inventory;
  /** Clock. Default: the system clock. */
  readonly now?: () => Date;
}

interface Answered<D> {
  readonly fingerprint: string;
  readonly decision: D;
}

/** Everything a ledger knows, as plain JSON data, so a restarted simulator resumes its book. */
export interface LedgerState {
  readonly expectations: readonly Expectation[];
  readonly putaways: readonly (readonly [string, Answered<PutawayDecision>])[];
  readonly picks: readonly (readonly [string, Answered<PickDecision>])[];
  readonly seenWebhookIds: readonly string[];
  readonly moves: readonly LedgerMove[];
  readonly discrepancies: readonly Discrepancy[];
  readonly notifications: readonly LedgerNotification[];
  readonly redeliveries: number;
  readonly inventory: InventoryState;
}

export class Ledger {
  readonly #inventory: Inventory;
  readonly #now: () => Date;
  readonly #expectations = new Map<string, Expectation>();
  readonly #putaways = new Map<string, Answered<PutawayDecision>>();
  readonly #picks = new Map<string, Answered<PickDecision>>();
  readonly #seenWebhookIds = new Set<string>();
  readonly #moves: LedgerMove[] = [];
  readonly #discrepancies: Discrepancy[] = [];
  readonly #notifications: LedgerNotification[] = [];
  #redeliveries = 0;

  constructor(options: LedgerOptions) {
    this.#inventory = options.inventory;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Chooses and reserves a free bin. Idempotent per `requestId`: the same request gets the same answer;
   * the same id with a different body is `request-id-reused`. `no-space` is not remembered, so a retry
   * can succeed once a bin frees up.
   */
  decidePutaway(request: PutawayRequest): PutawayDecision {
    const fingerprint = JSON.stringify(request);
    const previous = this.#putaways.get(request.requestId);
    if (previous)
      return previous.fingerprint === fingerprint ? previous.decision : { kind: 'request-id-reused' };
    const bin = this.#inventory.findFreeBin(request.from);
    if (bin === undefined) return { kind: 'no-space' };
    // The production receipt: the WMS now knows the HU is at the line output.
    if (!this.#inventory.locate(request.handlingUnitId)) {
      const { handlingUnitId, sku, quantity } = request;
      this.#inventory.place({ handlingUnitId, sku, quantity }, request.from);
    }
    this.#open({ ...request, id: request.requestId, kind: 'putaway', to: bin, bin });
    const decision = { kind: 'location', location: bin } as const;
    this.#putaways.set(request.requestId, { fingerprint, decision });
    return decision;
  }

  /** Chooses and reserves a bin holding `sku` (the whole HU is picked). Idempotent like {@link decidePutaway}. */
  decidePick(request: PickRequest): PickDecision {
    const fingerprint = JSON.stringify(request);
    const previous = this.#picks.get(request.requestId);
    if (previous)
      return previous.fingerprint === fingerprint ? previous.decision : { kind: 'request-id-reused' };
    const hu = this.#inventory.findPickable(request.sku, request.deliverTo);
    if (!hu) return { kind: 'no-stock' };
    this.#open({
      ...hu,
      id: request.requestId,
      kind: 'pick',
      from: hu.location,
      to: request.deliverTo,
      bin: hu.location,
    });
    const decision = { kind: 'pick', location: hu.location, handlingUnitId: hu.handlingUnitId } as const;
    this.#picks.set(request.requestId, { fingerprint, decision });
    return decision;
  }

  /** Applies one verified webhook. A webhook-id seen before only counts as a redelivery. */
  applyWebhook(webhookId: string, event: TransportEvent): WebhookOutcome {
    if (this.#seenWebhookIds.has(webhookId)) {
      this.#redeliveries += 1;
      return { kind: 'redelivery' };
    }
    this.#seenWebhookIds.add(webhookId);
    const at = this.#now().toISOString();
    switch (event.type) {
      case 'transport.delivered':
        return this.#delivered(webhookId, event.move, at);
      case 'transport.failed':
      case 'transport.cancelled': {
        const expectation = this.#match(event.ref);
        if (expectation) this.#close(expectation, 'released', webhookId, at);
        this.#notifications.push({
          webhookId,
          type: event.type,
          at,
          ...(event.ref.orderId === undefined ? {} : { orderId: event.ref.orderId }),
          ...(expectation ? { releasedExpectationId: expectation.id } : {}),
        });
        return { kind: 'recorded' };
      }
      case 'container-returned':
        this.#notifications.push({
          webhookId,
          type: 'transport.delivered',
          at,
          ...(event.ref.orderId === undefined ? {} : { orderId: event.ref.orderId }),
        });
        return { kind: 'recorded' };
      case 'other':
        this.#notifications.push({
          webhookId,
          type: event.name,
          at,
          ...(event.orderId === undefined ? {} : { orderId: event.orderId }),
        });
        return { kind: 'recorded' };
    }
  }

  get discrepancies(): readonly Discrepancy[] {
    return this.#discrepancies;
  }

  get moves(): readonly LedgerMove[] {
    return this.#moves;
  }

  get redeliveries(): number {
    return this.#redeliveries;
  }

  state(): LedgerState {
    return {
      expectations: [...this.#expectations.values()],
      putaways: [...this.#putaways.entries()],
      picks: [...this.#picks.entries()],
      seenWebhookIds: [...this.#seenWebhookIds],
      moves: [...this.#moves],
      discrepancies: [...this.#discrepancies],
      notifications: [...this.#notifications],
      redeliveries: this.#redeliveries,
      inventory: this.#inventory.state(),
    };
  }

  /** Replaces the whole book (and the inventory's stock) with a saved state. */
  restore(state: LedgerState): void {
    this.#expectations.clear();
    for (const e of state.expectations) this.#expectations.set(e.id, e);
    this.#putaways.clear();
    for (const [id, answered] of state.putaways) this.#putaways.set(id, answered);
    this.#picks.clear();
    for (const [id, answered] of state.picks) this.#picks.set(id, answered);
    this.#seenWebhookIds.clear();
    for (const id of state.seenWebhookIds) this.#seenWebhookIds.add(id);
    this.#moves.splice(0, this.#moves.length, ...state.moves);
    this.#discrepancies.splice(0, this.#discrepancies.length, ...state.discrepancies);
    this.#notifications.splice(0, this.#notifications.length, ...state.notifications);
    this.#redeliveries = state.redeliveries;
    this.#inventory.restore(state.inventory);
  }

  snapshot(): LedgerSnapshot {
    const expectations = [...this.#expectations.values()];
    return {
      moves: [...this.#moves],
      discrepancies: [...this.#discrepancies],
      redeliveries: this.#redeliveries,
      expectationsOpen: expectations.filter((e) => e.status === 'open').length,
      expectations,
      notifications: [...this.#notifications],
      inventory: this.#inventory.summary(),
    };
  }

  #open(fields: Omit<Expectation, 'status' | 'createdAt'>): void {
    const expectation: Expectation = {
      id: fields.id,
      kind: fields.kind,
      handlingUnitId: fields.handlingUnitId,
      sku: fields.sku,
      quantity: fields.quantity,
      from: fields.from,
      to: fields.to,
      bin: fields.bin,
      status: 'open',
      createdAt: this.#now().toISOString(),
    };
    this.#expectations.set(expectation.id, expectation);
    this.#inventory.reserve(expectation.bin, expectation.id);
  }

  #close(expectation: Expectation, status: 'fulfilled' | 'released', webhookId: string, at: string): void {
    this.#expectations.set(expectation.id, { ...expectation, status, closedAt: at, closedBy: webhookId });
    this.#inventory.release(expectation.bin, expectation.id);
  }

  /** Finds the open expectation a webhook is about: by order id = request id, then HU (+ source), then route. */
  #match(ref: MoveRef): Expectation | undefined {
    const open = [...this.#expectations.values()].filter((e) => e.status === 'open');
    const byId = ref.orderId === undefined ? undefined : this.#expectations.get(ref.orderId);
    if (byId?.status === 'open') return byId;
    if (ref.handlingUnitId !== undefined) {
      const sameHu = open.filter((e) => e.handlingUnitId === ref.handlingUnitId);
      return sameHu.find((e) => e.from === ref.from) ?? sameHu[0];
    }
    if (ref.from !== undefined && ref.to !== undefined) {
      return open.find((e) => e.from === ref.from && e.to === ref.to);
    }
    return undefined;
  }

  /** A pallet held at its line goes to quarantine before it ever reached the warehouse: nothing is off. */
  #straightToQuarantine(move: DeliveredMove, position: ReturnType<Inventory['locate']>): boolean {
    return (
      position === undefined && this.#inventory.isQuarantine(move.to) && !this.#inventory.isBin(move.from)
    );
  }

  #delivered(webhookId: string, move: DeliveredMove, at: string): WebhookOutcome {
    const flag = (reason: DiscrepancyReason, detail: string): Discrepancy => {
      const d: Discrepancy = {
        reason,
        detail,
        webhookId,
        orderId: move.orderId,
        handlingUnitId: move.handlingUnitId,
        from: move.from,
        to: move.to,
        at,
      };
      this.#discrepancies.push(d);
      return d;
    };
    const byId = this.#expectations.get(move.orderId);
    const expectation = byId?.status === 'open' ? byId : undefined;
    const earlier = this.#moves.find(
      (m) =>
        m.orderId === move.orderId &&
        m.handlingUnitId === move.handlingUnitId &&
        m.from === move.from &&
        m.to === move.to,
    );
    if (!expectation && earlier) {
      const detail = `already confirmed by webhook ${earlier.webhookId}`;
      return { kind: 'duplicate', discrepancy: flag('duplicate', detail) };
    }

    const matched = expectation ?? this.#match(move);
    // Moves into quarantine come from MES quality holds, which never ask the WMS first.
    const unexpected = !matched && !this.#inventory.isQuarantine(move.to);
    const found: Discrepancy[] = [];
    const position = this.#inventory.locate(move.handlingUnitId);
    if (unexpected) {
      found.push(flag('unexpected', 'no open expectation matches this move'));
    } else if (position?.location !== move.from && !this.#straightToQuarantine(move, position)) {
      // Not repeated for an unexpected move: the WMS rarely knows where such an HU was.
      found.push(
        flag('hu-not-at-source', position ? `WMS has it at ${position.location}` : 'HU unknown to the WMS'),
      );
    }
    if (matched && matched.to !== move.to) {
      found.push(flag('destination-mismatch', `expected ${matched.to} (request ${matched.id})`));
    }
    const others = this.#inventory.at(move.to).filter((p) => p.handlingUnitId !== move.handlingUnitId);
    if (this.#inventory.isBin(move.to) && others.length > 0) {
      found.push(flag('destination-occupied', `bin holds ${others.map((p) => p.handlingUnitId).join(', ')}`));
    }

    const item: StockItem = position ?? {
      handlingUnitId: move.handlingUnitId,
      sku: move.sku ?? matched?.sku ?? 'unknown',
      quantity: move.quantity ?? matched?.quantity ?? 0,
    };
    this.#inventory.place(item, move.to);
    if (matched) this.#close(matched, 'fulfilled', webhookId, at);
    this.#moves.push({ ...move, webhookId, at, ...(matched ? { expectationId: matched.id } : {}) });
    return { kind: 'moved', discrepancies: found };
  }
}
