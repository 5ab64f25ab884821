/* global require, module, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, loaded with require() by the extension host */
// Loaded by code-server's extension host (extensionTestsPath): runs the mocha suite next to it
// with the real `vscode` API. The runner reads the mocha reporter's lines and the exit code.
const path = require('node:path');
const Mocha = require('mocha');

module.exports.run = function run() {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60000, color: false, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'extension.test.cjs'));
  mocha.addFile(path.join(__dirname, 'editor.test.cjs'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} tests failed`)) : resolve()));
  });
};
