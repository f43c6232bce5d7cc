import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConfigIssue } from './errors.js';
import { formatPath } from './errors.js';
import { isPlainObject } from './interpolate.js';

export interface SecretFileOptions {
  /** Relative `…File` paths resolve against this folder (the config file's). */
  baseDir: string;
  readFile?: (path: string) => string;
}

/**
 * Replaces every `<key>File: /path` at a secret path with `<key>: <file contents>` (Docker and
 * systemd credentials are files). Mutates `tree`, which must be a fresh copy. Returns the paths
 * whose file failed, so the schema's "required" for the same field is not reported twice.
 */
export function resolveSecretFiles(
  tree: unknown,
  secretPaths: readonly (readonly string[])[],
  issues: ConfigIssue[],
  options: SecretFileOptions,
): Set<string> {
  const failed = new Set<string>();
  const read = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));

  const visit = (node: unknown, pattern: readonly string[], path: PropertyKey[]): void => {
    const [head, ...rest] = pattern;
    if (head === undefined) return;
    if (head === '*') {
      if (!Array.isArray(node)) return;
      for (const [index, item] of node.entries()) visit(item, rest, [...path, index]);
      return;
    }
    if (!isPlainObject(node)) return;
    if (rest.length > 0) {
      visit(node[head], rest, [...path, head]);
      return;
    }
    const fileKey = `${head}File`;
    if (!(fileKey in node)) return;
    const filePath = node[fileKey];
    delete node[fileKey];
    const at = formatPath([...path, fileKey]);
    if (head in node) {
      issues.push({ path: at, message: `give ${head} or ${fileKey}, not both` });
      return;
    }
    failed.add(formatPath([...path, head]));
    if (typeof filePath !== 'string' || filePath.trim() === '') {
      issues.push({ path: at, message: 'expected a file path' });
      return;
    }
    const absolute = resolve(options.baseDir, filePath);
    let content: string;
    try {
      content = read(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      issues.push({ path: at, message: `cannot read ${absolute} (${code})` });
      return;
    }
    // Files written by `echo` or editors end in a newline that is not part of the secret.
    const value = content.replace(/[\r\n]+$/, '');
    if (value === '') {
      issues.push({ path: at, message: `${absolute} is empty` });
      return;
    }
    node[head] = value;
    failed.delete(formatPath([...path, head]));
  };

  for (const pattern of secretPaths) visit(tree, pattern, []);
  return failed;
}
