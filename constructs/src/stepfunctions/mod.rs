//! AWS Step Functions: the typed States Language builder ([`asl`]) and the state machine construct.

pub mod asl;
