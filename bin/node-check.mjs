// Plain JavaScript on purpose: it must run, and explain itself, on a Node too old for TypeScript.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);

/** Stops with one sentence unless this Node runs Lotse's TypeScript directly (22.18+ or 23.6+). */
export function requireModernNode() {
  const ok = major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
  if (ok) return;
  process.stderr.write(
    `lotse: Node ${process.versions.node} is too old; Lotse needs Node 24 LTS (at least 22.18). ` +
      'Start it through npm ("npm ci", then "npm start"): npm runs it on the Node 24 that "npm ci" installs from the npm registry.\n',
  );
  process.exit(1);
}
