import { generateRows, loadProfile } from '../../datasets/generator';
import { TaskProgress } from '../../src/common/workers/worker-task';
import { ChallengerTrainingPool } from '../../src/retraining/challenger-training.pool';
import { ingestMutation } from '../support/applications';
import { whilePolling } from '../support/health-poller';
import { TestService } from '../support/service';
import { useServiceFixture } from '../support/service-fixture';

// The instance keeps serving while CPU-heavy work runs (issue 12): a /health poller, started
// before the work, must see several answers arrive before the work finishes. The service runs in
// this process, so a blocked event loop would hold back the poller's answers until the work
// ended. No latency figures here: those belong to the benchmark. Each heavy workload gets its own
// `it` (and, when it needs other settings or data, its own describe with its own fixture), using
// whilePolling from test/support/health-poller.ts.
jest.setTimeout(180_000);

const INGEST = ingestMutation('batchId');
const RETRAIN = `mutation($input: RetrainModelInput!) { retrainModel(input: $input) {
  version status comparison { championVersion holdoutRows trainingRows challenger { rocAuc } champion { rocAuc } } } }`;

interface Candidate {
  version: string;
  status: string;
  comparison: { championVersion: string; holdoutRows: number; trainingRows: number };
}

/** Several answers, not one: a single answer could be the one already in flight when the work began. */
const SEVERAL = 3;

interface TrainingTask {
  startedAt: number;
  endedAt: number;
  progress: TaskProgress[];
  /** Resolves when the worker sent its first progress report: the task is running in a worker. */
  running: Promise<void>;
}

/** Watches the next retrainModel's worker task (the CPU part of the mutation): its times and progress. */
function watchTrainingTask(service: TestService): TrainingTask {
  const pool = service.app.get(ChallengerTrainingPool);
  const train = pool.train.bind(pool);
  let running!: () => void;
  const task: TrainingTask = { startedAt: 0, endedAt: 0, progress: [], running: new Promise((resolve) => (running = resolve)) };
  jest.spyOn(pool, 'train').mockImplementation(async (input, onProgress) => {
    task.startedAt = performance.now();
    try {
      return await train(input, (report) => {
        task.progress.push(report);
        running();
        onProgress?.(report);
      });
    } finally {
      task.endedAt = performance.now();
    }
  });
  return task;
}

const range = () => ({ fromDate: new Date(Date.now() - 3_600_000).toISOString(), toDate: new Date(Date.now() + 3_600_000).toISOString() });

describe('serving while challenger training runs (real PostgreSQL)', () => {
  // Five cross-validation folds on 5,000 labelled rows: six fits, seconds of CPU work. No queue:
  // one training at a time, so a second request during one is refused.
  const fixture = useServiceFixture({ RETRAIN_CV_FOLDS: '5', WORKER_THREADS: '1', WORKER_QUEUE_LIMIT: '0' });

  beforeAll(async () => {
    const rows = generateRows(loadProfile(), 5_000, { seed: 12, scenario: 'concept_drift', idPrefix: 'load' });
    for (let i = 0; i < 5; i++) {
      const response = await fixture.service.gql(INGEST, {
        input: { batchId: `load-${i}`, records: rows.slice(i * 1_000, (i + 1) * 1_000) },
      });
      expect(response.errors).toBeUndefined();
    }
  });
  afterEach(() => jest.restoreAllMocks());

  it('keeps answering /health while retrainModel trains and cross-validates in a worker thread', async () => {
    const { service } = fixture;
    const task = watchTrainingTask(service);
    const {
      result: response,
      during,
      poller,
    } = await whilePolling(service.url, () =>
      service.gql<{ retrainModel: Candidate }>(RETRAIN, { input: { ...range(), includeTrainingData: false } }),
    );

    expect(response.errors).toBeUndefined();
    const candidate = response.data!.retrainModel;
    expect(candidate.status).toBe('CANDIDATE');
    expect(candidate.comparison.holdoutRows + candidate.comparison.trainingRows).toBe(5_000);
    expect(task.progress).toContainEqual({ stage: 'cross-validation', fold: 5, folds: 5 });

    // Answers arrived while the mutation was pending, and while the worker trained in particular.
    expect(during.length).toBeGreaterThanOrEqual(SEVERAL);
    expect(poller.arrivedBetween(task.startedAt, task.endedAt).length).toBeGreaterThanOrEqual(SEVERAL);
    expect(poller.answers.every((answer) => answer.status === 200)).toBe(true);
  });

  it('refuses a retrainModel that finds the worker busy and its queue full with SERVICE_BUSY; the running one completes', async () => {
    const { service } = fixture;
    const task = watchTrainingTask(service);
    // includeTrainingData: true is another request than the first test's, so it really trains.
    const first = service.gql<{ retrainModel: Candidate }>(RETRAIN, { input: { ...range(), includeTrainingData: true } });
    await task.running;

    const refused = await service.gql(RETRAIN, { input: { ...range(), includeTrainingData: false } });
    expect(refused.errors![0].extensions).toMatchObject({
      code: 'SERVICE_BUSY',
      pool: 'challenger-training',
      running: 1,
      queued: 0,
      queueLimit: 0,
      retryable: true,
    });
    expect(refused.errors![0].message).toMatch(/busy .*retry later/);

    const response = await first;
    expect(response.errors).toBeUndefined();
    expect(response.data!.retrainModel.status).toBe('CANDIDATE');
    // Free again: the same refused request now goes through (the stored candidate of the first test).
    const retried = await service.gql<{ retrainModel: Candidate }>(RETRAIN, { input: { ...range(), includeTrainingData: false } });
    expect(retried.errors).toBeUndefined();
  });
});
