//! Load balancers and databases.
