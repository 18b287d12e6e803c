// node compare.js OURS_DIR THEIRS_DIR: compares two cloud assemblies as the synth benchmark needs
// (the same work on both sides): the same stack templates (*.template.json), and in each the same
// resources (logical ID and type) and outputs. Prints "the same N stack(s), N resources (logical
// IDs and types) and N outputs as ours" and exits 0, or lists the differences and exits 1.
'use strict';
const fs = require('fs');
const path = require('path');

const [ours, theirs] = process.argv.slice(2);
const templates = (dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).sort();
const load = (dir, f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));

const problems = [];
const a = templates(ours);
const b = templates(theirs);
if (a.join() !== b.join()) problems.push(`templates: ours ${a.join(', ')}; theirs ${b.join(', ')}`);
let resources = 0;
let outputs = 0;
for (const f of a.filter((f) => b.includes(f))) {
  const ta = load(ours, f);
  const tb = load(theirs, f);
  const ra = Object.entries(ta.Resources || {}).map(([id, r]) => `${id} ${r.Type}`).sort();
  const rb = Object.entries(tb.Resources || {}).map(([id, r]) => `${id} ${r.Type}`).sort();
  for (const r of ra.filter((r) => !rb.includes(r))) problems.push(`${f}: only ours has ${r}`);
  for (const r of rb.filter((r) => !ra.includes(r))) problems.push(`${f}: only theirs has ${r}`);
  const oa = Object.keys(ta.Outputs || {}).sort();
  const ob = Object.keys(tb.Outputs || {}).sort();
  if (oa.join() !== ob.join()) problems.push(`${f}: outputs differ: ours ${oa.join(', ')}; theirs ${ob.join(', ')}`);
  resources += ra.length;
  outputs += oa.length;
}
if (problems.length > 0) {
  console.log(problems.slice(0, 20).join('\n'));
  process.exit(1);
}
console.log(`the same ${a.length} stack${a.length === 1 ? '' : 's'}, ${resources} resources (logical IDs and types) and ${outputs} outputs as ours`);
