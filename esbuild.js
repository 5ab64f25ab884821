// Builds the bundles: the extension host (vscode external), the rcm CLI
// (no vscode external, so a stray `vscode` import fails the build) with its
// code-cache launcher, and the browser bundle of the webview.
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the format the `$esbuild-watch` problem matcher parses. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

/**
 * ioredis adds its ~570 command methods to Commander.prototype one at a time when it loads; V8
 * pays ~17 µs for each property added to a class's prototype, 10 ms of every rcm start (measured
 * on Node 20). The same methods go on a plain object that becomes the prototype of
 * Commander.prototype in one step: lookups find the same functions, Commander's own methods
 * stay in front. The build fails if ioredis's code no longer matches.
 */
const ioredisCommanderMethods = {
  name: 'ioredis-commander-methods',
  setup(build) {
    build.onLoad({ filter: /ioredis[\\/]built[\\/]utils[\\/]Commander\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const from = [
        'commands.forEach(function (commandName) {',
        '    Commander.prototype[commandName] = generateFunction(commandName, commandName, "utf8");',
        '    Commander.prototype[commandName + "Buffer"] = generateFunction(commandName + "Buffer", commandName, null);',
        '});',
      ].join('\n');
      if (!source.includes(from)) throw new Error(`${args.path}: ioredis changed, review the ioredis-commander-methods plugin in esbuild.js`);
      const to = [
        'const commandMethods = Object.create(Object.getPrototypeOf(Commander.prototype));',
        'commands.forEach(function (commandName) {',
        '    commandMethods[commandName] = generateFunction(commandName, commandName, "utf8");',
        '    commandMethods[commandName + "Buffer"] = generateFunction(commandName + "Buffer", commandName, null);',
        '});',
        'Object.setPrototypeOf(Commander.prototype, commandMethods);',
      ].join('\n');
      return { contents: source.replace(from, to), loader: 'js' };
    });
  },
};

/**
 * ioredis's index and Redis.js load its Cluster and Sentinel code (and Node's dns, through them) when they load,
 * though rcm uses neither (one plain connection per node). Those requires become getters that load the module
 * on first use, so a short subcommand such as `check` does not evaluate them. The build fails if ioredis's code
 * no longer matches.
 */
const lazyDefault = (spec) => `{ get default() { return require("${spec}").default; } }`;
const IOREDIS_LAZY = {
  'Redis.js': [
    ['const cluster_1 = require("./cluster");', `const cluster_1 = ${lazyDefault('./cluster')};`],
    ['const SentinelConnector_1 = require("./connectors/SentinelConnector");', `const SentinelConnector_1 = ${lazyDefault('./connectors/SentinelConnector')};`],
    ['Redis.Cluster = cluster_1.default;', 'Object.defineProperty(Redis, "Cluster", { enumerable: true, configurable: true, get: () => cluster_1.default });'],
  ],
  'index.js': [
    ['var cluster_1 = require("./cluster");', `var cluster_1 = ${lazyDefault('./cluster')};`],
    [
      'var SentinelConnector_1 = require("./connectors/SentinelConnector");',
      'var SentinelConnector_1 = { get default() { return require("./connectors/SentinelConnector").default; }, get SentinelIterator() { return require("./connectors/SentinelConnector").SentinelIterator; } };',
    ],
  ],
  [`connectors${path.sep}index.js`]: [
    ['const SentinelConnector_1 = require("./SentinelConnector");', `const SentinelConnector_1 = ${lazyDefault('./SentinelConnector')};`],
    ['exports.SentinelConnector = SentinelConnector_1.default;', 'Object.defineProperty(exports, "SentinelConnector", { enumerable: true, get: () => SentinelConnector_1.default });'],
  ],
};
const ioredisLazyCluster = {
  name: 'ioredis-lazy-cluster',
  setup(build) {
    build.onLoad({ filter: /ioredis[\\/]built[\\/](Redis|index|connectors[\\/]index)\.js$/ }, async (args) => {
      const file = Object.keys(IOREDIS_LAZY).find((f) => args.path.endsWith(`built${path.sep}${f}`));
      if (!file) return undefined;
      let source = await fs.promises.readFile(args.path, 'utf8');
      for (const [from, to] of IOREDIS_LAZY[file]) {
        if (!source.includes(from)) throw new Error(`${args.path}: ioredis changed, review the ioredis-lazy-cluster plugin in esbuild.js`);
        source = source.replace(from, to);
      }
      return { contents: source, loader: 'js' };
    });
  },
};

/**
 * Node's tls (~5 ms to load, measured on Node 20), crypto (~3.5 ms), assert and perf_hooks (~1.4 ms each),
 * child_process and dns/promises are loaded by the CLI bundle on start although most runs use none of them
 * (tls only with --tls, child_process for the sandbox, dns for names, crypto for a lease's token, assert in
 * redis-errors' ParserError, perf_hooks for RCM_PROFILE): in the CLI bundle they become modules of getters
 * that load the real one on first use (a module that is a function, assert, becomes a function calling it).
 */
const LAZY_BUILTINS = ['tls', 'crypto', 'assert', 'perf_hooks', 'child_process', 'dns/promises'];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
    build.onResolve({ filter }, (args) =>
      args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' },
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      const real = require(`node:${args.path}`);
      const shell = typeof real === 'function' ? (...a) => a : {};
      const getters = Object.getOwnPropertyNames(real)
        .filter((k) => !Object.prototype.hasOwnProperty.call(shell, k))
        .map((k) => `${JSON.stringify(k)}: { enumerable: true, get: () => load()[${JSON.stringify(k)}] }`)
        .join(',\n');
      const base = typeof real === 'function' ? '(...args) => load()(...args)' : '{}';
      return { contents: `const load = () => require("node:${args.path}");\nmodule.exports = Object.defineProperties(${base}, {\n${getters}\n});\n`, loader: 'js' };
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  logLevel: 'silent',
  plugins: [problemMatcher, ioredisCommanderMethods, ioredisLazyCluster],
};

const configs = [
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli-main.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The launcher runs this bundle as a vm.Script, which has no import(): a lazy import() becomes a require.
    supported: { 'dynamic-import': false },
    plugins: [...common.plugins, lazyBuiltins],
  },
  // `rcm` itself: a small launcher running dist/cli-main.js through V8's code cache (src/cli/launch.ts).
  {
    ...common,
    entryPoints: ['src/cli/launch.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview/main.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

async function main() {
  const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  try {
    const results = await Promise.all(contexts.map((c) => c.rebuild()));
    if (results.some((r) => r.errors.length > 0)) process.exitCode = 1;
  } catch {
    process.exitCode = 1;
  } finally {
    await Promise.all(contexts.map((c) => c.dispose()));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
