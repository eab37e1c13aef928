import { createReadStream } from 'node:fs';
import { FEATURE_CSV_COLUMNS, FEATURE_NAMES, FeatureColumns, FeatureName } from './features';

/**
 * Streaming reader for feature CSV files:
 *
 *   customer_id,age,annual_income,...,employment_years[,actual_default]
 *
 * Columns are found by header name (any order; unknown columns are ignored). Rows come out in
 * columnar chunks of at most `chunkRows`, so a file of any size is scored with bounded memory.
 * Every problem is a CsvError naming the 1-based line and the column.
 *
 * Quoting: RFC 4180 double quotes are understood within a line; a quoted field spanning lines is
 * not (none of the feature files need one) and is reported as an error.
 */

export const CUSTOMER_ID_COLUMN = 'customer_id';
export const LABEL_COLUMN = 'actual_default';

export class CsvError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly column: string | null,
    readonly problem: string,
  ) {
    super(`${source}: line ${line}${column === null ? '' : `, column "${column}"`}: ${problem}`);
    this.name = 'CsvError';
  }
}

export interface FeatureCsvChunk {
  /** 1-based file line of the chunk's first row (the header is line 1). */
  firstLine: number;
  length: number;
  customerIds: string[];
  columns: FeatureColumns;
  /** 1 = defaulted; null when the file has no actual_default column. */
  actualDefault: Uint8Array | null;
}

export interface FeatureCsvOptions {
  /** Rows per chunk. Default 16,384 (small enough to stay in the young generation of the heap). */
  chunkRows?: number;
  /** Fail on a missing actual_default column (training, evaluation). Default false. */
  requireLabels?: boolean;
  /** Fail on a missing customer_id column. Default true; when false, ids are "row-<line>". */
  requireCustomerId?: boolean;
  /** Name used in error messages; defaults to the path. */
  sourceName?: string;
}

export interface FeatureCsvTable {
  customerIds: string[];
  columns: FeatureColumns;
  actualDefault: Uint8Array | null;
}

/** Reads a file chunk by chunk. */
export function readFeatureCsv(path: string, options: FeatureCsvOptions = {}): AsyncGenerator<FeatureCsvChunk> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  return parseFeatureCsv(stream, { ...options, sourceName: options.sourceName ?? path });
}

/** Reads a whole (small or medium) file into one table: training and evaluation need all rows. */
export async function readFeatureCsvTable(path: string, options: FeatureCsvOptions = {}): Promise<FeatureCsvTable> {
  return collectChunks(readFeatureCsv(path, options));
}

/** Row-wise view for callers that want records (e.g. drift tools); allocates per row. */
export async function* readFeatureCsvRows(
  path: string,
  options: FeatureCsvOptions = {},
): AsyncGenerator<{ line: number; customerId: string; features: Record<FeatureName, number>; actualDefault: boolean | null }> {
  for await (const chunk of readFeatureCsv(path, options)) {
    for (let i = 0; i < chunk.length; i++) {
      const features = {} as Record<FeatureName, number>;
      for (const name of FEATURE_NAMES) features[name] = chunk.columns[name][i];
      yield {
        line: chunk.firstLine + i,
        customerId: chunk.customerIds[i],
        features,
        actualDefault: chunk.actualDefault ? chunk.actualDefault[i] === 1 : null,
      };
    }
  }
}

export async function collectChunks(chunks: AsyncIterable<FeatureCsvChunk>): Promise<FeatureCsvTable> {
  const parts: FeatureCsvChunk[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    total += chunk.length;
  }
  const columns = {} as FeatureColumns;
  for (const name of FEATURE_NAMES) columns[name] = new Float64Array(total);
  const customerIds: string[] = [];
  const hasLabels = parts.length > 0 && parts[0].actualDefault !== null;
  const actualDefault = hasLabels ? new Uint8Array(total) : null;
  let offset = 0;
  for (const part of parts) {
    for (const name of FEATURE_NAMES) columns[name].set(part.columns[name], offset);
    if (actualDefault && part.actualDefault) actualDefault.set(part.actualDefault, offset);
    for (const id of part.customerIds) customerIds.push(id);
    offset += part.length;
  }
  return { customerIds, columns, actualDefault };
}

/** What each CSV column is used for. */
type ColumnRole = { kind: 'feature'; index: number } | { kind: 'id' } | { kind: 'label' } | { kind: 'ignored' };

