// The flagship's event-routing pattern written with AWS CDK (aws-cdk-lib), construct for
// construct as app/src/pattern.rs builds it: a log group (retained, no retention), a state
// machine (Choice on $.detail.Path: "A" -> PathA, "B" -> PathB, else Fail) logging everything to
// it, an EventBridge rule for demo.sfn events of the stack's account targeting the state machine
// (through the state machine's singleton EventsRole), and two outputs. Plain JavaScript (no
// TypeScript compile step); aws-cdk-lib and constructs come from NODE_PATH (scripts/bench installs
// them pinned into .tools/cdk-lib).
'use strict';
const cdk = require('aws-cdk-lib');
const logs = require('aws-cdk-lib/aws-logs');
const sfn = require('aws-cdk-lib/aws-stepfunctions');
const events = require('aws-cdk-lib/aws-events');
const targets = require('aws-cdk-lib/aws-events-targets');

/** The pattern's constructs directly under `scope`; outputs `<prefix>LogGroupName` and
 * `<prefix>StateMachineName` in the stack; `suffix` goes into the log group's name. */
function routedStateMachine(scope, outputPrefix, suffix) {
  const stack = cdk.Stack.of(scope);
  const stackUid = cdk.Fn.select(0, cdk.Fn.split('-', cdk.Fn.select(2, cdk.Fn.split('/', cdk.Aws.STACK_ID))));
  const logGroup = new logs.LogGroup(scope, 'LogGroup', {
    logGroupName: cdk.Fn.sub(`/aws/vendedlogs/states/\${AWS::StackName}-${suffix}-\${StackUid}`, { StackUid: stackUid }),
    retention: logs.RetentionDays.INFINITE,
    removalPolicy: cdk.RemovalPolicy.RETAIN,
  });
  const definition = new sfn.Choice(scope, 'WhichPath?')
    .when(sfn.Condition.stringEquals('$.detail.Path', 'A'), new sfn.Pass(scope, 'PathA'))
    .when(sfn.Condition.stringEquals('$.detail.Path', 'B'), new sfn.Pass(scope, 'PathB'))
    .otherwise(new sfn.Fail(scope, 'Fail'));
  const stateMachine = new sfn.StateMachine(scope, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromChainable(definition),
    comment: 'Simple State Machine with Choice',
    logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
  });
  new events.Rule(scope, 'Rule', {
    description: 'Starts the state machine for demo.sfn events of this account',
    eventPattern: { account: [cdk.Aws.ACCOUNT_ID], source: ['demo.sfn'] },
    targets: [new targets.SfnStateMachine(stateMachine)],
  });
  new cdk.CfnOutput(stack, `${outputPrefix}LogGroupName`, {
    value: logGroup.logGroupName,
    description: "Log group receiving the state machine's logs",
  });
  new cdk.CfnOutput(stack, `${outputPrefix}StateMachineName`, {
    value: stateMachine.stateMachineName,
    description: 'Name of the state machine',
  });
}

/** An app as ours writes it: no CDKMetadata resource, no bootstrap parameter, rule or asset
 * manifest (the legacy synthesizer: the template goes to CloudFormation as it is). */
function newApp() {
  return new cdk.App({ analyticsReporting: false });
}

function stackProps(extra) {
  return { synthesizer: new cdk.LegacyStackSynthesizer(), ...extra };
}

module.exports = { routedStateMachine, newApp, stackProps };
