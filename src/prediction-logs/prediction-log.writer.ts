import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EntityManager } from 'typeorm';
import { FeatureColumns } from '../model/features';
import { PREDICTION_LOG_WRITTEN_COLUMNS } from './prediction-log-columns';

export interface PredictionRows {
  batchUuid: string;
  /** Per record, what is logged besides the feature columns. */
  records: ReadonlyArray<{ customerId: string; actualDefault?: boolean | null }>;
  columns: FeatureColumns;
  probabilities: Float64Array;
  riskLabels: ReadonlyArray<string>;
  /** Rating grade per record (1…25); null when the scoring model has no master scale. */
  grades: ReadonlyArray<number | null>;
  modelVersion: string;
  scoredWith: string;
}

/** Rows per COPY: bounds the text buffered for one chunk (~2 MB at 10,000 rows). */
export const PREDICTION_INSERT_CHUNK = 10_000;

/** Column order of the COPY text built in copyPieces (features in FEATURE_NAMES order). */
const COPY_SQL = `COPY prediction_logs (${PREDICTION_LOG_WRITTEN_COLUMNS}) FROM STDIN`;

/** COPY text format: backslash, tab and line breaks in free text must be escaped. */
function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : value;
}

/**
 * Bulk writer for prediction_logs: COPY ... FROM STDIN on the transaction's own connection, one
 * COPY per chunk. COPY has no bind parameters (PostgreSQL's 65,535 limit never applies) and is the
 * fastest way in; all chunks of a batch commit together or not at all with the caller's
 * transaction (the manager passed in).
 */
@Injectable()
export class PredictionLogWriter {
  async write(manager: EntityManager, rows: PredictionRows): Promise<void> {
    const total = rows.records.length;
    for (let start = 0; start < total; start += PREDICTION_INSERT_CHUNK) {
      await this.insertChunk(manager, rows, start, Math.min(total, start + PREDICTION_INSERT_CHUNK));
    }
  }

  protected async insertChunk(manager: EntityManager, rows: PredictionRows, start: number, end: number): Promise<void> {
    const client = transactionClient(manager);
    // A generator of ~1,000-row pieces: PostgreSQL (another process, another core) parses one
    // piece while Node formats the next, instead of waiting for the whole chunk's text.
    await pipeline(Readable.from(copyPieces(rows, start, end)), client.query(copyFrom(COPY_SQL)));
  }
}

const COPY_PIECE_ROWS = 1_000;

function* copyPieces(rows: PredictionRows, start: number, end: number): Generator<string> {
  const { records, columns, probabilities, riskLabels, grades } = rows;
  const fixed = `\t${copyText(rows.modelVersion)}\t${copyText(rows.scoredWith)}`;
  const observedAt = new Date().toISOString();
  for (let from = start; from < end; from += COPY_PIECE_ROWS) {
    const to = Math.min(end, from + COPY_PIECE_ROWS);
    let text = '';
    for (let i = from; i < to; i++) {
      const label = records[i].actualDefault;
      const grade = grades[i];
      text +=
        `${rows.batchUuid}\t${i}\t${copyText(records[i].customerId)}\t${columns.age[i]}\t${columns.annualIncome[i]}\t` +
        `${columns.debtToIncome[i]}\t${columns.creditUtilization[i]}\t${columns.numOpenAccounts[i]}\t${columns.delinquencyCount[i]}\t` +
        `${columns.loanAmount[i]}\t${columns.employmentYears[i]}\t${probabilities[i]}\t${riskLabels[i]}\t` +
        `${grade === null ? '\\N' : grade}${fixed}\t` +
        (label === undefined || label === null ? '\\N\t\\N\n' : `${label ? 't' : 'f'}\t${observedAt}\n`);
    }
    yield text;
  }
}

/** The pg client behind a transactional EntityManager (COPY needs the raw connection). */
function transactionClient(manager: EntityManager): PoolClient {
  const runner = manager.queryRunner as unknown as { databaseConnection?: PoolClient; isTransactionActive?: boolean } | undefined;
  if (!runner?.databaseConnection || !runner.isTransactionActive) {
    throw new Error('PredictionLogWriter needs the EntityManager of an open transaction');
  }
  return runner.databaseConnection;
}
