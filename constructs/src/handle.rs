//! The shape every L2 handle shares.

/// Declares `$handle`, the copyable handle to an L2 construct `$construct`: its construct node
/// and its L1 resource node, [`AsNode`](framework::AsNode), and `resource()`.
macro_rules! handle {
    ($construct:ident, $handle:ident) => {
        #[doc = concat!("Handle to a [`", stringify!($construct), "`]: small and `Copy`; attribute values come from its methods.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $handle {
            node: framework::NodeRef,
            resource: framework::NodeRef,
        }

        impl framework::AsNode for $handle {
            fn node(&self) -> framework::NodeRef {
                self.node
            }
        }

        impl $handle {
            /// The L1 resource node (for overrides, removal policies and dependencies).
            pub fn resource(self) -> framework::NodeRef {
                self.resource
            }
        }
    };
}

pub(crate) use handle;
