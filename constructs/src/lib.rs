pub mod stepfunctions;