/** Parses CSV text arriving in arbitrary string pieces (a file stream, or an array in tests). */
export async function* parseFeatureCsv(
  pieces: AsyncIterable<string | Buffer> | Iterable<string>,
  options: FeatureCsvOptions & { sourceName: string },
): AsyncGenerator<FeatureCsvChunk> {
  const chunkRows = options.chunkRows ?? 16_384;
  const source = options.sourceName;
  let header: HeaderLayout | null = null;
  let chunk: ChunkBuilder | null = null;
  let pending = '';
  let lineNumber = 0;
  let first = true;

  /** Handles text[start, end) as one line (without its newline). */
  const handleLine = (text: string, start: number, end: number, mayHaveQuotes: boolean): FeatureCsvChunk | null => {
    lineNumber++;
    if (end > start && text.charCodeAt(end - 1) === 13) end--; // CRLF files
    if (header === null) {
      const line = text.slice(start, end);
      if (line.trim() === '') throw new CsvError(source, lineNumber, null, 'empty header line: expected column names');
      header = parseHeader(line, source, lineNumber, options);
      chunk = new ChunkBuilder(chunkRows, header.hasLabels);
      return null;
    }
    if (end === start) return null; // blank lines (e.g. a trailing newline) carry no row
    const builder = chunk as ChunkBuilder;
    if (mayHaveQuotes && text.indexOf('"', start) !== -1 && text.indexOf('"', start) < end) {
      builder.addFields(splitFields(text.slice(start, end), source, lineNumber), lineNumber, header, source);
    } else {
      builder.addLine(text, start, end, lineNumber, header, source);
    }
    if (builder.length === chunkRows) {
      chunk = new ChunkBuilder(chunkRows, header.hasLabels);
      return builder.finish();
    }
    return null;
  };

  for await (const piece of pieces) {
    let text = typeof piece === 'string' ? piece : piece.toString('utf8');
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    text = pending + text;
    const mayHaveQuotes = text.indexOf('"') !== -1;
    let start = 0;
    let newline = text.indexOf('\n', start);
    while (newline !== -1) {
      const ready = handleLine(text, start, newline, mayHaveQuotes);
      if (ready) yield ready;
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    pending = text.slice(start);
  }
  if (pending.length > 0) {
    const ready = handleLine(pending, 0, pending.length, pending.indexOf('"') !== -1);
    if (ready) yield ready;
  }
  if (header === null) {
    throw new CsvError(source, 1, null, `empty file: expected a header row with columns ${requiredColumns(options).join(',')}`);
  }
  const last = chunk as ChunkBuilder | null;
  if (last && last.length > 0) yield last.finish();
}

interface HeaderLayout {
  names: string[];
  roles: ColumnRole[];
  hasLabels: boolean;
  hasIds: boolean;
}

function requiredColumns(options: FeatureCsvOptions): string[] {
  const columns = FEATURE_NAMES.map((name) => FEATURE_CSV_COLUMNS[name]);
  if (options.requireCustomerId !== false) columns.unshift(CUSTOMER_ID_COLUMN);
  if (options.requireLabels) columns.push(LABEL_COLUMN);
  return columns;
}

function parseHeader(line: string, source: string, lineNumber: number, options: FeatureCsvOptions): HeaderLayout {
  const names = splitFields(line, source, lineNumber).map((name) => name.trim());
  const featureByColumn = new Map<string, number>(FEATURE_NAMES.map((name, index) => [FEATURE_CSV_COLUMNS[name], index]));
  const seen = new Set<string>();
  const roles = names.map((name): ColumnRole => {
    if (seen.has(name)) throw new CsvError(source, lineNumber, name, 'column appears twice in the header');
    seen.add(name);
    const feature = featureByColumn.get(name);
    if (feature !== undefined) return { kind: 'feature', index: feature };
    if (name === CUSTOMER_ID_COLUMN) return { kind: 'id' };
    if (name === LABEL_COLUMN) return { kind: 'label' };
    return { kind: 'ignored' };
  });
  for (const required of requiredColumns(options)) {
    if (!seen.has(required)) {
      throw new CsvError(source, lineNumber, required, `missing column "${required}" in the header (found: ${names.join(',')})`);
    }
  }
  return { names, roles, hasLabels: seen.has(LABEL_COLUMN), hasIds: seen.has(CUSTOMER_ID_COLUMN) };
}

class ChunkBuilder {
  length = 0;
  private readonly values: Float64Array[];
  private readonly ids: string[] = [];
  private readonly labels: Uint8Array | null;
  private firstLine = 0;

  constructor(
    private readonly capacity: number,
    hasLabels: boolean,
  ) {
    this.values = FEATURE_NAMES.map(() => new Float64Array(capacity));
    this.labels = hasLabels ? new Uint8Array(capacity) : null;
  }

  /**
   * Fast path for unquoted lines: fields are scanned in place in the decoded text, numbers parsed
   * from character codes; only the customer id becomes a (sliced) string.
   */
  addLine(text: string, start: number, end: number, lineNumber: number, header: HeaderLayout, source: string): void {
    if (this.length === 0) this.firstLine = lineNumber;
    const row = this.length;
    const roles = header.roles;
    let fieldStart = start;
    let c = 0;
    for (;;) {
      let fieldEnd = text.indexOf(',', fieldStart);
      if (fieldEnd === -1 || fieldEnd > end) fieldEnd = end;
      if (c >= roles.length) {
        throw new CsvError(source, lineNumber, null, `expected ${roles.length} fields as in the header, found more`);
      }
      const role = roles[c];
      if (role.kind === 'feature') {
        let value = parseSimpleDecimal(text, fieldStart, fieldEnd);
        if (Number.isNaN(value)) value = parseNumberField(text.slice(fieldStart, fieldEnd), source, lineNumber, header.names[c]);
        this.values[role.index][row] = value;
      } else if (role.kind === 'id') {
        this.ids.push(text.slice(fieldStart, fieldEnd));
      } else if (role.kind === 'label' && this.labels) {
        this.labels[row] = parseLabel(text.slice(fieldStart, fieldEnd), source, lineNumber);
      }
      c++;
      if (fieldEnd >= end) break;
      fieldStart = fieldEnd + 1;
    }
    if (c !== roles.length) {
      throw new CsvError(source, lineNumber, null, `expected ${roles.length} fields as in the header, found ${c}`);
    }
    if (!header.hasIds) this.ids.push(`row-${lineNumber}`);
    this.length++;
  }

  /** Slow path: a line already split into fields (quoted values). */
  addFields(fields: string[], lineNumber: number, header: HeaderLayout, source: string): void {
    if (this.length === 0) this.firstLine = lineNumber;
    const row = this.length;
    if (fields.length !== header.roles.length) {
      throw new CsvError(source, lineNumber, null, `expected ${header.roles.length} fields as in the header, found ${fields.length}`);
    }
    for (let c = 0; c < fields.length; c++) {
      const role = header.roles[c];
      if (role.kind === 'feature') {
        this.values[role.index][row] = parseNumberField(fields[c], source, lineNumber, header.names[c]);
      } else if (role.kind === 'id') {
        this.ids.push(fields[c]);
      } else if (role.kind === 'label' && this.labels) {
        this.labels[row] = parseLabel(fields[c], source, lineNumber);
      }
    }
    if (!header.hasIds) this.ids.push(`row-${lineNumber}`);
    this.length++;
  }

  finish(): FeatureCsvChunk {
    const columns = {} as FeatureColumns;
    FEATURE_NAMES.forEach((name, j) => {
      columns[name] = this.length === this.capacity ? this.values[j] : this.values[j].slice(0, this.length);
    });
    return {
      firstLine: this.firstLine,
      length: this.length,
      customerIds: this.ids,
      columns,
      actualDefault: this.labels ? (this.length === this.capacity ? this.labels : this.labels.slice(0, this.length)) : null,
    };
  }
}

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Parses plain decimals ("-12", "0.1234") straight from character codes; NaN means "not simple,
 * use Number()". With at most 15 digits the digit string is an exact integer m, and m / 10^k with
 * k <= 22 is one correctly rounded IEEE division of two exact values — the same double Number()
 * returns (the exact fast path of Clinger's algorithm), so file and in-memory scores agree.
 */
function parseSimpleDecimal(text: string, from: number, to: number): number {
  let i = from;
  let negative = false;
  if (i < to && text.charCodeAt(i) === 45) {
    negative = true;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = 0;
  let seenPoint = false;
  for (; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      mantissa = mantissa * 10 + (code - 48);
      digits++;
      if (seenPoint) fractionDigits++;
    } else if (code === 46 && !seenPoint) {
      seenPoint = true;
    } else {
      return Number.NaN;
    }
  }
  if (digits === 0 || digits > 15 || fractionDigits > 22) return Number.NaN;
  const value = fractionDigits === 0 ? mantissa : mantissa / POWERS_OF_TEN[fractionDigits];
  return negative ? -value : value;
}

/** General numeric field (exponents, spaces, long digit strings) with a CsvError when invalid. */
function parseNumberField(text: string, source: string, lineNumber: number, column: string): number {
  const value = text.trim().length === 0 ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) {
    const problem = text.trim().length === 0 ? 'empty value, expected a number' : `"${text}" is not a finite number`;
    throw new CsvError(source, lineNumber, column, problem);
  }
  return value;
}

function parseLabel(text: string, source: string, lineNumber: number): number {
  switch (text.trim()) {
    case '1':
    case 'true':
    case 'True':
    case 'TRUE':
      return 1;
    case '0':
    case 'false':
    case 'False':
    case 'FALSE':
      return 0;
    default:
      throw new CsvError(source, lineNumber, LABEL_COLUMN, `"${text}" is not a label (expected true/false/1/0)`);
  }
}

/** Splits one line honouring double quotes ("" inside quotes is a literal quote). */
export function splitFields(line: string, source: string, lineNumber: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close === -1) throw new CsvError(source, lineNumber, null, 'unterminated quoted field (quoted line breaks are not supported)');
        value += line.slice(i, close);
        if (line[close + 1] === '"') {
          value += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      fields.push(value);
      if (i < line.length && line[i] !== ',') {
        throw new CsvError(source, lineNumber, null, `unexpected text after a closing quote at character ${i + 1}`);
      }
    } else {
      const comma = line.indexOf(',', i);
      const end = comma === -1 ? line.length : comma;
      fields.push(line.slice(i, end));
      i = end;
    }
    if (i >= line.length) break;
    i++; // skip the comma
    if (i === line.length) {
      fields.push('');
      break;
    }
  }
  return fields;
}
