// Builds the bundles: the extension host (vscode external), the rcm CLI
// (no vscode external, so a stray `vscode` import fails the build) with its
// code-cache launcher, and the browser bundle of the webview.
const fs = require('node:fs');
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

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  logLevel: 'silent',
  plugins: [problemMatcher, ioredisCommanderMethods],
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
