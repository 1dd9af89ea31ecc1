// @ts-check
/**
 * lambdasim's layers, enforced (STYLE 18): run by `npm run lint` as `npm run lint:layers`.
 * The order, lowest first, and why each layer sits where it does: docs/layers.md.
 *
 * Two rules:
 * - a module may import only from its own layer or a lower one (`layer-<name>-imports-up`);
 * - no module may reach itself through its imports (`no-circular`), within a layer too.
 * Type-only imports count (`tsPreCompilationDeps`): a type a lower layer needs from a higher one
 * is a layering fault like any other; move the type down or invert the dependency instead.
 */

/** Lowest first. Paths are regular expressions over paths from the repository root. */
const LAYERS = [
  { name: 'kernel', paths: ['^src/sim/', '^src/errors[.]ts$'] },
  { name: 'trace', paths: ['^src/TraceEvent[.]ts$', '^src/faults/'] },
  { name: 'world', paths: ['^src/world/'] },
  { name: 'runtime', paths: ['^src/lambda/'] },
  { name: 'services', paths: ['^src/services/'] },
  { name: 'models', paths: ['^src/models/'] },
  { name: 'doors', paths: ['^src/callers/', '^src/aws/'] },
  { name: 'transport', paths: ['^src/transport/', '^src/installAtImport[.]ts$'] },
  { name: 'results', paths: ['^src/results/'] },
  { name: 'simulation', paths: ['^src/Simulation[.]ts$'] },
  { name: 'property', paths: ['^src/checks/', '^src/scenario/', '^src/coverage/', '^src/report/'] },
  { name: 'frontends', paths: ['^src/vitest/', '^src/cli/'] },
  { name: 'entry', paths: ['^src/index[.]ts$'] },
];

/**
 * Upward imports left on purpose, each with its way out. Keep this list short and shrinking.
 * @type {{ fromLayer: string, from: string, to: string, why: string }[]}
 */
const KNOWN_UPWARD = [
  {
    fromLayer: 'models',
    from: '^src/models/streams/DynamoDbStream[.]ts$',
    to: '^src/aws/dynamodb/attributeValue[.]ts$',
    why: 'stream records carry items as AttributeValues: the value codec (itemToWire, valuesEqual) should move below models, apart from the protocol errors it throws',
  },
];

/** The layers above `layer`, as path patterns. */
const above = (i) => LAYERS.slice(i + 1).flatMap((l) => l.paths);

const layerRules = LAYERS.slice(0, -1).flatMap((layer, i) => {
  const comment = `${layer.name} may import only from ${LAYERS.slice(0, i + 1)
    .map((l) => l.name)
    .join(', ')}; this import reaches up into ${LAYERS.slice(i + 1)
    .map((l) => l.name)
    .join(', ')}. Move the shared piece down or invert the dependency (docs/layers.md).`;
  const known = KNOWN_UPWARD.filter((k) => k.fromLayer === layer.name);
  return [
    {
      name: `layer-${layer.name}-imports-up`,
      severity: /** @type {const} */ ('error'),
      comment,
      from: { path: layer.paths, pathNot: known.map((k) => k.from) },
      to: { path: above(i) },
    },
    ...known.map((k) => ({
      name: `layer-${layer.name}-imports-up`,
      severity: /** @type {const} */ ('error'),
      comment: `${comment} (Known exception, to ${k.to} only: ${k.why}.)`,
      from: { path: k.from },
      to: { path: above(i), pathNot: k.to },
    })),
  ];
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'This import closes a circle: the module reaches itself through its imports. Break it at its cause (move the shared type or function below both, or invert the dependency with an interface the lower module owns); see docs/layers.md.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-unknown-layer',
      severity: 'error',
      comment:
        'Every module under src/ belongs to a layer: add its folder to LAYERS in .dependency-cruiser.cjs and to docs/layers.md.',
      from: { path: '^src/', pathNot: LAYERS.flatMap((l) => l.paths) },
      to: {},
    },
  ],
  options: {
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
