export { float, int, categorical, FloatDimension, IntDimension, CategoricalDimension } from './dimensions.js';
export type { Dimension, DimensionJSON, NumericOptions } from './dimensions.js';
export { space, choice, Space, Choice, BRANCH_KEY, isDimension } from './space.js';
export type { ConfigOf, ValueOf, ParamDef, SpaceShape, SpaceNode, SpaceJSON, NodeJSON } from './space.js';
export { spaceFromJSON, loadSpaceFile, MAX_SPACE_FILE_BYTES } from './json.js';
export { Grid, MAX_GRID_POINTS } from './grid.js';
export type { ParamValue, FlatParams } from './params.js';
export { spaceFileSchema, spaceSchemaText, NODE_KINDS } from './json-schema.js';
export type { NodeKind, SchemaNode } from './json-schema.js';
