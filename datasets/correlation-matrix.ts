import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/**
 * Small dense linear algebra for the Gaussian copula: making a correlation matrix valid and
 * factorising it.
 */

/**
 * Nearest valid correlation matrix in the simple eigenvalue-clipping sense: negative or tiny
 * eigenvalues are raised to `floor`, then the diagonal is rescaled back to 1. Element-wise
 * adjustments of a correlation matrix (as the copula calibration makes) can leave it indefinite;
 * this restores positive definiteness with the smallest practical change.
 */
export function nearestCorrelation(matrix: number[][], floor = 1e-3): number[][] {
  const d = matrix.length;
  const symmetric = matrix.map((row, i) => row.map((value, j) => (i === j ? 1 : (value + matrix[j][i]) / 2)));
  const eigen = new EigenvalueDecomposition(new Matrix(symmetric), { assumeSymmetric: true });
  const values = eigen.realEigenvalues.map((v) => Math.max(v, floor));
  const vectors = eigen.eigenvectorMatrix;
  const rebuilt = vectors.mmul(Matrix.diag(values)).mmul(vectors.transpose());
  const out: number[][] = [];
  for (let i = 0; i < d; i++) {
    out.push([]);
    for (let j = 0; j < d; j++) {
      out[i].push(i === j ? 1 : rebuilt.get(i, j) / Math.sqrt(rebuilt.get(i, i) * rebuilt.get(j, j)));
    }
  }
  return out;
}

/** Lower-triangular L with L·Lᵀ = matrix; throws when the matrix is not positive definite. */
export function cholesky(matrix: number[][]): number[][] {
  const d = matrix.length;
  const lower = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i][j];
      for (let k = 0; k < j; k++) sum -= lower[i][k] * lower[j][k];
      if (i === j) {
        if (sum <= 0) throw new RangeError('correlation matrix is not positive definite');
        lower[i][i] = Math.sqrt(sum);
      } else {
        lower[i][j] = sum / lower[j][j];
      }
    }
  }
  return lower;
}
