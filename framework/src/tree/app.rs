//! The app: the root of the construct tree, holding stacks.

use crate::tree::node::AppId;
use crate::tree::stack::{Stack, StackProps};
use crate::validation::Problem;

/// The root of the construct tree. Owns its stacks.
///
/// ```
/// use framework::{App, CfnResource};
/// let mut app = App::new();
/// CfnResource::new("AWS::SNS::Topic").add(app.add_stack("One"), "Topic");
/// CfnResource::new("AWS::SNS::Topic").add(app.add_stack("Two"), "Topic");
/// app.add_stack_dependency("Two", "One");
/// let assembly = app.synth().unwrap();
/// let order: Vec<&str> = assembly.stacks_in_dependency_order().iter().map(|s| s.id.as_str()).collect();
/// assert_eq!(order, ["One", "Two"]);
///
/// let mut empty = App::new();
/// empty.add_stack("Empty");
/// assert!(empty.synth().unwrap_err().problems().has("Empty", "no resources"));
/// ```
#[derive(Debug)]
pub struct App {
    pub(crate) id: AppId,
    pub(crate) stacks: Vec<Stack>,
    pub(crate) stack_dependencies: Vec<(usize, usize)>,
    pub(crate) problems: Vec<Problem>,
}

impl Default for App {
    fn default() -> Self {
        App::new()
    }
}

impl App {
    /// An empty app.
    pub fn new() -> App {
        App { id: AppId::fresh(), stacks: Vec::new(), stack_dependencies: Vec::new(), problems: Vec::new() }
    }

    /// This app's identity.
    pub fn id(&self) -> AppId {
        self.id
    }

    /// Adds a stack with default options (stack name = id).
    pub fn add_stack(&mut self, id: &str) -> &mut Stack {
        self.add_stack_with(id, StackProps::default())
    }

    /// Adds a stack with options.
    pub fn add_stack_with(&mut self, id: &str, props: StackProps) -> &mut Stack {
        if self.stacks.iter().any(|s| s.id() == id) {
            self.problems.push(Problem {
                path: id.to_string(),
                message: format!("there is already a stack with id {id:?} in the app"),
            });
        }
        let index = self.stacks.len() as u32;
        self.stacks.push(Stack::new(self.id, index, id, props));
        self.stacks.last_mut().expect("just pushed")
    }

    /// The stacks, in creation order.
    pub fn stacks(&self) -> &[Stack] {
        &self.stacks
    }

    /// The stack with construct id `id`.
    pub fn stack(&self, id: &str) -> Option<&Stack> {
        self.stacks.iter().find(|s| s.id() == id)
    }

    /// The stack with construct id `id`, mutably.
    pub fn stack_mut(&mut self, id: &str) -> Option<&mut Stack> {
        self.stacks.iter_mut().find(|s| s.id() == id)
    }

    /// Declares that stack `dependent` must deploy after stack `dependency`.
    pub fn add_stack_dependency(&mut self, dependent: &str, dependency: &str) {
        let find = |id: &str| self.stacks.iter().position(|s| s.id() == id);
        match (find(dependent), find(dependency)) {
            (Some(a), Some(b)) if a != b => {
                if !self.stack_dependencies.contains(&(a, b)) {
                    self.stack_dependencies.push((a, b));
                }
            }
            (Some(_), Some(_)) => self
                .problems
                .push(Problem { path: dependent.to_string(), message: "a stack cannot depend on itself".to_string() }),
            (a, _) => {
                let missing = if a.is_none() { dependent } else { dependency };
                self.problems.push(Problem {
                    path: dependent.to_string(),
                    message: format!("stack dependency names unknown stack {missing:?}"),
                });
            }
        }
    }
}
