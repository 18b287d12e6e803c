// The flagship app with AWS CDK: one stack `EventSfnDemo` (stack name from
// EVENT_SFN_DEMO_STACK_NAME, as ours) holding the pattern at its root. Writes the cloud assembly
// to $CDK_OUTDIR (what `cdk synth` sets).   NODE_PATH=.tools/cdk-lib/node_modules node app.js
'use strict';
const cdk = require('aws-cdk-lib');
const { routedStateMachine, newApp, stackProps } = require('./pattern');

const app = newApp();
const stack = new cdk.Stack(app, 'EventSfnDemo', stackProps({
  stackName: process.env.EVENT_SFN_DEMO_STACK_NAME || undefined,
  description: 'EventBridge rule starting a Step Functions state machine that routes on $.detail.Path',
}));
routedStateMachine(stack, '', 'StateMachine');
app.synth();
