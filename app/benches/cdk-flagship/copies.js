// 1000 copies of the pattern with AWS CDK, as app::copies_app(1000): stacks Copies01..Copies16 of
// at most 450 resources (64 copies each), copy i under the construct `Pattern%04d` with outputs
// prefixed by that id. Writes the cloud assembly to $CDK_OUTDIR.
'use strict';
const cdk = require('aws-cdk-lib');
const { Construct } = require('constructs');
const { routedStateMachine, newApp, stackProps } = require('./pattern');

const copies = Number(process.env.COPIES || 1000);
const perStack = Math.floor(450 / 7);
const app = newApp();
for (let s = 0; s * perStack < copies; s++) {
  const stack = new cdk.Stack(app, `Copies${String(s + 1).padStart(2, '0')}`, stackProps());
  for (let i = s * perStack; i < Math.min(copies, (s + 1) * perStack); i++) {
    const id = `Pattern${String(i).padStart(4, '0')}`;
    routedStateMachine(new Construct(stack, id), id, id);
  }
}
app.synth();
