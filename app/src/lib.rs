//! The flagship app: events on EventBridge start a Step Functions state machine that routes on
//! `$.detail.Path`.
