/**
 * The import directions of src/ (see README "Design"). A module may import only from the folders
 * listed for it below; anything else, and any import cycle, fails `npm run deps` (run in CI).
 * Type-only imports count: a type import is still a dependency of the design.
 */
const layers = {
  util: [],
  numeric: ['util'],
  space: ['util', 'numeric'],
  trial: ['util', 'space'],
  samplers: ['util', 'numeric', 'space', 'trial'],
  pruners: ['util', 'trial'],
  storage: ['util', 'space', 'trial'],
  protocol: ['util', 'trial'],
  coordinator: ['util', 'protocol', 'trial'],
  study: ['util', 'numeric', 'space', 'trial', 'samplers', 'pruners', 'storage', 'protocol', 'coordinator'],
  data: ['util'],
  models: ['util', 'numeric', 'data'],
  pipeline: ['util', 'numeric', 'data', 'models'],
  evaluation: ['util', 'numeric', 'data', 'models', 'pipeline'],
  worker: ['util', 'protocol'],
  'automl/worker': ['util', 'numeric', 'data', 'models', 'pipeline', 'evaluation', 'protocol', 'worker'],
  serving: ['util', 'numeric', 'data', 'models', 'pipeline', 'evaluation', 'protocol'],
  automl: ['util', 'numeric', 'space', 'trial', 'samplers', 'pruners', 'storage', 'protocol', 'coordinator', 'study',
    'data', 'models', 'pipeline', 'evaluation', 'serving', 'automl/worker'],
  report: ['util', 'numeric', 'space', 'trial', 'samplers', 'pruners', 'storage', 'study', 'data', 'models', 'pipeline',
    'evaluation', 'serving', 'automl', 'automl/worker'],
  cli: ['util', 'numeric', 'space', 'trial', 'samplers', 'pruners', 'storage', 'protocol', 'coordinator', 'study', 'data',
    'models', 'pipeline', 'evaluation', 'serving', 'automl', 'automl/worker', 'report'],
};

const esc = (s) => s.replace(/[/]/g, '\\/');
// automl/worker is matched before automl: a more specific folder is its own layer.
const folderOf = (name) => (name === 'automl' ? '^src/automl/(?!worker/)' : `^src/${esc(name)}/`);

const allowed = [
  // npm packages and Node built-ins: anywhere (which packages a layer may use is not this file's concern)
  { from: {}, to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown', 'core'] } },
  // the public entry imports every layer but the CLI
  { from: { path: '^src/index\\.ts$' }, to: { path: '^src/(?!cli/)' } },
  ...Object.entries(layers).map(([name, deps]) => ({
    from: { path: folderOf(name) },
    to: { path: [name, ...deps].map(folderOf) },
  })),
];

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'Import cycles make modules impossible to understand, test or load alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a broken build.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  allowed,
  allowedSeverity: 'error',
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.d.ts'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
