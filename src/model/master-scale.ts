/**
 * The master scale: K rating grades defined by PD boundaries, grade 1 the safest. A bank reports
 * and validates its PD model grade by grade (the ECB's IRB validation instructions, BCBS WP 14),
 * so every logged prediction carries its grade next to its risk label, and the validation report
 * tests each grade's PD against its observed default rate.
 *
 * A probability p belongs to the grade with pdLower <= p < pdUpper; the last grade's upper end
 * (1) is inclusive, so p = 1 (a logit above ~37 rounds to exactly 1 in double) still has a grade.
 * The scale is fitted when the model is trained and stored in the artifact with the development
 * sample's count per grade, which is what grade-distribution PSI and chi-square compare against.
 */

export interface RatingGrade {
  /** 1 = lowest PD. */
  grade: number;
  pdLower: number;
  pdUpper: number;
  /** Development rows (the model's fitting rows) in this grade. */
  developmentCount: number;
}

export interface MasterScale {
  grades: RatingGrade[];
  /** How the boundaries were chosen (shown in the model card and reports). */
  rule: string;
}

export const DEFAULT_GRADE_COUNT = 8;
export const MIN_GRADE_COUNT = 2;
export const MAX_GRADE_COUNT = 25;

export const QUANTILE_SCALE_RULE =
  'boundaries at the development PDs’ equal-count quantiles, rounded to two significant figures (grade 1 from 0, the last grade to 1)';
export const GIVEN_SCALE_RULE = 'boundaries given at training time';

export class MasterScaleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterScaleError';
  }
}

/**
 * Equal-count grades on the development PDs: K − 1 inner boundaries at the quantiles k/K, rounded
 * to two significant figures (a reviewer reads "2.7%", not "2.6831%"). Ties and rounding can merge
 * two boundaries; those are dropped, so the result can have fewer than K grades, never an empty
 * boundary interval.
 */
export function fitMasterScale(developmentPds: ArrayLike<number>, gradeCount = DEFAULT_GRADE_COUNT): MasterScale {
  if (!Number.isInteger(gradeCount) || gradeCount < MIN_GRADE_COUNT || gradeCount > MAX_GRADE_COUNT) {
    throw new MasterScaleError(`grade count must be an integer from ${MIN_GRADE_COUNT} to ${MAX_GRADE_COUNT}, got ${gradeCount}`);
  }
  const sorted = Float64Array.from(developmentPds).sort();
  if (!sorted.length) throw new MasterScaleError('fitting a master scale needs development PDs');
  if (!sorted.every((p) => p >= 0 && p <= 1)) throw new MasterScaleError('development PDs must lie in [0, 1]');
  const inner: number[] = [];
  for (let k = 1; k < gradeCount; k++) {
    const boundary = roundSignificant(sorted[Math.min(sorted.length - 1, Math.floor((k * sorted.length) / gradeCount))], 2);
    if (boundary > 0 && boundary < 1 && (inner.length === 0 || boundary > inner[inner.length - 1])) inner.push(boundary);
  }
  return masterScaleFromBoundaries(inner, developmentPds, QUANTILE_SCALE_RULE);
}

/** A scale from K − 1 strictly increasing inner boundaries in (0, 1), counted on the development PDs. */
export function masterScaleFromBoundaries(
  innerBoundaries: number[],
  developmentPds: ArrayLike<number>,
  rule = GIVEN_SCALE_RULE,
): MasterScale {
  innerBoundaries.forEach((b, i) => {
    if (!(b > 0 && b < 1)) throw new MasterScaleError(`master scale boundary ${i + 1} must lie strictly between 0 and 1, got ${b}`);
    if (i > 0 && !(b > innerBoundaries[i - 1])) {
      throw new MasterScaleError(`master scale boundaries must increase strictly: ${innerBoundaries[i - 1]} then ${b}`);
    }
  });
  if (innerBoundaries.length + 1 < MIN_GRADE_COUNT || innerBoundaries.length + 1 > MAX_GRADE_COUNT) {
    throw new MasterScaleError(`a master scale has ${MIN_GRADE_COUNT} to ${MAX_GRADE_COUNT} grades, got ${innerBoundaries.length + 1}`);
  }
  const edges = [0, ...innerBoundaries, 1];
  const grades: RatingGrade[] = edges.slice(0, -1).map((pdLower, i) => ({
    grade: i + 1,
    pdLower,
    pdUpper: edges[i + 1],
    developmentCount: 0,
  }));
  const scale: MasterScale = { grades, rule };
  countGrades(scale, developmentPds).forEach((count, i) => (grades[i].developmentCount = count));
  return scale;
}

