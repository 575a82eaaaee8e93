#!/usr/bin/env node
// `npm start`: checks the Node version, then runs the bot (src/main.ts).
import { requireModernNode } from './node-check.mjs';

requireModernNode();
await import('../src/main.ts');
