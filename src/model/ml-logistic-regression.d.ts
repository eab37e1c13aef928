/**
 * Type declarations for ml-logistic-regression 2.0 (the package ships none). Only what this
 * project uses: the multi-class wrapper's `load`, which rebuilds its two-class classifiers, and
 * the two-class classifier's `train` / `weights`.
 */
declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';

  namespace LogisticRegression {
    interface TwoClassOptions {
      numSteps: number;
      learningRate: number;
      weights: Matrix | number[][] | null;
    }

    /** Fixed-step batch gradient ascent on the log-likelihood, always starting from zero weights. */
    interface TwoClassClassifier {
      numSteps: number;
      learningRate: number;
      weights: Matrix | null;
      train(features: Matrix, target: Matrix): void;
      testScores(features: Matrix): number[];
    }

    interface SerializedModel {
      name: 'LogisticRegression';
      numSteps: number;
      learningRate: number;
      numberClasses: number;
      classifiers: TwoClassOptions[];
    }
  }

  class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    numberClasses: number;
    classifiers: LogisticRegression.TwoClassClassifier[];
    train(features: Matrix, labels: Matrix): void;
    predict(features: Matrix): number[];
    static load(model: LogisticRegression.SerializedModel): LogisticRegression;
  }

  export = LogisticRegression;
}