/** Rows per grade (index i = grade i + 1); NaN and values outside [0, 1] are in no grade. */
export function countGrades(scale: MasterScale, probabilities: ArrayLike<number>): number[] {
  const counts = new Array<number>(scale.grades.length).fill(0);
  for (let i = 0; i < probabilities.length; i++) {
    const index = gradeIndexOf(scale, probabilities[i]);
    if (index >= 0) counts[index]++;
  }
  return counts;
}

/** Index into scale.grades of probability p; -1 for NaN or a value outside [0, 1]. */
export function gradeIndexOf(scale: MasterScale, p: number): number {
  const grades = scale.grades;
  if (!(p >= 0 && p <= 1)) return -1;
  // Binary search for the last grade whose lower end is <= p (grades are contiguous).
  let low = 0;
  let high = grades.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (grades[mid].pdLower <= p) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** The grade number (1…K) of probability p, or null for an unscorable (NaN) probability. */
export function gradeOf(scale: MasterScale, p: number): number | null {
  const index = gradeIndexOf(scale, p);
  return index < 0 ? null : scale.grades[index].grade;
}

/** The K − 1 inner boundaries (what SQL's width_bucket and the CLI's --master-scale take). */
export function innerBoundaries(scale: MasterScale): number[] {
  return scale.grades.slice(1).map((g) => g.pdLower);
}

/** Validates untrusted JSON (an artifact field, a stored row); throws MasterScaleError naming the problem. */
export function parseMasterScale(json: unknown): MasterScale {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new MasterScaleError('masterScale must be a JSON object');
  const record = json as Record<string, unknown>;
  const grades = record.grades;
  if (!Array.isArray(grades) || grades.length < MIN_GRADE_COUNT || grades.length > MAX_GRADE_COUNT) {
    throw new MasterScaleError(`masterScale.grades must be an array of ${MIN_GRADE_COUNT} to ${MAX_GRADE_COUNT} grades`);
  }
  const parsed: RatingGrade[] = grades.map((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null) throw new MasterScaleError(`masterScale.grades[${i}] must be an object`);
    const g = entry as Record<string, unknown>;
    const number = (key: string): number => {
      const value = g[key];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new MasterScaleError(`masterScale.grades[${i}].${key} must be a finite number, got ${JSON.stringify(value)}`);
      }
      return value;
    };
    const grade: RatingGrade = {
      grade: number('grade'),
      pdLower: number('pdLower'),
      pdUpper: number('pdUpper'),
      developmentCount: number('developmentCount'),
    };
    if (grade.grade !== i + 1) throw new MasterScaleError(`masterScale.grades[${i}].grade must be ${i + 1}, got ${grade.grade}`);
    if (!Number.isInteger(grade.developmentCount) || grade.developmentCount < 0) {
      throw new MasterScaleError(`masterScale.grades[${i}].developmentCount must be a non-negative integer`);
    }
    return grade;
  });
  if (parsed[0].pdLower !== 0) throw new MasterScaleError('masterScale: grade 1 must start at PD 0');
  if (parsed[parsed.length - 1].pdUpper !== 1) throw new MasterScaleError('masterScale: the last grade must end at PD 1');
  parsed.forEach((g, i) => {
    if (!(g.pdUpper > g.pdLower)) throw new MasterScaleError(`masterScale: grade ${g.grade} has pdUpper <= pdLower`);
    if (i > 0 && g.pdLower !== parsed[i - 1].pdUpper)
      throw new MasterScaleError(`masterScale: grade ${g.grade} does not start where grade ${g.grade - 1} ends`);
  });
  const rule = typeof record.rule === 'string' ? record.rule : GIVEN_SCALE_RULE;
  return { grades: parsed, rule };
}

function roundSignificant(value: number, digits: number): number {
  if (value === 0) return 0;
  return Number(value.toPrecision(digits));
}
