#!/usr/bin/env node
// `npm run staff`: checks the Node version, then runs the staff CLI (src/staff-cli.ts).
import { requireModernNode } from './node-check.mjs';

requireModernNode();
await import('../src/staff-cli.ts');
