/**
 * Minimal typings for the ml.js packages that ship none. Only what the adapters use is declared;
 * the shapes follow the packages' own JavaScript sources (ml-cart 2.1, ml-logistic-regression 2.0).
 */
declare module 'ml-cart' {
  interface CartOptions {
    gainFunction?: string;
    splitFunction?: string;
    minNumSamples?: number;
    maxDepth?: number;
    gainThreshold?: number;
  }
  class CartTree {
    constructor(options?: CartOptions);
    root: unknown;
    train(X: number[][], y: number[]): void;
    predict(X: number[][]): number[];
  }
  const cart: { DecisionTreeClassifier: typeof CartTree; DecisionTreeRegression: typeof CartTree };
  export default cart;
}

declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';
  class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    numberClasses: number;
    classifiers: { weights: Matrix }[];
    train(X: Matrix, Y: Matrix): void;
  }
  export default LogisticRegression;
}
