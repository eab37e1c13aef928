import { deriveSeed, mulberry32, RandomSource } from '../stats/random';

/**
 * Seeded stratified splits: each class is shuffled on its own and dealt out, so every part keeps
 * the overall default rate (30% in credit-g; a fold without defaults would have no ROC AUC).
 */

export interface HoldoutSplit {
  train: Uint32Array;
  test: Uint32Array;
}

/** `testFraction` of each class (rounded) goes to the test part; row indices are returned sorted. */
export function stratifiedHoldout(labels: ArrayLike<number>, testFraction: number, seed: number): HoldoutSplit {
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`holdout fraction must be in (0, 1), got ${testFraction}`);
  const random = mulberry32(deriveSeed(seed, 1));
  const train: number[] = [];
  const test: number[] = [];
  for (const members of shuffledClasses(labels, random)) {
    const testCount = Math.round(members.length * testFraction);
    members.forEach((row, k) => (k < testCount ? test : train).push(row));
  }
  return { train: Uint32Array.from(train.sort((a, b) => a - b)), test: Uint32Array.from(test.sort((a, b) => a - b)) };
}

/**
 * Fold number (0..folds-1) per row. Rows of each class are dealt round-robin after shuffling, and
 * the dealing continues across classes so fold sizes differ by at most one.
 * `repeat` selects an independent shuffle (repeated cross-validation).
 */
export function stratifiedFolds(labels: ArrayLike<number>, folds: number, seed: number, repeat = 0): Uint8Array {
  if (!Number.isInteger(folds) || folds < 2 || folds > 255) throw new RangeError(`folds must be an integer in 2..255, got ${folds}`);
  const random = mulberry32(deriveSeed(seed, 2, repeat));
  const assignment = new Uint8Array(labels.length);
  let dealt = 0;
  for (const members of shuffledClasses(labels, random)) {
    for (const row of members) assignment[row] = dealt++ % folds;
  }
  return assignment;
}

/** Indices where `assignment[i] === fold` (test) and the rest (train). */
export function foldSplit(assignment: Uint8Array, fold: number): HoldoutSplit {
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < assignment.length; i++) (assignment[i] === fold ? test : train).push(i);
  return { train: Uint32Array.from(train), test: Uint32Array.from(test) };
}

function shuffledClasses(labels: ArrayLike<number>, random: RandomSource): number[][] {
  const negatives: number[] = [];
  const positives: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] === 1 ? positives : negatives).push(i);
  for (const members of [negatives, positives]) {
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const swap = members[i];
      members[i] = members[j];
      members[j] = swap;
    }
  }
  return [negatives, positives];
}
