import { describeEstimatorContract } from '../../contracts/estimator-contract.js';
import { extraTreesSpec, gradientBoostingSpec, logisticRegressionSpec, randomForestSpec, ridgeSpec } from '../../../src/models/fast/index.js';

describeEstimatorContract(gradientBoostingSpec, [
  { params: {}, task: 'classification' },
  { params: { max_leaves: 8, subsample: 0.7, colsample: 0.5, early_stopping: 'on', n_iter_no_change: 5 }, task: 'classification' },
  { params: { learning_rate: 0.2, max_depth: 3, l2: 1 }, task: 'regression' },
]);
describeEstimatorContract(randomForestSpec, [
  { params: { n_estimators: 20 }, task: 'classification' },
  { params: { n_estimators: 20, criterion: 'entropy', max_depth: 6, bootstrap: false }, task: 'classification' },
  { params: { n_estimators: 20, max_features: 0.5 }, task: 'regression' },
]);
describeEstimatorContract(extraTreesSpec, [
  { params: { n_estimators: 20 }, task: 'classification' },
  { params: { n_estimators: 20, min_samples_leaf: 3 }, task: 'regression' },
]);
describeEstimatorContract(logisticRegressionSpec, [
  { params: {}, task: 'classification' },
  { params: { C: 0.05 }, task: 'classification' },
  { params: { penalty: 'l1' }, task: 'classification' },
  { params: { penalty: 'l1', C: 0.2 }, task: 'classification' },
]);
describeEstimatorContract(ridgeSpec, [
  { params: {}, task: 'regression' },
  { params: { alpha: 0 }, task: 'regression' },
]);
