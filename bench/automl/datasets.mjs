/** Every bundled dataset and its target column (datasets/README.md). */
export const DATASETS = [
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
