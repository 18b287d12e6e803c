//! The scripted fake API ([`crate::testing`]) speaking CloudFormation's query protocol: a client
//! on it and its XML answers.

pub(crate) use crate::testing::{FakeApi, Reply};

/// Starts a fake answering in XML, as CloudFormation's query protocol does.
pub(crate) fn start(replies: Vec<Reply>) -> FakeApi {
    FakeApi::start("text/xml", replies)
}

impl FakeApi {
    /// A CloudFormation client on this fake (no SDK retries, test credentials).
    pub(crate) fn cloudformation(&self) -> crate::deploy::CfnClient {
        use aws_sdk_cloudformation::config::{BehaviorVersion, Credentials, Region};
        let config = aws_sdk_cloudformation::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "test"))
            .endpoint_url(&self.endpoint)
            .retry_config(aws_sdk_cloudformation::config::retry::RetryConfig::disabled())
            .build();
        crate::deploy::CfnClient {
            client: aws_sdk_cloudformation::Client::from_conf(config),
            region: "us-east-1".into(),
            endpoint: Some(self.endpoint.clone()),
        }
    }
}

/// A query-protocol error answer (HTTP 400).
pub(crate) fn error(code: &str, message: &str) -> Reply {
    Reply::Answer(
        400,
        format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>\
             <RequestId>r</RequestId></ErrorResponse>"
        ),
    )
}

/// A query-protocol success answer of `operation` with `result` inside its result element.
pub(crate) fn ok(operation: &str, result: &str) -> Reply {
    Reply::Answer(
        200,
        format!(
            "<{operation}Response xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><{operation}Result>\
             {result}</{operation}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{operation}Response>"
        ),
    )
}
