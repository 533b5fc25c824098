// One config, one bundle per runtime: the extension host (node, `vscode` external), the CLI (node),
// and the webviews (browser; chart.js bundled, CSS emitted as files so the CSP needs no 'unsafe-inline').
const path = require('path');
const webpack = require('webpack');
const MiniCssExtractPlugin = require('mini-css-extract-plugin');

const dist = path.resolve(__dirname, 'dist');
const tsRule = (configFile) => ({
  test: /\.ts$/,
  exclude: /node_modules/,
  use: [{ loader: 'ts-loader', options: { configFile, transpileOnly: true } }],
});

/** @type {(env: unknown, argv: {mode?: string}) => import('webpack').Configuration[]} */
module.exports = (_env, argv) => {
  const mode = argv.mode === 'development' ? 'development' : 'production';
  const common = {
    mode,
    devtool: mode === 'development' ? 'source-map' : 'nosources-source-map',
    resolve: { extensions: ['.ts', '.js', '.json'] },
    infrastructureLogging: { level: 'warn' },
    stats: 'errors-warnings',
    performance: { hints: false },
  };
  const node = {
    ...common,
    target: 'node20',
    node: { __dirname: false, __filename: false },
    module: { rules: [tsRule(path.resolve(__dirname, 'tsconfig.json'))] },
  };
  return [
    {
      ...node,
      name: 'extension',
      entry: {
        extension: './src/extension/extension.ts',
        parseWorker: './src/extension/parseWorker.ts',
      },
      output: { path: dist, filename: '[name].js', libraryTarget: 'commonjs2' },
      externals: { vscode: 'commonjs vscode' },
    },
    {
      ...node,
      name: 'cli',
      entry: { cli: './src/cli/main.ts' },
      output: { path: dist, filename: '[name].js', libraryTarget: 'commonjs2' },
      plugins: [new webpack.BannerPlugin({ banner: '#!/usr/bin/env -S node --max-semi-space-size=8', raw: true, entryOnly: true })],
    },
    {
      ...common,
      name: 'webview',
      target: 'web',
      entry: {
        summary: './src/webview/summary/main.ts',
        compare: './src/webview/compare/main.ts',
      },
      output: { path: path.join(dist, 'webview'), filename: '[name].js' },
      module: {
        rules: [
          tsRule(path.resolve(__dirname, 'src/webview/tsconfig.json')),
          { test: /\.css$/, use: [MiniCssExtractPlugin.loader, 'css-loader'] },
        ],
      },
      plugins: [new MiniCssExtractPlugin({ filename: '[name].css' })],
    },
  ];
};
