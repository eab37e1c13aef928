import { Logger } from '@nestjs/common';
import { DataProfile, generateRows, loadProfile, ScenarioName } from '../../datasets/generator';

/**
 * Live demo traffic: the service sends itself generated batches over its own GraphQL endpoint,
 * like an upstream scoring system would, authenticated with its own ingest-role API key (made
 * fresh by main.ts on every demo start). Healthy traffic alternates with drift scenarios so the
 * drift verdicts (and later alerts) have something to show.
 */
const PHASES: Array<{ scenario: ScenarioName | null; strength?: number; batches: number }> = [
  { scenario: null, batches: 5 },
  { scenario: 'income_drop', strength: 0.2, batches: 3 },
  { scenario: null, batches: 3 },
  { scenario: 'higher_utilization', strength: 0.1, batches: 3 },
  { scenario: null, batches: 3 },
  { scenario: 'segment_mix', strength: 1, batches: 3 },
];

const DEMO_MUTATION = `mutation Demo($input: IngestBatchInput!) {
  ingestBatch(input: $input) { batchId size scoredWith drift { status globalScore } dataQuality { duplicateCustomerIds } }
}`;

const OUTCOMES_MUTATION = `mutation DemoOutcomes($input: SubmitOutcomesInput!) {
  submitOutcomes(input: $input) { batchesRecomputed conflictCount }
}`;

/** Outcomes arrive this many batches after their applications were scored (labels come late). */
const OUTCOME_DELAY_BATCHES = 3;

export class DemoTraffic {
  private readonly logger = new Logger('Demo');
  private timer: NodeJS.Timeout | null = null;
  /** The batch being sent, if any: stop() waits for it so nothing is sent to a closing service. */
  private inFlight: Promise<void> | null = null;
  private sent = 0;
  private readonly profile: DataProfile;
  /** Generated outcomes of batches already sent, waiting to be "observed". */
  private readonly pendingOutcomes: Array<{ batchId: string; outcomes: Array<{ customerId: string; actualDefault: boolean }> }> = [];

  constructor(
    private readonly url: string,
    /** An API key with the ingest role (ingestBatch, submitOutcomes). */
    private readonly apiKey: string,
    private readonly intervalMs: number,
    private readonly batchSize = 400,
  ) {
    this.profile = loadProfile();
  }

  start(): void {
    this.logger.log({
      msg: 'demo traffic started',
      intervalMs: this.intervalMs,
      batchSize: this.batchSize,
      graphql: `${this.url}/graphql`,
    });
    const tick = async (): Promise<void> => {
      try {
        await this.sendOne();
      } catch (error) {
        this.logger.warn({ msg: 'demo batch failed', error: (error as Error).message });
      }
      if (this.timer !== null) this.timer = setTimeout(run, this.intervalMs);
    };
    const run = (): void => {
      this.inFlight = tick().finally(() => (this.inFlight = null));
    };
    this.timer = setTimeout(run, 500);
  }

  /** No further batches; resolves once the batch being sent (if any) has been answered. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  private headers(): Record<string, string> {
    return { 'content-type': 'application/json', authorization: `Bearer ${this.apiKey}` };
  }

  private phaseFor(index: number): (typeof PHASES)[number] {
    const cycle = PHASES.reduce((n, p) => n + p.batches, 0);
    let position = index % cycle;
    for (const phase of PHASES) {
      if (position < phase.batches) return phase;
      position -= phase.batches;
    }
    return PHASES[0];
  }

  private async submitOutcomes(batch: (typeof this.pendingOutcomes)[number]): Promise<void> {
    const observedAt = new Date().toISOString();
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify({
        query: OUTCOMES_MUTATION,
        variables: { input: { outcomes: batch.outcomes.map((o) => ({ ...o, batchId: batch.batchId, observedAt })) } },
      }),
    });
    const body = (await response.json()) as { errors?: Array<{ message: string }> };
    if (body.errors) throw new Error(body.errors[0].message);
    this.logger.log({ msg: 'demo outcomes submitted', batchId: batch.batchId, outcomes: batch.outcomes.length });
  }

  private async sendOne(): Promise<void> {
    const index = this.sent++;
    const phase = this.phaseFor(index);
    const runId = Date.now().toString(36);
    const rows = generateRows(this.profile, this.batchSize, {
      seed: Date.now() % 1_000_000_007,
      scenario: phase.scenario ?? undefined,
      strength: phase.strength,
      idPrefix: `demo-${runId}`,
    });
    // Scored without labels, like a real application; the generated outcomes are sent later.
    const records = rows.map(({ actualDefault: _label, ...record }) => record);
    const response = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify({
        query: DEMO_MUTATION,
        variables: { input: { batchId: `demo-${runId}-${index}`, metadata: { demo: true, scenario: phase.scenario ?? 'none' }, records } },
      }),
    });
    const body = (await response.json()) as {
      data?: { ingestBatch: { drift: { status: string } | null } };
      errors?: Array<{ message: string }>;
    };
    if (body.errors) throw new Error(body.errors[0].message);
    this.pendingOutcomes.push({
      batchId: `demo-${runId}-${index}`,
      outcomes: rows.map((r) => ({ customerId: r.customerId, actualDefault: r.actualDefault })),
    });
    if (this.pendingOutcomes.length > OUTCOME_DELAY_BATCHES) await this.submitOutcomes(this.pendingOutcomes.shift()!);
    this.logger.log({
      msg: 'demo batch sent',
      batch: index + 1,
      scenario: phase.scenario ?? 'none',
      records: this.batchSize,
      drift: body.data?.ingestBatch.drift?.status ?? 'not evaluated',
    });
  }
}
