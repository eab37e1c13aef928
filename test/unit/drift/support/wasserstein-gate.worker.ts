/**
 * Worker for wasserstein-gate.spec.ts: runs gate studies outside Jest's module sandbox, where the
 * simulation runs about 20× faster, so the suite's two cores share the sixteen configurations.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { gateHitRates, GateStudy } from './wasserstein-simulation';

export interface GateStudyJob {
  studies: Array<{ study: GateStudy; shifts: number[] }>;
}

const job = workerData as GateStudyJob;
parentPort!.postMessage(job.studies.map(({ study, shifts }) => gateHitRates(study, shifts)));
