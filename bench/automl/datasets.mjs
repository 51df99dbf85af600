/** Every bundled dataset and its target column (datasets/README.md). */
export const SMALL = [
  ['iris', 'species'],
  ['wine', 'class'],
  ['breast-cancer', 'diagnosis'],
  ['digits', 'digit'],
  ['diabetes-progression', 'progression'],
  ['credit-g', 'class'],
  ['soybean', 'class'],
  ['vote', 'Class'],
  ['glass', 'Type'],
  ['ionosphere', 'class'],
  ['labor', 'class'],
  ['cpu', 'class'],
  ['segment', 'class'],
  ['uci-breast-cancer', 'Class'],
];

/**
 * The nine medium datasets (4,600-254,654 rows) of the shared folder (`../shared/datasets/medium/`,
 * or $AUTOML_SHARED_DATASETS/medium), with their target columns; provenance in that folder.
 */
export const MEDIUM = [
  ['spam', 'type'],
  ['doctor-visits', 'visits'],
  ['health-insurance', 'insurance'],
  ['income', 'INCOME'],
  ['ticdata', 'CARAVAN'],
  ['smoke-ban', 'smoker'],
  ['cps1988', 'wage'],
  ['diamonds', 'price'],
  ['fertility', 'morekids'],
].map(([name, target]) => [name, target, 'medium']);

/** Every dataset: [name, target, folder] (folder undefined: the bundled datasets/). */
export const DATASETS = [...SMALL, ...MEDIUM];
